import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Progress, progressLine } from '../../src/stack/progress';

// The progress of long commands as a non-terminal sees it: plain lines (the bar itself is
// cli-progress's, on a terminal only).

describe('progress', () => {
  it('says phase, done/total, rate, time left and time elapsed in one line', () => {
    expect(
      progressLine({ command: 'bench', phase: 'service', done: 100, total: 300, unit: 'orders', elapsedS: 40 }),
    ).toBe('bench: service, 100/300 orders (33%), 2.5/s, 01m20s left, 40s elapsed');
    // Done: no time left; nothing counted: elapsed time only.
    expect(progressLine({ command: 'chaos', phase: 'audit', done: 5, total: 5, elapsedS: 2 })).toBe(
      'chaos: audit, 5/5 (100%), 2.5/s, 02s elapsed',
    );
    expect(progressLine({ command: 'bench', phase: 'starting a stack', done: 0, elapsedS: 75 })).toBe(
      'bench: starting a stack, 01m15s elapsed',
    );
  });

  it('prints a plain line when a phase starts and ends on a non-terminal', () => {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const progress = new Progress('chaos', stream as unknown as NodeJS.WriteStream);
    progress.phase('submitting', { total: 4, unit: 'orders' });
    progress.increment();
    progress.update(3);
    progress.phase('auditing the ledgers');
    progress.end();
    expect(written.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^chaos: submitting, 0\/4 orders \(0%\), .*elapsed$/),
      expect.stringMatching(/^chaos: submitting, 3\/4 orders \(75%\), .*left, .*elapsed$/),
      expect.stringMatching(/^chaos: auditing the ledgers, \d+s elapsed$/),
      expect.stringMatching(/^chaos: auditing the ledgers, \d+s elapsed$/),
    ]);
  });
});
