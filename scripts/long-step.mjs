// A long step of the setup (a Go build, a Maven fetch; minutes the first time): the command's
// own output is kept aside and returned with a failure, and meanwhile the step shows how long
// it has been running, on stdout like the other `[setup]` lines: redrawn in place with a
// spinner on a terminal (cli-progress), a line every 10 s elsewhere (CI, a pipe). Plain Node
// until npm has installed cli-progress: a fresh clone's first steps run before that.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { clearInterval, setInterval } from 'node:timers';

const PLAIN_EVERY_MS = 10_000;
const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

async function cliProgress() {
  try {
    return await import('cli-progress');
  } catch {
    return undefined; // not installed yet
  }
}

/** Shows `label` with the time elapsed until `stop(ok)`. */
async function elapsedDisplay(label) {
  const progress = process.stdout.isTTY ? await cliProgress() : undefined;
  if (progress) {
    const bar = new progress.SingleBar({
      stream: process.stdout,
      format: `[setup] {spinner} ${label}: {duration_formatted}`,
      autopaddingChar: '0',
    });
    bar.start(1, 0, { spinner: SPINNER[0] });
    let frame = 0;
    const spin = setInterval(() => bar.update(0, { spinner: SPINNER[++frame % SPINNER.length] }), 100);
    return (ok) => {
      clearInterval(spin);
      bar.update(ok ? 1 : 0, { spinner: ok ? '✓' : '✗' });
      bar.stop();
    };
  }
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
  console.log(`[setup] ${label}`);
  const timer = setInterval(() => console.log(`[setup] ${label}: ${elapsed()} so far`), PLAIN_EVERY_MS);
  return (ok) => {
    clearInterval(timer);
    console.log(`[setup] ${label}: ${ok ? 'done' : 'failed'} after ${elapsed()}`);
  };
}

/**
 * Runs `command` (spawn's options) showing `label` and the time elapsed. Rejects if it cannot
 * start or exits non-zero, with `output` on the error: the last 30 lines it printed.
 */
export async function runLong(label, command, args, options = {}) {
  const stop = await elapsedDisplay(label);
  const chunks = [];
  const code = await new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('error', (err) => resolve(err.message));
    child.on('close', (exit, signal) => resolve(exit ?? signal));
  });
  stop(code === 0);
  if (code !== 0) {
    const error = new Error(`${command} ${args.join(' ')} failed (${code})`);
    error.output = Buffer.concat(chunks).toString().trim().split('\n').slice(-30).join('\n');
    throw error;
  }
}
