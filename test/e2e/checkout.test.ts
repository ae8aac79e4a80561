import { describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../src/shared/order-contract';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { ordersClient } from '../support/orders';
import { runCount } from '../support/temporal';

// Synchronous checkout: `Prefer: wait` answers once the payment is decided, in one round
// trip (Update-with-Start), with the same dedup semantics as a plain POST.

const { api, ledger, submit, waitForOrder } = ordersClient();
const waited = (order: unknown, prefer = 'wait=20') =>
  api('/orders', { method: 'POST', body: order, headers: { prefer } });

describe('POST /orders with Prefer: wait', () => {
  it('a new order with a good card: 202 once PAID, with Preference-Applied', async () => {
    const order = sampleOrder();
    const { status, headers, body } = await waited(order);
    expect(status).toBe(202);
    expect(headers.get('preference-applied')).toBe('wait=20');
    expect(['PAID', 'SHIPPED', 'COMPLETED']).toContain(body.status);
    expect(body.payment.chargeId).toMatch(/^ch_/);
    expect((await ledger(order.orderId)).charges).toEqual([expect.objectContaining({ id: body.payment.chargeId })]);
  });

  it('a declined card and an order over the risk limit answer with their endings', async () => {
    const declined = await waited(sampleOrder({ paymentToken: 'tok_declined' }));
    expect([declined.status, declined.body.status, declined.body.payment]).toEqual([202, 'PAYMENT_DECLINED', null]);
    const rejected = await waited(sampleOrder({ items: [{ sku: 'gold', quantity: 10, unitPriceCents: 60_000 }] }));
    expect([rejected.status, rejected.body.status]).toEqual([202, 'REJECTED']);
  });

  it('duplicates: while running 200 with the decided view, after completion 200 COMPLETED; another body 409', async () => {
    const order = sampleOrder();
    expect((await submit(order)).status).toBe(202); // started without waiting
    const whileRunning = await waited(order);
    expect([whileRunning.status, whileRunning.headers.get('idempotent-replayed')]).toEqual([200, 'true']);
    expect(whileRunning.body.status).not.toBe('PENDING');
    await waitForOrder(order.orderId);
    const after = await waited(order);
    expect([after.status, after.body.status]).toEqual([200, 'COMPLETED']);
    expect((await waited({ ...order, paymentToken: 'tok_other' })).status).toBe(409);
    expect((await ledger(order.orderId)).charges).toHaveLength(1);
  });

  it('a storm of 20 identical waited submissions: one 202, nineteen 200, one run, one charge', async () => {
    const order = sampleOrder();
    const answers = await Promise.all(Array.from({ length: 20 }, () => waited(order)));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
    for (const a of answers) expect(a.body.status).not.toBe('PENDING');
    expect(await runCount(workflowIdFor(order.orderId))).toBe(1);
    await waitForOrder(order.orderId);
    expect((await ledger(order.orderId)).charges).toHaveLength(1);
  });

  it('a malformed Prefer is ignored (a plain 202), a wait above 30 s is capped', async () => {
    const ignored = await waited(sampleOrder(), 'wait=soon');
    expect([ignored.status, ignored.headers.get('preference-applied'), ignored.body.status]).toEqual([
      202,
      null,
      'PENDING',
    ]);
    const capped = await waited(sampleOrder(), 'respond-async, wait=120');
    expect([capped.status, capped.headers.get('preference-applied')]).toEqual([202, 'wait=30']);
  });
});
