import { beforeEach, describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../src/shared/order-contract';
import { setFaults, useIsolatedStack } from '../support/isolated-stack';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { activityAttempts, runCount, waitForStartedActivity } from '../support/temporal';

// Faults in the sandbox (its own, see isolatedStack) and what the ledgers say afterwards.

const isolated = useIsolatedStack('faults');

beforeEach(async () => {
  await setFaults(isolated.stack.urls.payments, {});
  await setFaults(isolated.stack.urls.shipping, {});
});

describe('exactly once under faults', () => {
  it('with responses lost after commit (500s and dropped connections), every order still charges and ships once', async () => {
    const faults = { afterCommit: 0.3, dropResponse: 0.3 };
    await setFaults(isolated.stack.urls.payments, faults);
    await setFaults(isolated.stack.urls.shipping, faults);
    const orders = Array.from({ length: 8 }, () => sampleOrder());
    for (const order of orders) expect((await isolated.client.submit(order)).status).toBe(202);

    let retried = 0;
    for (const order of orders) {
      expect((await isolated.client.waitForOrder(order.orderId, undefined, 90_000)).status).toBe('COMPLETED');
      const { charges, shipments, refunds } = await isolated.client.ledger(order.orderId);
      expect(charges).toHaveLength(1);
      expect(shipments).toHaveLength(1);
      expect(refunds).toHaveLength(0);
      const attempts = await activityAttempts(workflowIdFor(order.orderId));
      if (attempts.chargePayment > 1 || attempts.createShipment > 1) retried++;
    }
    // With 16 calls each failing 51% of the time, some retry is all but certain (1 - 0.49^16).
    expect(retried).toBeGreaterThan(0);
  });

  it('failures before commit and hangs past the client timeout are retried to one effect', async () => {
    await setFaults(isolated.stack.urls.payments, { beforeCommit: 0.5 });
    // Every new shipment request hangs 6 s, past the client's 5 s timeout; retries meet 409
    // (in flight) until the hung request commits, then the stored result.
    await setFaults(isolated.stack.urls.shipping, { hang: 1, hangMs: 6_000 });
    const order = sampleOrder();
    await isolated.client.submit(order);
    expect((await isolated.client.waitForOrder(order.orderId, undefined, 90_000)).status).toBe('COMPLETED');
    const { charges, shipments } = await isolated.client.ledger(order.orderId);
    expect(charges).toHaveLength(1);
    expect(shipments).toHaveLength(1);
    expect((await activityAttempts(workflowIdFor(order.orderId))).createShipment).toBeGreaterThanOrEqual(2);
  });

  it('a refund under faults after commit is made exactly once', async () => {
    await setFaults(isolated.stack.urls.payments, { afterCommit: 0.5, dropResponse: 0.3 });
    const order = sampleOrder({
      shippingAddress: { name: 'N', line1: 'L', city: 'C', postalCode: '00000', country: 'DE' },
    });
    await isolated.client.submit(order);
    expect((await isolated.client.waitForOrder(order.orderId, undefined, 90_000)).status).toBe('FAILED');
    const { charges, refunds } = await isolated.client.ledger(order.orderId);
    expect(charges).toHaveLength(1);
    expect(refunds).toHaveLength(1);
  });
});

describe('cancellation', () => {
  it('while the charge is in flight: waits for it, refunds once, answers CANCELLED; repeats are idempotent', async () => {
    await setFaults(isolated.stack.urls.payments, { latencyMs: 1_500 });
    const order = sampleOrder();
    await isolated.client.submit(order);
    await waitForStartedActivity(workflowIdFor(order.orderId), 'chargePayment');
    const cancelled = await isolated.client.cancel(order.orderId);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ orderId: order.orderId, status: 'CANCELLED', shipment: null });
    expect(cancelled.body.payment.refundId).toEqual(expect.any(String));

    const again = await isolated.client.cancel(order.orderId);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(cancelled.body);
    const { charges, refunds, shipments } = await isolated.client.ledger(order.orderId);
    expect(charges).toHaveLength(1);
    expect(refunds).toEqual([
      expect.objectContaining({ chargeId: charges[0].id, amountCents: charges[0].amountCents }),
    ]);
    expect(shipments).toHaveLength(0);
  });

  it('once shipping has begun: 409 with the reason, and the order completes', async () => {
    await setFaults(isolated.stack.urls.shipping, { latencyMs: 1_500 });
    const order = sampleOrder();
    await isolated.client.submit(order);
    await isolated.client.waitForOrder(order.orderId, (s) => s === 'PAID');
    const refused = await isolated.client.cancel(order.orderId);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('already being shipped');
    expect((await isolated.client.waitForOrder(order.orderId)).status).toBe('COMPLETED');
    const { charges, refunds, shipments } = await isolated.client.ledger(order.orderId);
    expect([charges.length, refunds.length, shipments.length]).toEqual([1, 0, 1]);
  });

  it('concurrent cancels of one order all answer the same CANCELLED view; one refund', async () => {
    await setFaults(isolated.stack.urls.payments, { latencyMs: 1_000 });
    const order = sampleOrder();
    await isolated.client.submit(order);
    await waitForStartedActivity(workflowIdFor(order.orderId), 'chargePayment');
    const answers = await Promise.all(Array.from({ length: 5 }, () => isolated.client.cancel(order.orderId)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.status))).toEqual(new Set(['CANCELLED']));
    expect((await isolated.client.ledger(order.orderId)).refunds).toHaveLength(1);
    expect(await runCount(workflowIdFor(order.orderId))).toBe(1);
  });
});
