import { describe, expect, it } from 'vitest';
import { ORDER_WORKFLOW_TYPE, workflowIdFor } from '../../src/shared/order-contract';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { ordersClient } from '../support/orders';
import { temporal } from '../support/temporal';

const { api, cancel, ledger, submit, waitForOrder } = ordersClient();

describe('failure paths without faults', () => {
  it('a declined card ends PAYMENT_DECLINED with the reason; nothing charged or shipped', async () => {
    const order = sampleOrder({ paymentToken: 'tok_declined' });
    expect((await submit(order)).status).toBe(202);
    const done = await waitForOrder(order.orderId);
    expect(done.status).toBe('PAYMENT_DECLINED');
    expect(done.failureReason).toBe('the payment was declined');
    expect(done.payment).toBeNull();
    const { charges, shipments } = await ledger(order.orderId);
    expect(charges).toHaveLength(0);
    expect(shipments).toHaveLength(0);
  });

  it('a shipment the carrier rejects refunds the charge exactly once and ends FAILED with the business reason', async () => {
    const order = sampleOrder({
      shippingAddress: { name: 'N', line1: 'L', city: 'Nowhere', postalCode: '00000', country: 'DE' },
    });
    await submit(order);
    const done = await waitForOrder(order.orderId);
    expect(done.status).toBe('FAILED');
    // The business reason, not the carrier's answer (its path, status and wording stay in Temporal, encrypted).
    expect(done.failureReason).toBe('the carrier refused the shipment; payment refunded');
    const { charges, refunds, shipments } = await ledger(order.orderId);
    expect(charges).toHaveLength(1);
    expect(refunds).toEqual([
      expect.objectContaining({
        chargeId: charges[0].id,
        amountCents: charges[0].amountCents,
        idempotencyKey: `order:${order.orderId}:refund`,
      }),
    ]);
    expect(shipments).toHaveLength(0);
    expect(done.payment).toEqual({ chargeId: charges[0].id, refundId: refunds[0].id });
  });

  it('an order above the risk limit ends REJECTED before any charge', async () => {
    const order = sampleOrder({ items: [{ sku: 'gold', quantity: 10, unitPriceCents: 60_000 }] });
    await submit(order);
    const done = await waitForOrder(order.orderId);
    expect(done.status).toBe('REJECTED');
    expect(done.failureReason).toMatch(/risk check: total 6000.00 EUR is above the 5000.00 limit/);
    const { charges, shipments } = await ledger(order.orderId);
    expect([charges.length, shipments.length]).toEqual([0, 0]);
  });

  it('cancel after completion is a 409 with the reason; the order stays COMPLETED', async () => {
    const order = sampleOrder();
    await submit(order);
    await waitForOrder(order.orderId);
    const refused = await cancel(order.orderId);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('COMPLETED');
    expect((await api(`/orders/${order.orderId}`)).body.status).toBe('COMPLETED');
    expect((await ledger(order.orderId)).refunds).toHaveLength(0);
  });

  it('a run terminated by an operator reads as FAILED with the reason, not as an error', async () => {
    // Started on a task queue no worker polls, so it is still running when terminated.
    const order = sampleOrder();
    const client = await temporal();
    const handle = await client.workflow.start(ORDER_WORKFLOW_TYPE, {
      taskQueue: 'nobody-polls',
      workflowId: workflowIdFor(order.orderId),
      args: [order],
    });
    await handle.terminate('operator test');
    const { status, body } = await api(`/orders/${order.orderId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ orderId: order.orderId, status: 'FAILED', failureReason: 'workflow terminated' });
  });

  it('cancel of an unknown order is 404', async () => {
    expect((await cancel('no-such-order')).status).toBe(404);
  });
});
