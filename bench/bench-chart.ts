import type { TopLevelSpec } from 'vega-lite';

// The benchmark's figures as one chart of four panels: throughput over the service phase,
// the latency distribution of new and duplicate submissions, CPU and memory by process over
// the service phase. Built from what the run records (bench.json's `series`).

/** One poll of the service phase, `t` seconds after the first POST; counts and CPU are cumulative. */
export interface BenchSample {
  t: number;
  submitted: number;
  completed: number;
  /** CPU seconds used so far by each process of the stack (replicas summed). */
  cpuSeconds: Record<string, number>;
  /** Resident memory now of the worker, the API and the Temporal server (largest replica). */
  rssMiB: Record<string, number>;
}

export interface BenchSeries {
  samples: BenchSample[];
  latenciesMs: { new: number[]; duplicate: number[] };
}

/**
 * Per-second increments of a cumulative quantity: for each whole second of the run, what it
 * grew by since the second before. Between two samples it is taken to grow evenly (polls come
 * every 500 ms, later on a loaded machine: a second without a sample is not a second without
 * work); it is 0 at the first POST.
 */
export function perSecond(samples: BenchSample[], value: (s: BenchSample) => number): { t: number; rate: number }[] {
  const points = [{ t: 0, v: 0 }, ...samples.map((s) => ({ t: s.t, v: value(s) }))];
  const at = (second: number) => {
    const next = points.findIndex((p) => p.t >= second);
    if (next === -1) return points[points.length - 1].v;
    if (next === 0) return points[0].v;
    const [a, b] = [points[next - 1], points[next]];
    return a.v + ((b.v - a.v) * (second - a.t)) / (b.t - a.t);
  };
  const seconds = Math.ceil(samples.at(-1)?.t ?? 0);
  return Array.from({ length: seconds }, (_, i) => ({ t: i + 1, rate: at(i + 1) - at(i) }));
}

const WIDTH = 560;

/** A panel of one value over the service phase, one line (or stacked area) per series. */
function overTime(title: string, values: { t: number; value: number; series: string }[], yTitle: string, area = false) {
  return {
    title,
    width: WIDTH,
    height: 180,
    data: { values },
    mark: { type: area ? ('area' as const) : ('line' as const) },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'seconds since the first POST' },
      y: { field: 'value', type: 'quantitative', title: yTitle, stack: area ? 'zero' : null },
      color: { field: 'series', type: 'nominal' },
    },
  } as const;
}

export function benchChartSpec(title: string, series: BenchSeries): TopLevelSpec {
  const { samples, latenciesMs } = series;
  const throughput = (['submitted', 'completed'] as const).flatMap((key) =>
    perSecond(samples, (s) => s[key]).map(({ t, rate }) => ({
      t,
      value: rate,
      series: key === 'submitted' ? 'accepted (202)' : 'completed',
    })),
  );
  const processes = Object.keys(samples[0]?.cpuSeconds ?? {});
  const cpu = processes.flatMap((process) =>
    perSecond(samples, (s) => s.cpuSeconds[process]).map(({ t, rate }) => ({ t, value: rate, series: process })),
  );
  const memory = samples.flatMap((s) =>
    Object.entries(s.rssMiB).map(([process, mib]) => ({ t: s.t, value: mib, series: process })),
  );
  const latencies = [
    ...latenciesMs.new.map((ms) => ({ ms, kind: 'new order (202)' })),
    ...latenciesMs.duplicate.map((ms) => ({ ms, kind: 'duplicate (200)' })),
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, anchor: 'start' },
    config: { font: 'sans-serif', view: { stroke: null }, legend: { orient: 'top', title: null } },
    // Each panel its own colours and legend.
    resolve: { scale: { color: 'independent' } },
    vconcat: [
      overTime('Throughput: orders per second', throughput, 'orders / s'),
      {
        title: 'API latency: share of submissions answered within',
        width: WIDTH,
        height: 180,
        data: { values: latencies },
        transform: [{ window: [{ op: 'cume_dist', as: 'share' }], sort: [{ field: 'ms' }], groupby: ['kind'] }],
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'ms', type: 'quantitative', title: 'ms (log scale)', scale: { type: 'log' } },
          y: { field: 'share', type: 'quantitative', title: 'share', axis: { format: '%' } },
          color: { field: 'kind', type: 'nominal' },
        },
      },
      overTime('CPU by process while the orders ran (cores busy)', cpu, 'cores', true),
      overTime('Resident memory while the orders ran (MiB)', memory, 'MiB'),
    ],
  };
}
