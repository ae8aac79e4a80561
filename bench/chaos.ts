// `npm run chaos`: tries hard to break exactly-once on a stack of its own (127.0.0.1 only)
// and prints the audit. Bounded: a fixed number of orders and disruptions, and a deadline.
//
// During one run it submits every order several times from concurrent clients (some with a
// conflicting body), turns on every sandbox fault, SIGKILLs and restarts the worker,
// restarts the Temporal server (the dev server keeps its state in its SQLite file, the
// production engine in PostgreSQL, which can be restarted too: --temporal postgres
// --postgres-restarts N), declines, rejects and cancels some orders; then waits for all
// accepted orders to end. Then, with faults on again and provider keys expiring after a
// few seconds, Temporal forgets some orders and they are submitted again (same body,
// another address, another amount), operators reset some runs to their first workflow task
// and terminate one between its charge and its refund; `reconcile --fix` settles what that
// left open, and the audit reads the books. With --apis N the submissions are spread over
// the replicas; with --workers N each kill takes the next worker. With --source kafka the
// orders arrive through Kafka instead (bench/chaos-kafka.ts, --broker-restarts N).
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { sampleOrder } from '../src/fixtures/sample-order';
import type { Order } from '../src/shared/order-schema';
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { reconcile } from '../src/reconcile/main';
import { isTerminal } from '../src/shared/order-state';
import { workflowIdFor } from '../src/shared/order-contract';
import type { Faults } from '../src/sandbox/faults';
import { putFaults } from '../src/sandbox/fault-switch';
import { type ApiTarget, apiFetch, stackApi } from '../src/stack/api-client';
import { Progress } from '../src/stack/progress';
import { type Stack, startScratchStack } from '../src/stack/stack';
import { STACK_ARG_OPTIONS, stackShape } from '../src/stack/stack-args';
import { stackClient } from '../src/stack/stack-client';
import { forgetWorkflow } from '../src/temporal/forget-workflow';
import { waitForStartedActivity } from '../src/temporal/started-activity';
import { audit, printReport, stackAuditTargets } from './audit';
import { kafkaChaos } from './chaos-kafka';
import { mapLimit } from './map-limit';

const { values: opts } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000' },
    duplicates: { type: 'string', default: '5' },
    'worker-kills': { type: 'string', default: '5' },
    'server-restarts': { type: 'string', default: '1' },
    'postgres-restarts': { type: 'string', default: '0' },
    ...STACK_ARG_OPTIONS,
    concurrency: { type: 'string', default: '40' },
    'deadline-s': { type: 'string', default: '900' },
    seed: { type: 'string', default: '1' },
    forget: { type: 'string', default: '0.05' },
    resets: { type: 'string', default: '0.02' },
    'key-ttl-s': { type: 'string', default: '2' },
    source: { type: 'string', default: 'http' },
    'broker-restarts': { type: 'string', default: '1' },
  },
});
if (opts.source !== 'http' && opts.source !== 'kafka')
  throw new Error(`--source ${opts.source}: expected http or kafka`);
const N = Number(opts.orders);
const K = Number(opts.duplicates);
const KILLS = Number(opts['worker-kills']);
const RESTARTS = Number(opts['server-restarts']);
const PG_RESTARTS = Number(opts['postgres-restarts']);
const shape = stackShape(opts);
if (PG_RESTARTS > 0 && shape.engine !== 'postgres') throw new Error('--postgres-restarts needs --temporal postgres');
const CONCURRENCY = Number(opts.concurrency);
const DEADLINE = Date.now() + Number(opts['deadline-s']) * 1000;
const FORGET = Math.max(1, Math.round(N * Number(opts.forget)));
const RESETS = Math.max(1, Math.round(N * Number(opts.resets)));
const TERMINATED_ORDER_ID = `chaos-${opts.seed}-terminated`;
const progress = new Progress('chaos');

// A small seeded generator, so a run's mix of orders can be repeated.
let seed = Number(opts.seed) >>> 0 || 1;
const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;

const FAULTS = { beforeCommit: 0.05, afterCommit: 0.1, dropResponse: 0.05, latencyMs: 50, hang: 0.01, hangMs: 7_000 };

interface Plan {
  order: Order;
  conflicting?: Order;
  cancel: boolean;
}

function plan(i: number): Plan {
  const r = random();
  const order = sampleOrder({
    orderId: `chaos-${opts.seed}-${i}`,
    customerId: `chaos-cust-${i % 50}`,
    items: [{ sku: `sku-${i % 7}`, quantity: 1 + (i % 3), unitPriceCents: 500 + (i % 11) * 100 }],
  });
  if (r < 0.08) order.paymentToken = 'tok_declined';
  else if (r < 0.12)
    order.shippingAddress.postalCode = '00000'; // carrier rejects: refund
  else if (r < 0.15) order.items = [{ sku: 'gold', quantity: 10, unitPriceCents: 60_000 }]; // risk check rejects
  return {
    order,
    conflicting:
      random() < 0.2 ? { ...order, items: [{ ...order.items[0], quantity: order.items[0].quantity + 1 }] } : undefined,
    cancel: random() < 0.1,
  };
}

/** POST/GET with a client's patience: retries network errors and 5xx until the deadline. */
async function call(what: string, send: (signal: AbortSignal) => Promise<Response>): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await send(AbortSignal.timeout(15_000));
      const text = await response.text();
      // An answer the run does not expect is printed, so that a count of "unanswered" says why.
      if (response.status >= 400 && response.status < 500 && response.status !== 409)
        progress.log(`chaos: ${what} answered ${response.status}: ${text.slice(0, 300)}`);
      if (response.status < 500) return response.status;
    } catch {
      // connection refused during a restart, timeout: try again
    }
    if (Date.now() > DEADLINE) return 0;
    await sleep(Math.min(200 * 2 ** attempt, 3_000));
  }
}

const post = (api: ApiTarget, path: string, body?: unknown) =>
  call(`POST ${api.url}${path}`, (signal) =>
    apiFetch(api, path, {
      method: 'POST',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal,
    }),
  );

async function setFaults(stack: Stack, faults: Faults) {
  for (const base of [stack.urls.payments, stack.urls.shipping]) {
    await call(`PUT ${base}/v1/faults`, (signal) => putFaults(base, faults, signal));
  }
}

type Disruption = 'worker' | 'server' | 'postgres';

/** Worker kills, with the server restarts in the middle and PostgreSQL's a quarter in. */
function schedule(): Disruption[] {
  const plan: Disruption[] = Array(KILLS).fill('worker');
  plan.splice(Math.ceil(plan.length / 2), 0, ...Array<Disruption>(RESTARTS).fill('server'));
  plan.splice(Math.ceil(plan.length / 4), 0, ...Array<Disruption>(PG_RESTARTS).fill('postgres'));
  return plan;
}

async function main() {
  if (opts.source === 'kafka') {
    const ok = await kafkaChaos({
      plans: Array.from({ length: N }, (_, i) => plan(i)),
      duplicates: K,
      workerKills: KILLS,
      brokerRestarts: Number(opts['broker-restarts']),
      forget: FORGET,
      shape,
      deadline: DEADLINE,
      random,
      waitUntilEnded,
    }).finally(() => progress.end()); // waitUntilEnded's last phase: a terminal's bar would keep us running
    process.exitCode = ok ? 0 : 1;
    return;
  }
  const started = Date.now();
  progress.phase('starting a stack');
  const { stack, dispose } = await startScratchStack('chaos', { IDEMPOTENCY_KEY_TTL_S: opts['key-ttl-s'] }, shape);
  let passed = false;
  const counts = {
    posts: 0,
    accepted202: 0,
    replayed200: 0,
    conflicts409: 0,
    unanswered: 0,
    cancels: 0,
    workerKills: 0,
    serverRestarts: 0,
    postgresRestarts: 0,
    forgottenResubmitted: 0,
    resets: 0,
    terminated: 0,
    reconcileFixed: 0,
    imbalancesNotFromTheTerminate: 0,
  };
  const accepted = new Set<string>();
  // Each request goes to the next API replica, as a round-robin load balancer would send it.
  let requests = 0;
  const api = (): ApiTarget => ({ ...stackApi(stack), url: stack.urls.apis[requests++ % stack.urls.apis.length] });
  const disrupt = async (kind: Disruption) => {
    if (kind === 'worker') {
      const worker = stack.child('worker', counts.workerKills % shape.workers);
      progress.log('chaos: SIGKILL worker');
      await worker.kill();
      await sleep(500 + random() * 1_000);
      await worker.start();
      counts.workerKills++;
    } else {
      // A clean stop and start (SIGTERM for the Temporal server, PostgreSQL's fast shutdown):
      // in-flight requests fail and are retried; the state is in the database.
      const child = stack.child(kind === 'server' ? 'temporal' : 'postgres');
      progress.log(`chaos: restarting ${kind === 'server' ? 'the Temporal server' : 'PostgreSQL'}`);
      await child.stop();
      await sleep(1_000);
      await child.start();
      counts[kind === 'server' ? 'serverRestarts' : 'postgresRestarts']++;
    }
  };
  try {
    progress.log(
      `chaos: ${N} orders x ${K} submissions on the ${shape.engine} engine (${shape.workers} worker(s), ${shape.apis} API(s)), ${KILLS} worker kills, ${RESTARTS} server restarts, ${PG_RESTARTS} PostgreSQL restarts`,
    );
    await setFaults(stack, FAULTS);
    const plans = Array.from({ length: N }, (_, i) => plan(i));

    let submitting = true;
    progress.phase(`submitting each order ${K} times`, { total: N, unit: 'orders' });
    const submissions = mapLimit(plans, CONCURRENCY, async ({ order, conflicting, cancel }) => {
      // One submission first; then the duplicates (one maybe conflicting) and, for some
      // orders, a cancel, all at once while the order runs.
      const bodies = Array.from({ length: K }, (_, k) => (conflicting && k === K - 1 ? conflicting : order));
      const first = await post(api(), '/orders', bodies[0]);
      const [statuses] = await Promise.all([
        Promise.all(bodies.slice(1).map((body) => post(api(), '/orders', body))),
        cancel && (counts.cancels++, post(api(), `/orders/${order.orderId}/cancel`)),
      ]);
      statuses.unshift(first);
      counts.posts += statuses.length;
      for (const s of statuses) {
        if (s === 202) counts.accepted202++;
        else if (s === 200) counts.replayed200++;
        else if (s === 409) counts.conflicts409++;
        else counts.unanswered++;
      }
      if (statuses.some((s) => s === 202 || s === 200)) accepted.add(order.orderId);
      progress.increment();
    }).finally(() => (submitting = false));

    // Disruptions spread over the submission phase; those left over because submitting was
    // quick still happen, after it, while the orders are still running.
    const disruptions = schedule();
    const during = (async () => {
      while (disruptions.length > 0 && submitting) {
        await sleep(1_500 + random() * 2_000);
        if (submitting) await disrupt(disruptions.shift()!);
      }
    })();
    await Promise.all([submissions, during]);
    for (const kind of disruptions) await disrupt(kind);
    progress.log(
      `chaos: submitted in ${((Date.now() - started) / 1000).toFixed(0)} s; faults off, waiting for every order to end`,
    );
    await setFaults(stack, {});

    await waitUntilEnded(api(), accepted, 'waiting for every order to end');

    const temporal = await stackClient(stack);
    try {
      await operatorsAndForgetting(stack, api(), temporal.client, plans, accepted, counts);
    } finally {
      await temporal.close();
    }
    progress.phase('reconcile --fix');
    const settled = await reconcile({ fix: true, env: { ...process.env, ...stack.env }, print: () => {} });
    counts.reconcileFixed = settled.fixed;
    // Only the terminated order may leave the books open; anything else is the service's fault.
    counts.imbalancesNotFromTheTerminate = settled.orderIds.filter((id) => id !== TERMINATED_ORDER_ID).length;
    progress.log(`chaos: reconcile --fix settled ${settled.fixed}, ${settled.open} open`);

    progress.phase('auditing the ledgers');
    const report = await audit(stackAuditTargets(stack), [...accepted]);
    progress.end();
    console.log(`chaos: ${JSON.stringify(counts)}; ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
    const ok = printReport({ ...report, ordersSubmitted: N }, { chaos: counts });
    passed = ok && counts.unanswered === 0 && counts.imbalancesNotFromTheTerminate === 0;
  } finally {
    progress.phase('stopping the stack');
    // A failed run keeps the stack's logs: what the parts said is how its cause is found.
    const kept = await dispose({ logs: !passed });
    progress.end();
    if (kept) console.log(`chaos: the stack's logs are kept in ${kept}`);
    process.exitCode = passed ? 0 : 1;
  }
}

/** Polls the order views until every order has ended, or the deadline; `phase` names it in the progress. */
async function waitUntilEnded(
  api: ApiTarget,
  orderIds: Iterable<string>,
  phase = 'waiting for the orders to end',
): Promise<void> {
  const pending = new Set(orderIds);
  const total = pending.size;
  progress.phase(phase, { total, unit: 'orders' });
  while (pending.size > 0 && Date.now() < DEADLINE) {
    await mapLimit([...pending], 20, async (orderId) => {
      const response = await apiFetch(api, `/orders/${orderId}`).catch(() => undefined);
      const view = response?.ok ? ((await response.json()) as { status: string }) : undefined;
      if (view && isTerminal(view.status as never)) pending.delete(orderId);
    });
    progress.update(total - pending.size);
    if (pending.size > 0) await sleep(1_000);
  }
}

/**
 * Phase two, on ended orders, with faults on again: Temporal forgets some (as retention
 * does) and they are submitted again, some runs are reset to their first workflow task,
 * one new order is terminated between its charge and its refund.
 */
async function operatorsAndForgetting(
  stack: Stack,
  api: ApiTarget,
  client: Client,
  plans: Plan[],
  accepted: Set<string>,
  counts: Record<string, number>,
) {
  progress.phase('terminating an order between its charge and its refund');
  await terminateBetweenChargeAndRefund(stack, api, client, accepted);
  counts.terminated++;
  await setFaults(stack, FAULTS);
  const ended = plans.filter((p) => accepted.has(p.order.orderId));
  const forgotten = ended.slice(0, FORGET);
  const reset = ended.slice(FORGET, FORGET + RESETS);
  progress.log(
    `chaos: forgetting and resubmitting ${forgotten.length} orders, resetting ${reset.length}, terminating 1`,
  );
  progress.phase('forgetting and resubmitting, resetting', { total: forgotten.length + reset.length, unit: 'orders' });
  const variants = [
    (o: Order) => o,
    (o: Order) => ({ ...o, shippingAddress: { ...o.shippingAddress, line1: '2 Other St' } }),
    (o: Order) => ({ ...o, items: [{ ...o.items[0], quantity: o.items[0].quantity + 1 }] }),
  ];
  await Promise.all([
    mapLimit(forgotten, 10, async ({ order }, i) => {
      await forgetWorkflow(client, workflowIdFor(order.orderId));
      await post(api, '/orders', variants[i % variants.length](order));
      counts.forgottenResubmitted++;
      progress.increment();
    }),
    mapLimit(reset, 5, async ({ order }) => {
      const handle = client.workflow.getHandle(workflowIdFor(order.orderId));
      const events = (await handle.fetchHistory()).events ?? [];
      const firstTask = events.find((e) => e.workflowTaskCompletedEventAttributes)!.eventId;
      await client.workflowService.resetWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId: handle.workflowId },
        reason: 'chaos',
        workflowTaskFinishEventId: firstTask,
        requestId: randomUUID(),
      });
      counts.resets++;
      progress.increment();
    }),
  ]);
  await setFaults(stack, {});
  await waitUntilEnded(
    api,
    [...forgotten, ...reset].map((p) => p.order.orderId),
    'waiting for the resubmitted and reset orders to end',
  );
}

/**
 * A new order, terminated by an operator between its charge and its refund: the carrier
 * refuses its address and every refund fails until the run is gone. Its books stay open for
 * `reconcile --fix`.
 */
async function terminateBetweenChargeAndRefund(stack: Stack, api: ApiTarget, client: Client, accepted: Set<string>) {
  const refundsFail: Faults = { beforeCommit: 1, paths: ['/v1/refunds'] };
  await call('PUT faults', (signal) => putFaults(stack.urls.payments, refundsFail, signal));
  const base = plan(N).order;
  const order: Order = {
    ...base,
    orderId: TERMINATED_ORDER_ID,
    paymentToken: 'tok_visa',
    items: [{ sku: 'sku-t', quantity: 1, unitPriceCents: 900 }],
    shippingAddress: { ...base.shippingAddress, postalCode: '00000' },
  };
  await post(api, '/orders', order);
  accepted.add(order.orderId);
  const handle = client.workflow.getHandle(workflowIdFor(order.orderId));
  await waitForStartedActivity(handle, 'refundPayment', DEADLINE);
  await handle.terminate('chaos: operator terminates between charge and refund');
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
