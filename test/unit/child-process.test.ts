import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Child } from '../../src/stack/child-process';

// A part that dies while starting (a port taken, a bad key file) must say why: the launcher's
// error quotes its last output, also when that output goes to a log file.

describe('a child that exits before it is ready', () => {
  const dying = {
    name: 'dying',
    command: process.execPath,
    args: ['-e', "console.error('listen EADDRINUSE: port 1234 taken'); process.exit(1)"],
    ready: async () => false,
  };
  const quoted = /^dying exited with code 1 before it was ready; its last output:\nlisten EADDRINUSE: port 1234 taken$/;

  it('quotes its last output when its lines go to the launcher', async () => {
    const lines: string[] = [];
    await expect(new Child(dying, (line) => lines.push(line)).start()).rejects.toThrow(quoted);
    expect(lines).toEqual(['listen EADDRINUSE: port 1234 taken']);
  });

  it('quotes its last output when it writes to a log file', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'child-test-'));
    try {
      await expect(new Child(dying, logDir).start()).rejects.toThrow(quoted);
      expect(readFileSync(join(logDir, 'dying.log'), 'utf8')).toContain('EADDRINUSE');
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });
});

describe('a child that is killed from outside', () => {
  // Prints its pid, then lives until killed; ready at once, or never.
  const sleeper = (name: string, ready: boolean) => ({
    name,
    command: process.execPath,
    args: ['-e', 'console.log(process.pid); setInterval(() => {}, 1000)'],
    ready: async () => ready,
  });

  it('before it is ready: the start fails at once, naming the signal', async () => {
    const child = new Child(sleeper('victim', false), (line) => process.kill(Number(line), 'SIGKILL'));
    const startedAt = Date.now();
    await expect(child.start()).rejects.toThrow(
      /^victim was killed by SIGKILL before it was ready; its last output:\n\d+$/,
    );
    // Not at the end of its 60 s readiness timeout, as when only an exit code was looked for.
    expect(Date.now() - startedAt).toBeLessThan(30_000);
  });

  it('once up: its listener hears an outside kill, not stop() or kill()', async () => {
    const heard: string[] = [];
    const child = new Child(sleeper('part', true), () => {});
    child.setUnexpectedExitListener((what) => heard.push(what));
    await child.start();
    await child.stop();
    await child.start();
    await child.kill();
    await child.start();
    process.kill(child.pid!, 'SIGKILL');
    await vi.waitFor(() => expect(heard).toHaveLength(1));
    // Reports come once a process's output is closed: time for a late one to arrive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(heard).toEqual([expect.stringMatching(/^part was killed by SIGKILL/)]);
  });
});
