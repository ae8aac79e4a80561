import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/stack/stack';

// `npm run bench:footprint` at a tiny size: every step runs its workflows to the end and
// reports its figures; how fast is the benchmark's business, not the test's.

describe('footprint benchmark, tiny size', () => {
  it('runs each step to the end and reports throughput and CPU per workflow', async () => {
    const root = projectRoot(__dirname);
    const steps = ['bare', 'start', 'upserts', 'announcements', 'payloads'];
    const args = ['--workflows', '3', '--concurrency', '2', '--steps', steps.join(','), '--deadline-s', '120'];
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(root, 'dist', 'bench', 'footprint.js'), ...args],
      {
        timeout: 180_000,
      },
    );
    const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
    expect(summary.engine).toBe('dev');
    expect(summary.steps.map((s: { step: string }) => s.step)).toEqual(steps);
    for (const step of summary.steps) {
      expect(step.workflows).toBe(3);
      expect(step.workflowsPerSec).toBeGreaterThan(0);
      expect(step.engineCpuMsPerWorkflow).toBeGreaterThan(0);
      expect(step.clientAndWorkerCpuMsPerWorkflow).toBeGreaterThan(0);
    }
  });

  it('refuses a step it does not know, naming the ones it does', async () => {
    const root = projectRoot(__dirname);
    const run = promisify(execFile)(process.execPath, [
      join(root, 'dist', 'bench', 'footprint.js'),
      '--steps',
      'bare,fast',
    ]);
    await expect(run).rejects.toThrow(/--steps: fast\? expected bare, start, upserts, announcements, payloads/);
  });
});
