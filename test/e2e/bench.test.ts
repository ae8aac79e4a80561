import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/stack/stack';

// `npm run bench` at a tiny size (its own stack): checks that it runs and reports every
// figure, shows its progress and draws its chart, not how fast anything is (that is what the
// benchmark itself is for).

describe('benchmark, tiny size', () => {
  it('reports throughput, ceiling, latencies, CPU and memory in its last JSON line', async () => {
    const root = projectRoot(__dirname);
    const out = mkdtempSync(join(tmpdir(), 'bench-test-'));
    const args = ['--orders', '6', '--ceiling-workflows', '5', '--concurrency', '2', '--duplicates', '2'];
    args.push('--deadline-s', '120', '--out', out);
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(root, 'dist', 'bench', 'bench.js'), ...args],
      { timeout: 180_000 },
    );
    const figures = JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
    expect(figures).toMatchObject({ orders: 6, ceilingWorkflows: 5, concurrency: 2, duplicatesPerOrder: 2 });
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
    expect(figures.newToStartP99).toBeGreaterThan(0);
    // Concurrency 2: each phase's first 4 answers are its warm-up, left out of these.
    expect(figures.afterWarmUp.apiNewMs.p99).toBeGreaterThan(0);
    expect(figures.afterWarmUp.bareStartMs.p99).toBeGreaterThan(0);
    expect(figures.afterWarmUp.newToStartP99).toBeGreaterThan(0);
    // Starts sampled during the submissions (at least the ones sent with the first POSTs).
    for (const sampled of [figures.underLoad.bare, figures.underLoad.asApi]) {
      expect(sampled.samples).toBeGreaterThan(0);
      expect(sampled.startMs.p50).toBeGreaterThan(0);
      expect(sampled.newToStartP99).toBeGreaterThan(0);
    }
    expect(figures.endToEndMs.p99).toBeGreaterThanOrEqual(figures.endToEndMs.p50);
    expect(figures.peakRssMiB.worker).toBeGreaterThan(0);
    expect(figures.peakRssMiB.api).toBeGreaterThan(0);
    expect(figures.checkout).toMatchObject({ orders: 6, pollMs: 50 });
    for (const latencies of [figures.checkout.preferWaitMs, figures.checkout.postThenPollMs]) {
      expect(latencies.p50).toBeGreaterThan(0);
      expect(latencies.p99).toBeGreaterThanOrEqual(latencies.p50);
    }

    // Not a terminal: the progress is plain lines on stderr, each phase counted to its end.
    expect(stderr).toMatch(/^bench: starting a stack, \d+s elapsed$/m);
    for (const [phase, total, unit] of [
      ['ceiling before the service', 5, 'workflows'],
      ['service: orders through the API until COMPLETED', 6, 'orders'],
      ['duplicates of the completed orders', 12, 'submissions'],
      ['checkout: Prefer: wait, then POST + polling', 12, 'orders'],
    ] as const)
      expect(stderr, phase).toContain(`\nbench: ${phase}, ${total}/${total} ${unit} (100%), `);

    // The figures with their time series, and the chart drawn from them.
    expect(figures.files).toEqual({ json: join(out, 'bench.json'), svg: join(out, 'bench.svg') });
    const written = JSON.parse(readFileSync(figures.files.json, 'utf8'));
    expect(written.figures).toEqual(figures);
    expect(written.series.samples.at(-1)).toMatchObject({ submitted: 6, completed: 6 });
    expect(written.series.latenciesMs.duplicate).toHaveLength(12);
    const svg = readFileSync(figures.files.svg, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Throughput');
    rmSync(out, { recursive: true, force: true });
  }, 200_000);
});
