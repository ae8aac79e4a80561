// `npm run histories:export -- <tag> [<filter>]`: runs the real stack in a scratch folder, drives one
// order down each path of the lifecycle through the API, and writes each run's full
// history as JSON to test/histories/<tag>-<path>.json for the replay test. Payloads are
// written as Temporal stores them, encrypted: run with ENCRYPTION_KEYS set to the test-only
// key of test/histories/test-key, which the replay test decrypts them with.
import type { Client } from '@temporalio/client';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleOrder } from '../src/fixtures/sample-order';
import type { Order } from '../src/shared/order-schema';
import { isTerminal } from '../src/shared/order-state';
import { type ApiTarget, apiFetch, stackApi } from '../src/stack/api-client';
import { Progress } from '../src/stack/progress';
import { projectRoot, startScratchStack } from '../src/stack/stack';
import { stackClient } from '../src/stack/stack-client';
import { temporalCli } from '../src/stack/temporal-cli';
import { workflowIdFor } from '../src/shared/order-contract';
import type { Faults } from '../src/sandbox/faults';
import { putFaults } from '../src/sandbox/fault-switch';
import { forgetWorkflow } from '../src/temporal/forget-workflow';

interface Scenario {
  path: string;
  expect: string;
  order?: Partial<Order>;
  /** Payment provider faults while the order runs. */
  paymentFaults?: Faults;
  /** Runs after the submission, e.g. to cancel. */
  drive?: (stack: Target, client: Client, orderId: string) => Promise<void>;
  /**
   * Submits the order first with these changes and lets it end, then forgets its workflow
   * (as retention does): the recorded run is the resubmission, meeting the old effects.
   */
  forgottenBefore?: { order?: Partial<Order>; drive?: Scenario['drive'] };
  /** Submitted with `Prefer: wait=<n>` (synchronous checkout, Update-with-Start). */
  waitS?: number;
}

type Target = { api: ApiTarget; payments: string };

const scenarios: Scenario[] = [
  { path: 'completed', expect: 'COMPLETED' },
  {
    path: 'rejected-by-risk-check',
    expect: 'REJECTED',
    order: { items: [{ sku: 'gold', quantity: 10, unitPriceCents: 60_000 }] },
  },
  { path: 'payment-declined', expect: 'PAYMENT_DECLINED', order: { paymentToken: 'tok_declined' } },
  {
    path: 'shipping-rejected-refunded',
    expect: 'FAILED',
    order: { shippingAddress: { name: 'N', line1: 'L', city: 'Nowhere', postalCode: '00000', country: 'DE' } },
  },
  {
    path: 'charge-retried-after-lost-response',
    expect: 'COMPLETED',
    paymentFaults: { afterCommit: 1 },
    drive: async ({ payments }) => {
      await sleep(2_000);
      await putFaults(payments, {});
    },
  },
  {
    path: 'cancelled-by-api-while-charging',
    expect: 'CANCELLED',
    paymentFaults: { latencyMs: 1_500 },
    drive: cancelWhileCharging,
  },
  {
    path: 'cancelled-in-temporal-while-charging',
    expect: 'CANCELLED',
    paymentFaults: { latencyMs: 1_500 },
    drive: async (_urls, client, orderId) => {
      await sleep(300);
      await client.workflow.getHandle(workflowIdFor(orderId)).cancel();
    },
  },
  {
    path: 'forgotten-completed-adopted',
    expect: 'COMPLETED',
    forgottenBefore: {},
  },
  {
    path: 'forgotten-cancelled-unwound-before',
    expect: 'CANCELLED',
    paymentFaults: { latencyMs: 1_500 },
    forgottenBefore: { drive: cancelWhileCharging },
  },
  {
    path: 'forgotten-shipped-elsewhere-needs-review',
    expect: 'NEEDS_REVIEW',
    order: {
      shippingAddress: { name: 'Ada', line1: '2 Other St', city: 'Berlin', postalCode: '10115', country: 'DE' },
    },
    forgottenBefore: { order: {} },
  },
  { path: 'checkout-waited-paid', expect: 'COMPLETED', waitS: 20 },
  { path: 'checkout-waited-declined', expect: 'PAYMENT_DECLINED', waitS: 20, order: { paymentToken: 'tok_declined' } },
];

async function cancelWhileCharging({ api }: Target, _client: Client, orderId: string): Promise<void> {
  await sleep(300);
  await apiFetch(api, `/orders/${orderId}/cancel`, { method: 'POST' });
}

function order(path: string, tag: string, overrides: Partial<Order> = {}): Order {
  return sampleOrder({ orderId: `history-${tag}-${path}`, customerId: 'cust-history', ...overrides });
}

async function waitTerminal(api: ApiTarget, orderId: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const view = (await (await apiFetch(api, `/orders/${orderId}`)).json()) as { status: string };
    if (isTerminal(view.status as never)) return view.status;
    await sleep(200);
  }
  throw new Error(`order ${orderId} did not finish`);
}

async function main() {
  const [tag, only] = process.argv.slice(2);
  if (!tag || !/^[a-z0-9-]+$/.test(tag))
    throw new Error('usage: npm run histories:export -- <tag> [<path filter>], e.g. v4 checkout');
  const outDir = join(projectRoot(), 'test', 'histories');
  mkdirSync(outDir, { recursive: true });
  const progress = new Progress('histories');
  progress.phase('starting a stack');
  const { stack, dispose } = await startScratchStack('histories', {
    ENCRYPTION_KEYS: readFileSync(join(outDir, 'test-key'), 'utf8').trim(),
  });
  const api = stackApi(stack);
  const { client, close } = await stackClient(stack);
  try {
    const run = async (scenario: Scenario, body: Order, drive: Scenario['drive']) => {
      await putFaults(stack.urls.payments, scenario.paymentFaults ?? {});
      const headers = {
        'content-type': 'application/json',
        ...(scenario.waitS ? { prefer: `wait=${scenario.waitS}` } : {}),
      };
      const response = await apiFetch(api, '/orders', { method: 'POST', headers, body: JSON.stringify(body) });
      if (response.status !== 202) throw new Error(`${scenario.path}: POST /orders answered ${response.status}`);
      await drive?.({ api, payments: stack.urls.payments }, client, body.orderId);
      const status = await waitTerminal(api, body.orderId);
      await putFaults(stack.urls.payments, {});
      return status;
    };
    const chosen = scenarios.filter((s) => !only || s.path.includes(only));
    progress.phase('driving each path and recording its history', { total: chosen.length, unit: 'histories' });
    for (const scenario of chosen) {
      const body = order(scenario.path, tag, scenario.order);
      if (scenario.forgottenBefore) {
        await run(scenario, order(scenario.path, tag, scenario.forgottenBefore.order), scenario.forgottenBefore.drive);
        await forgetWorkflow(client, workflowIdFor(body.orderId));
      }
      const status = await run(scenario, body, scenario.drive);
      if (status !== scenario.expect) throw new Error(`${scenario.path}: ended ${status}, expected ${scenario.expect}`);
      // The format of `temporal workflow show --output json`, which historyFromJSON reads.
      const json = execFileSync(temporalCli(projectRoot()), [
        'workflow',
        'show',
        '--address',
        stack.urls.temporal,
        '--workflow-id',
        workflowIdFor(body.orderId),
        '--output',
        'json',
      ]);
      const file = join(outDir, `${tag}-${scenario.path}.json`);
      writeFileSync(file, json);
      progress.log(`${scenario.path}: ${status}, ${JSON.parse(json.toString()).events.length} events -> ${file}`);
      progress.increment();
    }
  } finally {
    progress.phase('stopping the stack');
    await close();
    await dispose();
    progress.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
