import { describe, expect, it } from 'vitest';
import { type BenchSample, benchChartSpec, perSecond } from '../../bench/bench-chart';
import { svgChart } from '../../bench/svg-chart';

// The benchmark's chart: per-second rates from cumulative samples, and the spec rendered to
// SVG headless (no canvas, no browser).

const sample = (t: number, completed: number, worker: number): BenchSample => ({
  t,
  submitted: completed + 2,
  completed,
  cpuSeconds: { temporal: 2 * worker, worker },
  rssMiB: { worker: 250 + t, api: 150 },
});

describe('bench chart', () => {
  it('turns cumulative samples into per-second increments, growing evenly between samples', () => {
    const samples = [sample(0.5, 1, 0.2), sample(1, 4, 0.5), sample(1.5, 6, 0.9), sample(2.5, 10, 1.5)];
    // 4 by 1 s; 8 by 2 s (evenly from 6 at 1.5 s to 10 at 2.5 s); 10 from 2.5 s on.
    expect(perSecond(samples, (s) => s.completed)).toEqual([
      { t: 1, rate: 4 },
      { t: 2, rate: 4 },
      { t: 3, rate: 2 },
    ]);
    expect(perSecond([], (s) => s.completed)).toEqual([]);
  });

  it('renders throughput, latency, CPU and memory panels as one self-contained SVG', async () => {
    const samples = Array.from({ length: 20 }, (_, i) => sample((i + 1) / 2, 3 * i, 0.4 * i));
    const latenciesMs = { new: [12, 30, 45, 80, 200], duplicate: [5, 8, 9, 15] };
    const svg = await svgChart(benchChartSpec('bench: 60 orders', { samples, latenciesMs }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    for (const text of [
      'bench: 60 orders',
      'Throughput: orders per second',
      'API latency',
      'CPU by process',
      'Resident memory',
      'duplicate (200)',
      'temporal',
    ])
      expect(svg, text).toContain(text);
    // Self-contained: no external image, font or stylesheet.
    expect(svg).not.toMatch(/href="http|@import|url\(http/);
  });
});
