// `npm run bench -- --orders 1000 --concurrency 50 --duplicates 1`: throughput and latency
// of the service against Temporal's own ceiling on the same server in the same run, and
// what a duplicate submission costs (CPU of every process of the stack) against a new order.
// Prints a table, then one JSON line with every figure; shows its progress on stderr; writes
// the figures with their time series to <out>/bench.json and as a chart to <out>/bench.svg.
// `--temporal postgres` measures the production engine; `--workers N --apis N` several
// workers and API replicas (requests go round-robin over the replicas).
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { sampleOrder } from '../src/fixtures/sample-order';
import type { Order } from '../src/shared/order-schema';
import { orderStart } from '../src/api/orders/order-start';
import { ORDER_WORKFLOW_TYPE, workflowIdFor } from '../src/shared/order-contract';
import { type ApiTarget, apiFetch, stackApi } from '../src/stack/api-client';
import { Progress } from '../src/stack/progress';
import { type PartName, startScratchStack } from '../src/stack/stack';
import { STACK_ARG_OPTIONS, stackShape } from '../src/stack/stack-args';
import { encryptingDataConverter } from '../src/temporal/codec/data-converter';
import { parseEncryptionKeys } from '../src/temporal/codec/encryption-keys';
import { isTemporalUnavailable } from '../src/temporal/workflow-reads';
import { type BenchSample, benchChartSpec } from './bench-chart';
import { measureCheckout } from './checkout-latency';
import { runBenchWorker } from './bench-worker';
import { mapLimit } from './map-limit';
import { waitClosed } from './wait-closed';
import { engineCpu, engineParts, memoryMiB, partCpu, partPids, procStats, settle } from './process-usage';
import { svgChart } from './svg-chart';

const { values: opts } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000' },
    // Workflows per ceiling run (default: as many as orders). A rate, so fewer suffice; the
    // run after the service still meets the database the orders filled.
    'ceiling-workflows': { type: 'string' },
    concurrency: { type: 'string', default: '50' },
    duplicates: { type: 'string', default: '1' },
    'deadline-s': { type: 'string', default: '900' },
    out: { type: 'string', default: 'bench-results' },
    ...STACK_ARG_OPTIONS,
  },
});
const shape = stackShape(opts);
const N = Number(opts.orders);
const CEILING_N = Number(opts['ceiling-workflows'] ?? N);
const C = Number(opts.concurrency);
const D = Number(opts.duplicates);
const DEADLINE = Date.now() + Number(opts['deadline-s']) * 1000;
const progress = new Progress('bench');
/** An order's happy path: the risk check (a local activity), then charge and shipment. */
const ORDER_SHAPE = { localActivities: 1, activities: 2 };
/** The processes whose memory is sampled (the largest replica of each). */
const MEMORY_PARTS: PartName[] = ['worker', 'api', 'temporal'];

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const spread = (values: number[]) => ({
  p50: round(percentile(values, 50)),
  p95: round(percentile(values, 95)),
  p99: round(percentile(values, 99)),
});
/** `a`'s p99 over `b`'s. */
const p99Ratio = (a: number[], b: number[]) => round(percentile(a, 99) / percentile(b, 99), 2);
/**
 * A phase's answers after its first 2 × C, in the order they came: the warm-up left out (the
 * worker's first workflow tasks and JIT compete with the first starts, for the API's and the
 * bare starts alike, and make most of a 1,000-order run's p99).
 */
const afterWarmUp = (latencies: number[]) => latencies.slice(2 * C);

/**
 * Submission to close of every order, from visibility. Paging through 10,000 runs can meet the
 * production engine's persistence rate limit (RESOURCE_EXHAUSTED): then it waits and reads
 * them all again, a few times.
 */
async function endToEndTimes(client: Client, sentAt: Map<string, number>): Promise<number[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const e2e: number[] = [];
      for await (const wf of client.workflow.list({ query: `WorkflowType = '${ORDER_WORKFLOW_TYPE}'` })) {
        const sent = sentAt.get(wf.workflowId);
        if (sent && wf.closeTime) e2e.push(wf.closeTime.getTime() - sent);
      }
      return e2e;
    } catch (err) {
      if (attempt >= 5 || !isTemporalUnavailable(err)) throw err;
      await sleep(2_000 * attempt);
    }
  }
}

const order = (i: number, run: string): Order =>
  sampleOrder({
    orderId: `bench-${run}-${i}`,
    customerId: `bench-cust-${i % 100}`,
    items: [{ sku: 'mug', quantity: 1 + (i % 3), unitPriceCents: 1250 }],
  });

async function postOrder(api: ApiTarget, body: Order): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const response = await apiFetch(api, '/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - t0 };
}

/**
 * While `going()`, one `start(i)` at a time: what a start costs on the same server under the
 * same load as the API's, each with the count of API answers already in when it was sent (to
 * leave the warm-up out). The runs go to a task queue without a worker, so each adds a start
 * and nothing more; they stay open in the scratch stack.
 */
async function sampleStarts(
  start: (i: number) => Promise<unknown>,
  going: () => boolean,
  answered: () => number,
): Promise<{ ms: number; answeredBefore: number }[]> {
  const samples: { ms: number; answeredBefore: number }[] = [];
  while (going()) {
    const answeredBefore = answered();
    const started = performance.now();
    await start(samples.length);
    samples.push({ ms: performance.now() - started, answeredBefore });
  }
  return samples;
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const run = Date.now().toString(36);
  progress.phase('starting a stack');
  const { stack, dispose } = await startScratchStack('bench', { LOG_LEVEL: 'warn' }, shape);
  const connection = await Connection.connect({ address: stack.urls.temporal });
  // The ceiling's client and worker encrypt like the service's: the same payload cost on both sides.
  const dataConverter = encryptingDataConverter(parseEncryptionKeys(stack.env.ENCRYPTION_KEYS!));
  const client = new Client({ connection, dataConverter });
  try {
    // 1. Ceiling: the same number of workflows and activities, straight through the client;
    // measured before and after the service (the server gets slower as its database fills,
    // and the machine's speed drifts), and the two averaged.
    const measureCeiling = async (phase: string) => {
      const taskQueue = `ceiling-${run}-${phase}`;
      const starts: number[] = [];
      progress.phase(`ceiling ${phase} the service`, { total: CEILING_N, unit: 'workflows' });
      const worker = {
        address: stack.urls.temporal,
        taskQueue,
        dataConverter,
        workflowBundle: ceilingBundle,
        activities: { noop: async () => undefined },
        engineCpu: () => engineCpu(stack, shape.engine),
      };
      const measured = await runBenchWorker(worker, async () => {
        const t0 = Date.now();
        // Visibility is polled from the first start on, as in the service's phase.
        const [, done] = await Promise.all([
          mapLimit(Array.from({ length: CEILING_N }), C, async (_, i) => {
            const started = performance.now();
            await client.workflow.start('ceilingWorkflow', {
              taskQueue,
              workflowId: `${taskQueue}-${i}`,
              args: [ORDER_SHAPE.activities, ORDER_SHAPE.localActivities],
            });
            starts.push(performance.now() - started);
          }),
          waitClosed(
            client,
            `WorkflowType = 'ceilingWorkflow' AND TaskQueue = '${taskQueue}'`,
            CEILING_N,
            DEADLINE,
            (closed) => progress.update(closed),
          ),
        ]);
        return (done - t0) / 1000;
      });
      return {
        seconds: measured.value,
        temporal: measured.engineCpuSeconds,
        clientAndWorker: measured.clientAndWorkerCpuSeconds,
        starts,
      };
    };
    // The largest replica of each.
    const memory = (field: 'VmRSS' | 'VmHWM') =>
      Object.fromEntries(
        MEMORY_PARTS.map((name) => [
          name,
          Math.max(...stack.children(name).map((child) => memoryMiB(child.pid, field))),
        ]),
      );
    const ceilingBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./ceiling/workflows'),
      logger: new DefaultLogger('WARN'),
    });
    const services: PartName[] = [...engineParts(shape.engine), 'sandbox', 'worker', 'api'];
    const quiet = () => {
      progress.phase('waiting for the stack to settle');
      return settle(partPids(stack, services));
    };
    await quiet();
    const ceilingBefore = await measureCeiling('before');

    // 2. The service: N new orders through the API, until all are COMPLETED.
    const cpu = (stats = procStats()) =>
      Object.fromEntries(services.map((name) => [name, partCpu(stack, name, stats)])) as Record<PartName, number>;
    // Requests go round-robin over the API replicas, as a load balancer would send them.
    // Submissions spread over the API replicas, each with the stack's key.
    const apiAt = (i: number): ApiTarget => ({ ...stackApi(stack), url: stack.urls.apis[i % stack.urls.apis.length] });
    await quiet();
    const cpuBefore = cpu();
    const newLatencies: number[] = [];
    const sentAt = new Map<string, number>();
    // Every poll of visibility is a sample of the time series the chart draws.
    const samples: BenchSample[] = [];
    let submittedAt = 0;
    progress.phase('service: orders through the API until COMPLETED', { total: N, unit: 'orders' });
    const t0 = Date.now();
    let submitting = true;
    const sampleQueue = `sampled-${run}`;
    const [, done, bareUnderLoad, asApiUnderLoad] = await Promise.all([
      mapLimit(Array.from({ length: N }), C, async (_, i) => {
        const body = order(i, run);
        sentAt.set(workflowIdFor(body.orderId), Date.now());
        const { status, ms } = await postOrder(apiAt(i), body);
        if (status !== 202) throw new Error(`POST /orders answered ${status}`);
        newLatencies.push(ms);
      }).then(() => {
        submittedAt = Date.now();
        submitting = false;
      }),
      waitClosed(
        client,
        `WorkflowType = '${ORDER_WORKFLOW_TYPE}' AND OrderStatus = 'COMPLETED'`,
        N,
        DEADLINE,
        (closed) => {
          const used = cpu();
          samples.push({
            t: (Date.now() - t0) / 1000,
            submitted: newLatencies.length,
            completed: closed,
            cpuSeconds: Object.fromEntries(services.map((name) => [name, used[name] - cpuBefore[name]])),
            rssMiB: memory('VmRSS'),
          });
          progress.update(closed);
        },
      ),
      // Two more clients, one start at a time each: a bare start (the ceiling's), and the
      // API's own start (memo, search attributes, the order) sent straight through the client.
      sampleStarts(
        (i) =>
          client.workflow.start('ceilingWorkflow', {
            taskQueue: `${sampleQueue}-bare`,
            workflowId: `${sampleQueue}-bare-${i}`,
            args: [ORDER_SHAPE.activities, ORDER_SHAPE.localActivities],
          }),
        () => submitting,
        () => newLatencies.length,
      ),
      sampleStarts(
        (i) => client.workflow.start(ORDER_WORKFLOW_TYPE, orderStart(order(i, sampleQueue), sampleQueue).options),
        () => submitting,
        () => newLatencies.length,
      ),
    ]);
    const serviceSeconds = (done - t0) / 1000;
    const cpuOrders = cpu();

    await quiet();
    const ceilingAfter = await measureCeiling('after');
    const ceiling = {
      seconds: (ceilingBefore.seconds + ceilingAfter.seconds) / 2,
      temporal: (ceilingBefore.temporal + ceilingAfter.temporal) / 2,
      clientAndWorker: (ceilingBefore.clientAndWorker + ceilingAfter.clientAndWorker) / 2,
    };
    // A bare workflow.start, straight through the client: what the API's 202 is compared with.
    const startLatencies = [...ceilingBefore.starts, ...ceilingAfter.starts];
    const startLatenciesAfterWarmUp = [...afterWarmUp(ceilingBefore.starts), ...afterWarmUp(ceilingAfter.starts)];
    // Starts sampled during the service's submissions: the same server under the same load.
    const underLoad = (samples: { ms: number; answeredBefore: number }[]) => {
      const all = samples.map((sample) => sample.ms);
      const warm = samples.filter((sample) => sample.answeredBefore >= 2 * C).map((sample) => sample.ms);
      return {
        samples: samples.length,
        startMs: spread(all),
        newToStartP99: p99Ratio(newLatencies, all),
        afterWarmUp: { startMs: spread(warm), newToStartP99: p99Ratio(afterWarmUp(newLatencies), warm) },
      };
    };

    // 3. D duplicates of each order (they find the finished run): their latency and CPU.
    await quiet();
    const cpuBeforeDuplicates = cpu();
    const dupLatencies: number[] = [];
    progress.phase('duplicates of the completed orders', { total: N * D, unit: 'submissions' });
    await mapLimit(Array.from({ length: N * D }), C, async (_, j) => {
      const { status, ms } = await postOrder(apiAt(j), order(j % N, run));
      if (status !== 200) throw new Error(`duplicate POST /orders answered ${status}`);
      dupLatencies.push(ms);
      progress.increment();
    });
    const cpuDuplicates = cpu();
    const spent = (from: Record<string, number>, to: Record<string, number>) =>
      services.reduce((sum, name) => sum + (to[name] - from[name]), 0);
    const cpuMsPerOrder = (spent(cpuBefore, cpuOrders) * 1000) / N;
    const cpuMsPerDuplicate = (spent(cpuBeforeDuplicates, cpuDuplicates) * 1000) / (N * D);

    // 4. Synchronous checkout: time to the payment decision, waited against polled.
    await quiet();
    const checkoutOrders = Math.min(N, 200);
    progress.phase('checkout: Prefer: wait, then POST + polling', { total: 2 * checkoutOrders, unit: 'orders' });
    const checkout = await measureCheckout(
      stackApi(stack),
      (i, variant) => order(i, `${run}-${variant}`),
      checkoutOrders,
      C,
      percentile,
      () => progress.increment(),
    );

    progress.phase('reading end-to-end times');
    const e2e = await endToEndTimes(client, sentAt);

    const figures = {
      engine: shape.engine,
      workers: shape.workers,
      apis: shape.apis,
      orders: N,
      concurrency: C,
      duplicatesPerOrder: D,
      ceilingWorkflows: CEILING_N,
      serviceOrdersPerSec: round(N / serviceSeconds),
      ceilingWorkflowsPerSec: round(CEILING_N / ceiling.seconds),
      ceilingBeforeAfterWorkflowsPerSec: [
        round(CEILING_N / ceilingBefore.seconds),
        round(CEILING_N / ceilingAfter.seconds),
      ],
      ratio: round(N / serviceSeconds / (CEILING_N / ceiling.seconds), 2),
      apiNewMs: spread(newLatencies),
      bareStartMs: spread(startLatencies),
      newToStartP99: p99Ratio(newLatencies, startLatencies),
      afterWarmUp: {
        apiNewMs: spread(afterWarmUp(newLatencies)),
        bareStartMs: spread(startLatenciesAfterWarmUp),
        newToStartP99: p99Ratio(afterWarmUp(newLatencies), startLatenciesAfterWarmUp),
      },
      underLoad: { bare: underLoad(bareUnderLoad), asApi: underLoad(asApiUnderLoad) },
      apiDuplicateMs: spread(dupLatencies),
      cpuMsPerOrder: round(cpuMsPerOrder),
      cpuMsPerDuplicate: round(cpuMsPerDuplicate),
      duplicateToNewCost: round(cpuMsPerDuplicate / cpuMsPerOrder, 3),
      cpuSecondsByProcess: Object.fromEntries(services.map((name) => [name, round(cpuOrders[name] - cpuBefore[name])])),
      duplicateCpuSecondsByProcess: Object.fromEntries(
        services.map((name) => [name, round(cpuDuplicates[name] - cpuBeforeDuplicates[name], 2)]),
      ),
      ceilingCpuSeconds: { temporal: round(ceiling.temporal), clientAndWorker: round(ceiling.clientAndWorker) },
      endToEndMs: { p50: round(percentile(e2e, 50)), p99: round(percentile(e2e, 99)) },
      submitSeconds: round((submittedAt - t0) / 1000),
      peakRssMiB: memory('VmHWM'),
      checkout,
      files: { json: join(opts.out, 'bench.json'), svg: join(opts.out, 'bench.svg') },
    };
    progress.phase('writing the chart');
    const title = `bench: ${N} orders, concurrency ${C}, ${D} duplicate(s) each; ${shape.engine} engine, ${shape.workers} worker(s), ${shape.apis} API(s)`;
    // Latencies to 0.1 ms: the chart needs no more, and the file stays small.
    const latenciesMs = { new: newLatencies.map((ms) => round(ms)), duplicate: dupLatencies.map((ms) => round(ms)) };
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(figures.files.json, `${JSON.stringify({ figures, series: { samples, latenciesMs } }, null, 1)}\n`);
    writeFileSync(figures.files.svg, await svgChart(benchChartSpec(title, { samples, latenciesMs })));
    progress.end();
    console.log(title);
    console.log(`  service   ${figures.serviceOrdersPerSec} orders/s (POST -> COMPLETED)`);
    console.log(
      `  ceiling   ${figures.ceilingWorkflowsPerSec} workflows/s (${ORDER_SHAPE.localActivities} local and ${ORDER_SHAPE.activities} other no-op activities each, client + worker only; before/after the service: ${figures.ceilingBeforeAfterWorkflowsPerSec.join(' / ')})`,
    );
    console.log(
      `  ratio     ${figures.ratio} of the ceiling; ceiling CPU ${JSON.stringify(figures.ceilingCpuSeconds)} s over ${CEILING_N} workflows`,
    );
    console.log(`  API new   p50 ${figures.apiNewMs.p50} ms, p95 ${figures.apiNewMs.p95}, p99 ${figures.apiNewMs.p99}`);
    console.log(
      `  start     p50 ${figures.bareStartMs.p50} ms, p95 ${figures.bareStartMs.p95}, p99 ${figures.bareStartMs.p99} (a bare workflow.start in the ceiling runs; API new p99 / start p99 = ${figures.newToStartP99})`,
    );
    console.log(
      `  warm      after each phase's first ${2 * C} answers: API new p99 ${figures.afterWarmUp.apiNewMs.p99} ms, start p99 ${figures.afterWarmUp.bareStartMs.p99} (${figures.afterWarmUp.newToStartP99})`,
    );
    for (const [name, sampled] of Object.entries(figures.underLoad))
      console.log(
        `  ${name.padEnd(9)} ${sampled.samples} such starts sampled during the submissions: p50 ${sampled.startMs.p50} ms, p99 ${sampled.startMs.p99} (API new p99 / that = ${sampled.newToStartP99}; after the warm-up ${sampled.afterWarmUp.startMs.p99} ms, ${sampled.afterWarmUp.newToStartP99})`,
      );
    console.log(
      `  API dup   p50 ${figures.apiDuplicateMs.p50} ms, p95 ${figures.apiDuplicateMs.p95}, p99 ${figures.apiDuplicateMs.p99}`,
    );
    console.log(
      `  CPU       ${figures.cpuMsPerOrder} ms per order, ${figures.cpuMsPerDuplicate} ms per duplicate (${figures.duplicateToNewCost} of a new order); orders phase by process ${JSON.stringify(figures.cpuSecondsByProcess)} s, duplicates ${JSON.stringify(figures.duplicateCpuSecondsByProcess)} s`,
    );
    console.log(`  e2e       p50 ${figures.endToEndMs.p50} ms, p99 ${figures.endToEndMs.p99}`);
    console.log(
      `  checkout  time to the payment decision over ${checkout.orders} orders: Prefer: wait p50 ${checkout.preferWaitMs.p50} ms, p99 ${checkout.preferWaitMs.p99}; POST + GET every ${checkout.pollMs} ms p50 ${checkout.postThenPollMs.p50}, p99 ${checkout.postThenPollMs.p99} (${checkout.getsPerPolledOrder} GETs each)`,
    );
    console.log(
      `  peak RSS  worker ${figures.peakRssMiB.worker} MiB, API ${figures.peakRssMiB.api} MiB, Temporal server ${figures.peakRssMiB.temporal} MiB (largest replica)`,
    );
    console.log(`  files     ${figures.files.json} (figures and time series), ${figures.files.svg} (chart)`);
    console.log(JSON.stringify(figures));
  } finally {
    progress.phase('stopping the stack');
    await connection.close();
    await dispose();
    progress.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
