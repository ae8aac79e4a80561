// `npm run chaos`: tries hard to break exactly-once on a stack of its own (127.0.0.1 only)
// and prints the audit. Bounded: a fixed number of orders and disruptions, and a deadline.
//
// During one run it submits every order several times from concurrent clients (some with a
// conflicting body), turns on every sandbox fault, SIGKILLs and restarts the worker,
// restarts the Temporal server (the dev server keeps its state in its SQLite file, the
// production engine in PostgreSQL, which can be restarted too: --temporal postgres
// --postgres-restarts N), declines, rejects and cancels some orders; then waits for all
// accepted orders to end and audits. With --apis N the submissions are spread over the
// replicas; with --workers N each kill takes the next worker.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Order } from '../src/shared/order-schema';
import { isTerminal } from '../src/shared/order-state';
import { type Stack, startScratchStack } from '../src/stack/stack';
import { STACK_ARG_OPTIONS, stackShape } from '../src/stack/stack-args';
import { audit, printReport } from './audit';
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
  },
});
const N = Number(opts.orders);
const K = Number(opts.duplicates);
const KILLS = Number(opts['worker-kills']);
const RESTARTS = Number(opts['server-restarts']);
const PG_RESTARTS = Number(opts['postgres-restarts']);
const shape = stackShape(opts);
if (PG_RESTARTS > 0 && shape.engine !== 'postgres') throw new Error('--postgres-restarts needs --temporal postgres');
const CONCURRENCY = Number(opts.concurrency);
const DEADLINE = Date.now() + Number(opts['deadline-s']) * 1000;

// A small seeded generator, so a run's mix of orders can be repeated.
let seed = Number(opts.seed) >>> 0 || 1;
const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);

const FAULTS = { beforeCommit: 0.05, afterCommit: 0.1, dropResponse: 0.05, latencyMs: 50, hang: 0.01, hangMs: 7_000 };

interface Plan {
  order: Order;
  conflicting?: Order;
  cancel: boolean;
}

function plan(i: number): Plan {
  const r = random();
  const order: Order = {
    orderId: `chaos-${opts.seed}-${i}`,
    customerId: `chaos-cust-${i % 50}`,
    items: [{ sku: `sku-${i % 7}`, quantity: 1 + (i % 3), unitPriceCents: 500 + (i % 11) * 100 }],
    currency: 'EUR',
    shippingAddress: { name: 'Chaos', line1: '1 Loop St', city: 'Localhost', postalCode: '12345', country: 'DE' },
    paymentToken: 'tok_visa',
  };
  if (r < 0.08) order.paymentToken = 'tok_declined';
  else if (r < 0.12) order.shippingAddress.postalCode = '00000'; // carrier rejects: refund
  else if (r < 0.15) order.items = [{ sku: 'gold', quantity: 10, unitPriceCents: 60_000 }]; // risk check rejects
  return {
    order,
    conflicting: random() < 0.2 ? { ...order, items: [{ ...order.items[0], quantity: order.items[0].quantity + 1 }] } : undefined,
    cancel: random() < 0.1,
  };
}

/** POST/GET with a client's patience: retries network errors and 5xx until the deadline. */
async function call(url: string, init: RequestInit = {}): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
      const text = await response.text();
      // An answer the run does not expect is printed, so that a count of "unanswered" says why.
      if (response.status >= 400 && response.status < 500 && response.status !== 409) console.log(`chaos: ${init.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
      if (response.status < 500) return response.status;
    } catch {
      // connection refused during a restart, timeout: try again
    }
    if (Date.now() > DEADLINE) return 0;
    await sleep(Math.min(200 * 2 ** attempt, 3_000));
  }
}

const post = (url: string, body?: unknown) =>
  call(url, { method: 'POST', headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });

async function setFaults(stack: Stack, faults: object) {
  for (const base of [stack.urls.payments, stack.urls.shipping]) await call(`${base}/v1/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
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
  const started = Date.now();
  const { stack, dispose } = await startScratchStack('chaos', {}, shape);
  const counts = { posts: 0, accepted202: 0, replayed200: 0, conflicts409: 0, unanswered: 0, cancels: 0, workerKills: 0, serverRestarts: 0, postgresRestarts: 0 };
  const accepted = new Set<string>();
  // Each request goes to the next API replica, as a round-robin load balancer would send it.
  let requests = 0;
  const api = () => stack.urls.apis[requests++ % stack.urls.apis.length];
  const disrupt = async (kind: Disruption) => {
    if (kind === 'worker') {
      const worker = stack.child('worker', counts.workerKills % shape.workers);
      console.log('chaos: SIGKILL worker');
      await worker.kill();
      await sleep(500 + random() * 1_000);
      await worker.start();
      counts.workerKills++;
    } else {
      // A clean stop and start (SIGTERM for the Temporal server, PostgreSQL's fast shutdown):
      // in-flight requests fail and are retried; the state is in the database.
      const child = stack.child(kind === 'server' ? 'temporal' : 'postgres');
      console.log(`chaos: restarting ${kind === 'server' ? 'the Temporal server' : 'PostgreSQL'}`);
      await child.stop();
      await sleep(1_000);
      await child.start();
      counts[kind === 'server' ? 'serverRestarts' : 'postgresRestarts']++;
    }
  };
  try {
    console.log(`chaos: ${N} orders x ${K} submissions on the ${shape.engine} engine (${shape.workers} worker(s), ${shape.apis} API(s)), ${KILLS} worker kills, ${RESTARTS} server restarts, ${PG_RESTARTS} PostgreSQL restarts`);
    await setFaults(stack, FAULTS);
    const plans = Array.from({ length: N }, (_, i) => plan(i));

    let submitting = true;
    const submissions = mapLimit(plans, CONCURRENCY, async ({ order, conflicting, cancel }) => {
      // One submission first; then the duplicates (one maybe conflicting) and, for some
      // orders, a cancel, all at once while the order runs.
      const bodies = Array.from({ length: K }, (_, k) => (conflicting && k === K - 1 ? conflicting : order));
      const first = await post(`${api()}/orders`, bodies[0]);
      const [statuses] = await Promise.all([
        Promise.all(bodies.slice(1).map((body) => post(`${api()}/orders`, body))),
        cancel && (counts.cancels++, post(`${api()}/orders/${order.orderId}/cancel`)),
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
    console.log(`chaos: submitted in ${((Date.now() - started) / 1000).toFixed(0)} s; faults off, waiting for every order to end`);
    await setFaults(stack, {});

    const pending = new Set(accepted);
    while (pending.size > 0 && Date.now() < DEADLINE) {
      await mapLimit([...pending], 20, async (orderId) => {
        const response = await fetch(`${api()}/orders/${orderId}`).catch(() => undefined);
        const view = response?.ok ? ((await response.json()) as { status: string }) : undefined;
        if (view && isTerminal(view.status as never)) pending.delete(orderId);
      });
      if (pending.size > 0) await sleep(1_000);
    }

    const report = await audit(
      { temporalAddress: stack.urls.temporal, namespace: 'default', paymentsUrl: stack.urls.payments, shippingUrl: stack.urls.shipping },
      [...accepted],
    );
    console.log(`chaos: ${JSON.stringify(counts)}; ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
    const ok = printReport({ ...report, ordersSubmitted: N }, { chaos: counts });
    process.exitCode = ok && counts.unanswered === 0 ? 0 : 1;
  } finally {
    await dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
