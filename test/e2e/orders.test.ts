import { describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../src/shared/order-contract';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { ordersClient } from '../support/orders';
import { runCount, temporal } from '../support/temporal';

const { api, ledger, submit, urls, waitForOrder } = ordersClient();

describe('orders end to end (real API, Temporal, sandbox)', () => {
  it('runs an order to COMPLETED with exactly one charge and one shipment', async () => {
    const order = sampleOrder();
    const accepted = await submit(order);
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('idempotent-replayed')).toBeNull();
    expect(accepted.body).toMatchObject({
      orderId: order.orderId,
      status: 'PENDING',
      totalCents: 3490,
      currency: 'EUR',
      workflowId: workflowIdFor(order.orderId),
    });
    expect(accepted.body.links.temporalUi).toContain(`/workflows/${workflowIdFor(order.orderId)}`);

    const done = await waitForOrder(order.orderId);
    expect(done.status).toBe('COMPLETED');
    // The 202 was answered without asking Temporal; the workflow built the same start from the memo.
    expect(done.createdAt).toBe(accepted.body.createdAt);
    expect(done).not.toHaveProperty('fingerprint');
    const { charges, refunds, shipments } = await ledger(order.orderId);
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({
      amountCents: 3490,
      currency: 'EUR',
      idempotencyKey: `order:${order.orderId}:charge`,
    });
    expect(shipments).toHaveLength(1);
    expect(refunds).toHaveLength(0);
    expect(done.payment).toEqual({ chargeId: charges[0].id });
    expect(done.shipment).toEqual({ shipmentId: shipments[0].id, trackingNumber: shipments[0].trackingNumber });
  });

  it('20 concurrent identical submissions: one 202, nineteen 200 replays, one run, one charge, one shipment', async () => {
    const order = sampleOrder();
    const responses = await Promise.all(Array.from({ length: 20 }, () => submit(order)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    for (const r of responses.filter((r) => r.status === 200)) {
      expect(r.headers.get('idempotent-replayed')).toBe('true');
      expect(r.body.orderId).toBe(order.orderId);
    }
    await waitForOrder(order.orderId);
    expect(await runCount(workflowIdFor(order.orderId))).toBe(1);
    const { charges, shipments } = await ledger(order.orderId);
    expect(charges).toHaveLength(1);
    expect(shipments).toHaveLength(1);
  });

  it('a duplicate after completion answers 200 with the final view and charges nothing more', async () => {
    const order = sampleOrder();
    expect((await submit(order)).status).toBe(202);
    const done = await waitForOrder(order.orderId);
    // Same body, keys in another order: still the same submission.
    const reordered = Object.fromEntries(Object.entries(order).reverse());
    const again = await submit(reordered);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(done);
    expect(await runCount(workflowIdFor(order.orderId))).toBe(1);
    expect((await ledger(order.orderId)).charges).toHaveLength(1);
  });

  it('the same orderId with a different body is a 409, running or finished, and starts nothing', async () => {
    const order = sampleOrder();
    expect((await submit(order)).status).toBe(202);
    const conflicting = { ...order, items: [{ sku: 'sku-red', quantity: 5, unitPriceCents: 1250 }] };
    const whileRunning = await submit(conflicting);
    expect(whileRunning.status).toBe(409);
    expect(whileRunning.headers.get('content-type')).toContain('application/problem+json');
    expect(whileRunning.body.detail).toContain('different body');
    await waitForOrder(order.orderId);
    expect((await submit(conflicting)).status).toBe(409);
    expect(await runCount(workflowIdFor(order.orderId))).toBe(1);
    const { charges } = await ledger(order.orderId);
    expect(charges.map((c) => c.amountCents)).toEqual([3490]);
  });

  it.each([
    ['a missing field', (o: any) => ({ ...o, customerId: undefined }), 'customerId'],
    ['a bad orderId', (o: any) => ({ ...o, orderId: 'has space' }), 'orderId'],
    [
      'a zero quantity',
      (o: any) => ({ ...o, items: [{ sku: 'a', quantity: 0, unitPriceCents: 100 }] }),
      'items.0.quantity',
    ],
    [
      'a fractional price',
      (o: any) => ({ ...o, items: [{ sku: 'a', quantity: 1, unitPriceCents: 9.5 }] }),
      'items.0.unitPriceCents',
    ],
    [
      'a huge quantity',
      (o: any) => ({ ...o, items: [{ sku: 'a', quantity: 10 ** 9, unitPriceCents: 1 }] }),
      'items.0.quantity',
    ],
    ['no items', (o: any) => ({ ...o, items: [] }), 'items'],
    ['an unknown field', (o: any) => ({ ...o, coupon: 'FREE' }), 'coupon'],
    ['a lowercase currency', (o: any) => ({ ...o, currency: 'eur' }), 'currency'],
  ])('rejects %s with 400 naming the field, and starts no workflow', async (_what, mutate, field) => {
    const order = sampleOrder();
    const response = await submit(mutate(order));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(response.body.detail).toContain(field);
    expect((await api(`/orders/${order.orderId}`)).status).toBe(404);
  });

  it('answers malformed JSON and non-JSON bodies with 4xx, never 500', async () => {
    expect((await api('/orders', { method: 'POST', body: '{"orderId": ' })).status).toBe(400);
    const text = await api('/orders', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBeGreaterThanOrEqual(400);
    expect(text.status).toBeLessThan(500);
  });

  it('GET of an unknown order is 404; an invalid id is 400', async () => {
    expect((await api('/orders/does-not-exist')).status).toBe(404);
    expect((await api('/orders/bad%20id')).status).toBe(400);
  });

  it('lists orders by status and customer from Temporal visibility', async () => {
    const customerId = `cust-list-${Date.now()}`;
    const completed = sampleOrder({ customerId });
    const declined = sampleOrder({ customerId, paymentToken: 'tok_declined' });
    await Promise.all([submit(completed), submit(declined)]);
    await Promise.all([waitForOrder(completed.orderId), waitForOrder(declined.orderId)]);

    const byCustomer = async (status?: string) => {
      // Visibility is eventually consistent: poll briefly until both updates are indexed.
      for (let i = 0; ; i++) {
        const { body } = await api(`/orders?customerId=${customerId}${status ? `&status=${status}` : ''}`);
        const ids = body.data.map((o: { orderId: string }) => o.orderId).sort();
        if (i > 50 || (status ? ids.length === 1 : ids.length === 2)) return body.data;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    expect((await byCustomer()).map((o: any) => o.orderId).sort()).toEqual(
      [completed.orderId, declined.orderId].sort(),
    );
    const onlyCompleted = await byCustomer('COMPLETED');
    expect(onlyCompleted).toEqual([
      expect.objectContaining({ orderId: completed.orderId, status: 'COMPLETED', customerId, totalCents: 3490 }),
    ]);
    expect((await byCustomer('PAYMENT_DECLINED')).map((o: any) => o.orderId)).toEqual([declined.orderId]);
    expect((await api('/orders?status=NOPE')).status).toBe(400);
    expect((await api(`/orders?customerId=x'%20OR%20'1'='1`)).status).toBe(400);
  });

  it('keeps the order ID, customer, status and total on the run as search attributes', async () => {
    const order = sampleOrder();
    await submit(order);
    await waitForOrder(order.orderId);
    const description = await (await temporal()).workflow.getHandle(workflowIdFor(order.orderId)).describe();
    expect(description.searchAttributes).toMatchObject({
      OrderStatus: ['COMPLETED'],
      CustomerId: [order.customerId],
      OrderTotalCents: [3490],
    });
    expect(description.memo).toMatchObject({ summary: expect.stringContaining(order.orderId) });
  });

  it('has health, readiness, metrics and OpenAPI docs', async () => {
    expect((await api('/health')).status).toBe(200);
    expect((await api('/ready')).body.info.temporal.status).toBe('up');
    const metrics = await fetch(`${urls.api}/metrics`);
    expect(await metrics.text()).toContain('http_request_duration_seconds');
    const openapi = await api('/docs/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(['/orders', '/orders/{orderId}', '/orders/{orderId}/cancel']),
    );
  });
});
