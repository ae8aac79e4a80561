import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stack } from '../../src/stack/stack';
import { isolatedStack, setFaults } from '../support/isolated-stack';
import { newOrder, ordersClient } from '../support/orders';
import { activityAttempts, runCount } from '../support/temporal';

// Faults in the sandbox (its own, see isolatedStack) and what the ledgers say afterwards.

let stack: Stack;
let client: ReturnType<typeof ordersClient>;

beforeAll(async () => {
  stack = await isolatedStack('faults');
  client = ordersClient(stack.urls);
});

beforeEach(async () => {
  await setFaults(stack.urls.payments, {});
  await setFaults(stack.urls.shipping, {});
});

describe('exactly once under faults', () => {
  it('with responses lost after commit (500s and dropped connections), every order still charges and ships once', async () => {
    const faults = { afterCommit: 0.3, dropResponse: 0.3 };
    await setFaults(stack.urls.payments, faults);
    await setFaults(stack.urls.shipping, faults);
    const orders = Array.from({ length: 8 }, () => newOrder());
    for (const order of orders) expect((await client.submit(order)).status).toBe(202);

    let retried = 0;
    for (const order of orders) {
      expect((await client.waitForOrder(order.orderId, undefined, 90_000)).status).toBe('COMPLETED');
      const { charges, shipments, refunds } = await client.ledger(order.orderId);
      expect(charges).toHaveLength(1);
      expect(shipments).toHaveLength(1);
      expect(refunds).toHaveLength(0);
      const attempts = await activityAttempts(`order-${order.orderId}`);
      if (attempts.chargePayment > 1 || attempts.createShipment > 1) retried++;
    }
    // With 16 calls each failing 51% of the time, some retry is all but certain (1 - 0.49^16).
    expect(retried).toBeGreaterThan(0);
  });

  it('failures before commit and hangs past the client timeout are retried to one effect', async () => {
    await setFaults(stack.urls.payments, { beforeCommit: 0.5 });
    // Every new shipment request hangs 6 s, past the client's 5 s timeout; retries meet 409
    // (in flight) until the hung request commits, then the stored result.
    await setFaults(stack.urls.shipping, { hang: 1, hangMs: 6_000 });
    const order = newOrder();
    await client.submit(order);
    expect((await client.waitForOrder(order.orderId, undefined, 90_000)).status).toBe('COMPLETED');
    const { charges, shipments } = await client.ledger(order.orderId);
    expect(charges).toHaveLength(1);
    expect(shipments).toHaveLength(1);
    expect((await activityAttempts(`order-${order.orderId}`)).createShipment).toBeGreaterThanOrEqual(2);
  });

  it('a refund under faults after commit is made exactly once', async () => {
    await setFaults(stack.urls.payments, { afterCommit: 0.5, dropResponse: 0.3 });
    const order = newOrder({ shippingAddress: { name: 'N', line1: 'L', city: 'C', postalCode: '00000', country: 'DE' } });
    await client.submit(order);
    expect((await client.waitForOrder(order.orderId, undefined, 90_000)).status).toBe('FAILED');
    const { charges, refunds } = await client.ledger(order.orderId);
    expect(charges).toHaveLength(1);
    expect(refunds).toHaveLength(1);
  });
});

describe('cancellation', () => {
  it('while the charge is in flight: waits for it, refunds once, answers CANCELLED; repeats are idempotent', async () => {
    await setFaults(stack.urls.payments, { latencyMs: 1_500 });
    const order = newOrder();
    await client.submit(order);
    const cancelled = await client.cancel(order.orderId);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ orderId: order.orderId, status: 'CANCELLED', shipment: null });
    expect(cancelled.body.payment.refundId).toEqual(expect.any(String));

    const again = await client.cancel(order.orderId);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(cancelled.body);
    const { charges, refunds, shipments } = await client.ledger(order.orderId);
    expect(charges).toHaveLength(1);
    expect(refunds).toEqual([expect.objectContaining({ chargeId: charges[0].id, amountCents: charges[0].amountCents })]);
    expect(shipments).toHaveLength(0);
  });

  it('once shipping has begun: 409 with the reason, and the order completes', async () => {
    await setFaults(stack.urls.shipping, { latencyMs: 1_500 });
    const order = newOrder();
    await client.submit(order);
    await client.waitForOrder(order.orderId, (s) => s === 'PAID');
    const refused = await client.cancel(order.orderId);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('already being shipped');
    expect((await client.waitForOrder(order.orderId)).status).toBe('COMPLETED');
    const { charges, refunds, shipments } = await client.ledger(order.orderId);
    expect([charges.length, refunds.length, shipments.length]).toEqual([1, 0, 1]);
  });

  it('concurrent cancels of one order all answer the same CANCELLED view; one refund', async () => {
    await setFaults(stack.urls.payments, { latencyMs: 1_000 });
    const order = newOrder();
    await client.submit(order);
    const answers = await Promise.all(Array.from({ length: 5 }, () => client.cancel(order.orderId)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.status))).toEqual(new Set(['CANCELLED']));
    expect((await client.ledger(order.orderId)).refunds).toHaveLength(1);
    expect(await runCount(`order-${order.orderId}`)).toBe(1);
  });
});
