import { beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../src/stack/stack';
import { isolatedStack, setFaults } from '../support/isolated-stack';
import { newOrder, ordersClient } from '../support/orders';
import { activityAttempts, temporal } from '../support/temporal';

let stack: Stack;
let client: ReturnType<typeof ordersClient>;

beforeAll(async () => {
  stack = await isolatedStack('crash');
  client = ordersClient(stack.urls);
});

async function waitForStartedActivity(workflowId: string, activityType: string) {
  const handle = (await temporal()).workflow.getHandle(workflowId);
  for (let i = 0; i < 100; i++) {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    if (pending.some((a) => a.activityType?.name === activityType && a.lastStartedTime)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${activityType} never started`);
}

describe('worker killed mid-activity', () => {
  it('SIGKILL while the charge is in flight: a new worker finishes the order with one charge', async () => {
    // The provider takes 2 s to commit: long enough to kill the worker while it waits.
    await setFaults(stack.urls.payments, { latencyMs: 2_000 });
    const order = newOrder();
    const workflowId = `order-${order.orderId}`;
    await client.submit(order);
    await waitForStartedActivity(workflowId, 'chargePayment');

    await stack.child('worker').kill();
    // The provider commits although its client is gone: the case that double-charges a naive retry.
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await client.ledger(order.orderId)).charges).toHaveLength(1);

    await setFaults(stack.urls.payments, {});
    await stack.child('worker').start();
    // Temporal retries the charge once its 10 s start-to-close timeout passes.
    expect((await client.waitForOrder(order.orderId, undefined, 60_000)).status).toBe('COMPLETED');
    const { charges, shipments } = await client.ledger(order.orderId);
    expect(charges).toHaveLength(1);
    expect(shipments).toHaveLength(1);
    expect((await activityAttempts(workflowId)).chargePayment).toBeGreaterThanOrEqual(2);
  });
});
