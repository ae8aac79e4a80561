import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/stack/stack';

// `npm run bench` at a tiny size (its own stack): checks that it runs and reports every
// figure, not how fast anything is (that is what the benchmark itself is for).

describe('benchmark, tiny size', () => {
  it('reports throughput, ceiling, latencies, CPU and memory in its last JSON line', async () => {
    const root = projectRoot(__dirname);
    const args = ['--orders', '6', '--concurrency', '3', '--duplicates', '2', '--deadline-s', '120'];
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'dist', 'bench', 'bench.js'), ...args], {
      timeout: 180_000,
    });
    const figures = JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
    expect(figures).toMatchObject({ orders: 6, concurrency: 3, duplicatesPerOrder: 2 });
    for (const key of [
      'serviceOrdersPerSec',
      'ceilingWorkflowsPerSec',
      'ratio',
      'cpuMsPerOrder',
      'cpuMsPerDuplicate',
      'duplicateToNewCost',
    ]) {
      expect(figures[key], key).toBeGreaterThan(0);
    }
    expect(figures.ceilingBeforeAfterWorkflowsPerSec).toEqual([expect.any(Number), expect.any(Number)]);
    for (const latencies of [figures.apiNewMs, figures.apiDuplicateMs, figures.bareStartMs]) {
      expect(latencies.p50).toBeGreaterThan(0);
      expect(latencies.p99).toBeGreaterThanOrEqual(latencies.p50);
    }
    expect(figures.endToEndMs.p99).toBeGreaterThanOrEqual(figures.endToEndMs.p50);
    expect(figures.peakRssMiB.worker).toBeGreaterThan(0);
    expect(figures.peakRssMiB.api).toBeGreaterThan(0);
    expect(figures.checkout).toMatchObject({ orders: 6, pollMs: 50 });
    for (const latencies of [figures.checkout.preferWaitMs, figures.checkout.postThenPollMs]) {
      expect(latencies.p50).toBeGreaterThan(0);
      expect(latencies.p99).toBeGreaterThanOrEqual(latencies.p50);
    }
  }, 200_000);
});
