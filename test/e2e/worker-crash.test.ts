import { describe, expect, it } from 'vitest';
import { setFaults, useIsolatedStack } from '../support/isolated-stack';
import { workflowIdFor } from '../../src/shared/order-contract';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { activityAttempts, waitForStartedActivity } from '../support/temporal';

const isolated = useIsolatedStack('crash');

describe('worker killed mid-activity', () => {
  it('SIGKILL while the charge is in flight: a new worker finishes the order with one charge', async () => {
    // The provider takes 2 s to commit: long enough to kill the worker while it waits.
    await setFaults(isolated.stack.urls.payments, { latencyMs: 2_000 });
    const order = sampleOrder();
    const workflowId = workflowIdFor(order.orderId);
    await isolated.client.submit(order);
    await waitForStartedActivity(workflowId, 'chargePayment');
    await new Promise((r) => setTimeout(r, 300)); // let the request reach the provider

    await isolated.stack.child('worker').kill();
    // The provider commits although its client is gone: the case that double-charges a naive retry.
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await isolated.client.ledger(order.orderId)).charges).toHaveLength(1);
    // With no worker up, a conflicting resubmission is still answered: the memo decides.
    const conflicting = await isolated.client.submit({ ...order, paymentToken: 'tok_other' });
    expect(conflicting.status).toBe(409);
    // A GET and a duplicate of the running order answer within the query deadline (2 s),
    // from what Temporal knows (search attributes, memo), instead of waiting for a worker.
    for (const call of [() => isolated.client.api(`/orders/${order.orderId}`), () => isolated.client.submit(order)]) {
      const started = Date.now();
      const { status, body } = await call();
      expect(Date.now() - started).toBeLessThan(15_000); // a guard against hanging, not a speed target
      expect([200]).toContain(status);
      expect(body).toMatchObject({
        orderId: order.orderId,
        status: 'PENDING',
        currency: 'EUR',
        totalCents: 3490,
        customerId: order.customerId,
      });
    }

    await setFaults(isolated.stack.urls.payments, {});
    await isolated.stack.child('worker').start();
    // Temporal retries the charge once its 10 s start-to-close timeout passes.
    expect((await isolated.client.waitForOrder(order.orderId, undefined, 60_000)).status).toBe('COMPLETED');
    const { charges, shipments } = await isolated.client.ledger(order.orderId);
    expect(charges).toHaveLength(1);
    expect(shipments).toHaveLength(1);
    expect((await activityAttempts(workflowId)).chargePayment).toBeGreaterThanOrEqual(2);
  });

  it('Prefer: wait with no worker up answers when the wait runs out, 202 PENDING, and the order runs later', async () => {
    await isolated.stack.child('worker').kill();
    const order = sampleOrder();
    try {
      const started = Date.now();
      const { status, headers, body } = await isolated.client.api('/orders', {
        method: 'POST',
        body: order,
        headers: { prefer: 'wait=2' },
      });
      expect(Date.now() - started).toBeLessThan(15_000); // a guard against hanging, not a speed target
      expect([status, headers.get('preference-applied'), body.status]).toEqual([202, 'wait=2', 'PENDING']);
      const again = await isolated.client.api('/orders', {
        method: 'POST',
        body: order,
        headers: { prefer: 'wait=1' },
      });
      expect([again.status, again.body.status]).toEqual([200, 'PENDING']);
    } finally {
      await isolated.stack.child('worker').start();
    }
    expect((await isolated.client.waitForOrder(order.orderId, undefined, 60_000)).status).toBe('COMPLETED');
  }, 90_000);

  it('a completed order is answered with no worker up: GET, a duplicate and a conflict', async () => {
    const order = sampleOrder();
    await isolated.client.submit(order);
    const done = await isolated.client.waitForOrder(order.orderId);
    expect(done.status).toBe('COMPLETED');
    // Its history's last event carries the final state; no worker needs to replay the run.
    await isolated.stack.child('worker').kill();
    try {
      const got = await isolated.client.api(`/orders/${order.orderId}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(done);
      const again = await isolated.client.submit(order);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(done);
      expect((await isolated.client.submit({ ...order, paymentToken: 'tok_other' })).status).toBe(409);
    } finally {
      await isolated.stack.child('worker').start();
    }
  }, 30_000);
});
