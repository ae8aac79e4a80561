// CPU and memory of the stack's processes, read from /proc (Linux only), for the benchmark:
// every process's CPU counted with its descendants, since PostgreSQL serves each connection
// from a process of its own.
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine, PartName, Stack } from '../src/stack/stack';

/**
 * /proc/<pid>/stat fields after the command name: [1] ppid, [11] utime, [12] stime,
 * [13] cutime, [14] cstime (ticks, USER_HZ = 100).
 */
function statFields(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  } catch {
    return undefined; // exited meanwhile
  }
}

/** Every process's stat fields, read once for a round of cpuSeconds. */
export function procStats(): Map<number, string[]> {
  const stats = new Map<number, string[]>();
  for (const entry of readdirSync('/proc')) {
    const fields = /^\d+$/.test(entry) ? statFields(Number(entry)) : undefined;
    if (fields) stats.set(Number(entry), fields);
  }
  return stats;
}

/**
 * CPU seconds (user + system) a process and all its descendants have used so far:
 * PostgreSQL serves each connection from a process of its own, and setpriv or a wrapper
 * may sit between the launcher and the program.
 */
export function cpuSeconds(pid: number | undefined, stats = procStats()): number {
  if (!pid) return NaN;
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, fields] of stats) {
      if (!tree.has(child) && tree.has(Number(fields[1]))) {
        tree.add(child);
        grew = true;
      }
    }
  }
  let ticks = 0;
  for (const member of tree) {
    const fields = stats.get(member);
    // utime + stime, plus what its exited children used (a closed PostgreSQL connection's backend).
    if (fields) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks / 100;
}

/**
 * Waits (at most 15 s) until the stack has settled: under 5% of a core busy over half a
 * second, so one phase's leftovers (visibility writes, timers) are not billed to the next.
 */
export async function settle(pids: number[]): Promise<void> {
  const busy = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
    const before = busy();
    await sleep(500);
    if (busy() - before < 0.025) return;
  }
  console.warn('bench: the stack did not settle within 15 s; measuring anyway');
}

/** Resident memory of a process, in MiB: now (VmRSS) or its peak so far (VmHWM). */
export function memoryMiB(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  if (!pid) return NaN;
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return line ? Math.round(Number(line.replace(/\D/g, '')) / 102.4) / 10 : NaN;
}

/** CPU seconds so far of every replica of one part of a stack. */
export function partCpu(stack: Pick<Stack, 'children'>, name: PartName, stats = procStats()): number {
  return stack.children(name).reduce((sum, child) => sum + cpuSeconds(child.pid, stats), 0);
}

/** Temporal's parts: the server, plus PostgreSQL on the production engine. */
export function engineParts(engine: Engine): PartName[] {
  return engine === 'postgres' ? ['temporal', 'postgres'] : ['temporal'];
}

/** CPU seconds so far of Temporal's parts (see engineParts). */
export function engineCpu(stack: Pick<Stack, 'children'>, engine: Engine, stats = procStats()): number {
  return engineParts(engine).reduce((sum, name) => sum + partCpu(stack, name, stats), 0);
}

/** The process IDs of every replica of the given parts of a stack. */
export function partPids(stack: Pick<Stack, 'children'>, names: PartName[]): number[] {
  return names.flatMap((name) => stack.children(name).flatMap((child) => (child.pid ? [child.pid] : [])));
}
