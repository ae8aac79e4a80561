// `npm run bench:footprint -- [--temporal postgres] [--workflows 1500]`: how much of the
// bare ceiling's throughput what an order asks of Temporal costs by itself. Runs the
// ceiling's shape (bench/footprint/workflows.ts, every step a no-op) on a stack of its own,
// once per step, each step adding a piece of the order's footprint to the one before:
//   bare           the ceiling of `npm run bench`
//   start          + the API's start (orderStart: the order, memo, search attributes)
//   upserts        + a patch marker and the PAID and COMPLETED upserts
//   announcements  + the four status announcements (local activities)
//   payloads       + inputs, answers and result the size of the service's
// `--steps` sets the order (default: each once, then bare and payloads alternated, as the
// server slows while its database fills). Prints one JSON line per step, then all of them.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { parseArgs } from 'node:util';
import { orderStart } from '../src/api/orders/order-start';
import { sampleOrder } from '../src/fixtures/sample-order';
import { startScratchStack } from '../src/stack/stack';
import { stackShape } from '../src/stack/stack-args';
import { encryptingDataConverter } from '../src/temporal/codec/data-converter';
import { parseEncryptionKeys } from '../src/temporal/codec/encryption-keys';
import { runBenchWorker } from './bench-worker';
import type { Footprint, FootprintActivities } from './footprint/workflows';
import { mapLimit } from './map-limit';
import { engineCpu, engineParts, partPids, settle } from './process-usage';
import { waitClosed } from './wait-closed';

const STEPS: Record<string, { apiStart: boolean; footprint: Footprint }> = {
  bare: { apiStart: false, footprint: {} },
  start: { apiStart: true, footprint: {} },
  upserts: { apiStart: true, footprint: { upserts: true } },
  announcements: { apiStart: true, footprint: { upserts: true, announcements: true } },
  payloads: { apiStart: true, footprint: { upserts: true, announcements: true, payloads: true } },
};

const { values: opts } = parseArgs({
  options: {
    temporal: { type: 'string', default: 'dev' },
    workflows: { type: 'string', default: '1500' },
    concurrency: { type: 'string', default: '50' },
    steps: { type: 'string', default: 'bare,start,upserts,announcements,payloads,bare,payloads,bare,payloads' },
    'deadline-s': { type: 'string', default: '3600' },
  },
});
const { engine } = stackShape({ temporal: opts.temporal });
const N = Number(opts.workflows);
const C = Number(opts.concurrency);
const DEADLINE = Date.now() + Number(opts['deadline-s']) * 1000;
const steps = opts.steps.split(',');
for (const step of steps)
  if (!STEPS[step]) throw new Error(`--steps: ${step}? expected ${Object.keys(STEPS).join(', ')}`);

// What the service's activities answer, in size; none when the step has no payloads.
const answers: FootprintActivities = {
  risk: async (input) => input && { approved: true },
  charge: async (input) => input && { chargeId: 'ch_0123456789abcdef', refunded: false },
  ship: async (input) =>
    input && { shipmentId: 'shp_0123456789abcdef', carrier: 'sandbox', trackingNumber: 'TRK0123456789' },
  publish: async () => undefined,
};

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const { stack, dispose } = await startScratchStack('footprint', { LOG_LEVEL: 'warn' }, { engine });
  try {
    const client = new Client({
      connection: await Connection.connect({ address: stack.urls.temporal }),
      dataConverter: encryptingDataConverter(parseEncryptionKeys(stack.env.ENCRYPTION_KEYS!)),
    });
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./footprint/workflows'),
      logger: new DefaultLogger('WARN'),
    });
    const results = [];
    for (const [index, step] of steps.entries()) {
      const { apiStart, footprint } = STEPS[step];
      const taskQueue = `footprint-${index}-${step}`;
      await settle(partPids(stack, engineParts(engine)));
      const measured = await runBenchWorker(
        {
          address: stack.urls.temporal,
          taskQueue,
          dataConverter: client.options.dataConverter,
          workflowBundle,
          activities: answers,
          engineCpu: () => engineCpu(stack, engine),
        },
        async () => {
          const t0 = Date.now();
          const [, done] = await Promise.all([
            mapLimit(Array.from({ length: N }), C, async (_, i) => {
              const order = sampleOrder({ orderId: `${taskQueue}-${i}`, customerId: `footprint-${i % 100}` });
              const start = apiStart ? orderStart(order, taskQueue).options : {};
              await client.workflow.start('footprintWorkflow', {
                ...start,
                workflowId: order.orderId,
                taskQueue,
                args: [order, footprint],
              });
            }),
            waitClosed(client, `WorkflowType = 'footprintWorkflow' AND TaskQueue = '${taskQueue}'`, N, DEADLINE),
          ]);
          return (done - t0) / 1000;
        },
      );
      const perWorkflowMs = (seconds: number) => Number(((seconds * 1000) / N).toFixed(1));
      const result = {
        engine,
        step,
        workflows: N,
        workflowsPerSec: Number((N / measured.value).toFixed(1)),
        engineCpuMsPerWorkflow: perWorkflowMs(measured.engineCpuSeconds),
        clientAndWorkerCpuMsPerWorkflow: perWorkflowMs(measured.clientAndWorkerCpuSeconds),
      };
      console.log(JSON.stringify(result));
      results.push(result);
    }
    console.log(JSON.stringify({ engine, steps: results }));
  } finally {
    await dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
