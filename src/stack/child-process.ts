import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

// A child process of the stack: started with its own environment, its output either
// handed line by line to the launcher or written to <logDir>/<name>.log, stopped with SIGTERM
// (or its own stop signal) then SIGKILL.

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Resolves once the child is ready to serve; polled until it returns true. */
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
  /** PostgreSQL takes SIGTERM as "wait for every client to leave": it gets SIGINT (fast shutdown). */
  stopSignal?: NodeJS.Signals;
}

/** How many of a child's last output lines an error about its start quotes. */
const QUOTED_LINES = 15;

export class Child {
  private process?: ChildProcess;
  private exited?: Promise<void>;
  /** After 'exit', once its output has been read to the end. */
  private closed?: Promise<void>;
  /** Its last lines of output: a child that dies while starting says why there. */
  private readonly lastLines: string[] = [];
  /** Processes that stop() or kill() ended: their exit is ours, not a fault (see setUnexpectedExitListener). */
  private readonly stopAsked = new WeakSet<ChildProcess>();
  private unexpectedExit?: (what: string) => void;

  /** @param output a folder for <name>.log, or what receives each line (default: `[name] line` on stdout) */
  constructor(
    readonly spec: ChildSpec,
    private readonly output?: string | ((line: string) => void),
  ) {}

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Started and not exited (a crash, a kill, its own exit). */
  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  async start(): Promise<void> {
    const { name, command, args, env } = this.spec;
    // A process group of its own: Ctrl-C on a terminal signals the launcher only, which
    // stops the parts in order (stack.ts) instead of all at once. A killed launcher still
    // takes them along (exit-with-parent.ts, exitWithParent below).
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.process = child;
    this.lastLines.length = 0; // a restart quotes its own output, not the last process's
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.closed = new Promise((resolve) =>
      child.once('close', () => {
        if (!this.stopAsked.has(child)) this.unexpectedExit?.(this.describeEnd(child, ''));
        resolve();
      }),
    );
    const output = this.output ?? ((line: string) => process.stdout.write(`[${name}] ${line}\n`));
    if (typeof output === 'string') {
      mkdirSync(output, { recursive: true });
      const log = createWriteStream(join(output, `${name}.log`), { flags: 'a' });
      child.stdout!.pipe(log, { end: false });
      child.stderr!.pipe(log, { end: false });
    }
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.lastLines.push(line);
        if (this.lastLines.length > QUOTED_LINES) this.lastLines.shift();
        if (typeof output !== 'string') output(line);
      });
    }
    await this.waitReady();
  }

  /**
   * The one listener (a later call replaces it) of every exit of the child's process that
   * stop() or kill() did not ask for (a crash, an outside kill, its own end): it hears what
   * happened and the last output.
   */
  setUnexpectedExitListener(listener: (what: string) => void): void {
    this.unexpectedExit = listener;
  }

  /** Sends `signal` to a running child, marked as ours; the process, or undefined when none runs. */
  private signal(signal: NodeJS.Signals): ChildProcess | undefined {
    const child = this.process;
    if (!child || !this.running) return undefined;
    this.stopAsked.add(child);
    child.kill(signal);
    return child;
  }

  /** SIGTERM, then SIGKILL if the child has not exited after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.signal(this.spec.stopSignal ?? 'SIGTERM');
    if (!child) return;
    const exited = await Promise.race([this.exited!.then(() => true), sleep(graceMs).then(() => false)]);
    if (!exited) {
      child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Kills without a chance to clean up, as a crash would. */
  async kill(): Promise<void> {
    if (this.signal('SIGKILL')) await this.exited;
  }

  /** "<name> exited with code 1<when>; its last output: ..." or "<name> was killed by SIGKILL<when>...". */
  private describeEnd({ exitCode, signalCode }: ChildProcess, when: string): string {
    const how = signalCode ? `was killed by ${signalCode}` : `exited with code ${exitCode}`;
    const said = this.lastLines.length ? `; its last output:\n${this.lastLines.join('\n')}` : '';
    return `${this.spec.name} ${how}${when}${said}`;
  }

  private async waitReady(): Promise<void> {
    const { name, ready, readyTimeoutMs = 60_000 } = this.spec;
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      // Also a death by a signal (an outside kill, the OOM killer): no exit code then.
      if (!this.running) {
        await this.closed; // its output read to the end
        throw new Error(this.describeEnd(this.process!, ' before it was ready'));
      }
      if (await ready().catch(() => false)) return;
      await sleep(200);
    }
    await this.stop();
    throw new Error(`${name} was not ready within ${readyTimeoutMs} ms`);
  }
}

/** A readiness probe: the URL answers 2xx. */
export const httpOk = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;

/**
 * For a program that is not ours to preload (the Temporal servers, PostgreSQL): on Linux,
 * setpriv asks the kernel to signal it when the launcher dies, so a killed launcher or test
 * run leaves nothing behind. `asUser` also drops root for a program that refuses it.
 */
export function exitWithParent(
  command: string,
  args: string[],
  opts: { signal?: 'TERM' | 'INT'; asUser?: string } = {},
): { command: string; args: string[] } {
  if (!existsSync('/usr/bin/setpriv')) return { command, args };
  const user = opts.asUser ? ['--reuid', opts.asUser, '--regid', opts.asUser, '--clear-groups'] : [];
  return { command: '/usr/bin/setpriv', args: [...user, '--pdeathsig', opts.signal ?? 'TERM', '--', command, ...args] };
}
