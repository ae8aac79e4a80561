import { describe, expect, it } from 'vitest';
import { audit } from '../../bench/audit';
import { useIsolatedStack } from '../support/isolated-stack';
import { sampleOrder } from '../../src/fixtures/sample-order';

// The audit must see a breach when there is one: effects are added behind the service's
// back, straight into the sandbox ledgers.

const isolated = useIsolatedStack('audit');

const targets = () => ({
  temporalAddress: isolated.stack.urls.temporal,
  namespace: 'default',
  paymentsUrl: isolated.stack.urls.payments,
  shippingUrl: isolated.stack.urls.shipping,
  encryptionKeys: isolated.stack.env.ENCRYPTION_KEYS!,
});
const sneak = (base: string, path: string, key: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });

describe('exactly-once audit', () => {
  it('passes clean runs and reports double charges, shipments of declined orders and lost orders', async () => {
    const completed = sampleOrder();
    const declined = sampleOrder({ paymentToken: 'tok_declined' });
    await isolated.client.submit(completed);
    await isolated.client.submit(declined);
    await isolated.client.waitForOrder(completed.orderId);
    await isolated.client.waitForOrder(declined.orderId);
    const ids = [completed.orderId, declined.orderId];

    const clean = await audit(targets(), ids);
    expect(clean).toMatchObject({
      ordersLost: 0,
      doubleCharges: 0,
      doubleShipments: 0,
      shipmentsForUnshippedOrders: 0,
      chargesWithoutPaidOrder: 0,
    });

    await sneak(isolated.stack.urls.payments, '/v1/charges', 'rogue-1', {
      orderId: completed.orderId,
      amountCents: 3490,
      currency: 'EUR',
      paymentToken: 'tok_visa',
    });
    await sneak(isolated.stack.urls.shipping, '/v1/shipments', 'rogue-2', {
      orderId: declined.orderId,
      address: completed.shippingAddress,
      items: completed.items,
    });
    const broken = await audit(targets(), [...ids, 'never-started']);
    expect(broken).toMatchObject({
      doubleCharges: 1,
      shipmentsForUnshippedOrders: 1,
      ordersLost: 1,
      refundsOfShippedOrders: 0,
    });

    // A refund behind the service's back of an order that shipped.
    const [charge] = (await isolated.client.ledger(completed.orderId)).charges;
    await sneak(isolated.stack.urls.payments, '/v1/refunds', 'rogue-3', { chargeId: charge.id, amountCents: 3490 });
    expect(await audit(targets(), ids)).toMatchObject({ refundsOfShippedOrders: 1, shipmentsOfRefundedOrders: 0 });
  });
});
