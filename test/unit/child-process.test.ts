import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
