import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/shared/order-schema';
import type { OrderStatus } from '../../src/shared/order-state';
import { workflowIdFor } from '../../src/shared/order-contract';
import { useIsolatedStack } from '../support/isolated-stack';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { forgetWorkflow, waitForStartedActivity } from '../support/temporal';

// Exactly once beyond Temporal's memory: an order ends, Temporal forgets it (as retention
// does), and the same order is submitted again with the same body, another address or
// another amount. The providers' ledgers must show no new effect and no compensation of
// an effect that stands; the new run's status says what happened. Once with keys the
// providers keep, once with keys they forget after a second (as Stripe does after 24 h).

type Client = ReturnType<typeof useIsolatedStack>['client'];

const ENDINGS: Record<string, { order: () => Order; drive?: (client: Client, order: Order) => Promise<void> }> = {
  COMPLETED: { order: () => sampleOrder() },
  'CANCELLED after a charge': {
    order: () => sampleOrder(),
    // Cancelled while the charge is in flight (the payments sandbox answers after 800 ms).
    drive: async (client, order) => {
      await waitForStartedActivity(workflowIdFor(order.orderId), 'chargePayment');
      expect((await client.cancel(order.orderId)).body.status).toBe('CANCELLED');
    },
  },
  PAYMENT_DECLINED: { order: () => sampleOrder({ paymentToken: 'tok_declined' }) },
  REJECTED: { order: () => sampleOrder({ items: [{ sku: 'gold', quantity: 10, unitPriceCents: 60_000 }] }) },
  'FAILED after a refused shipment': {
    order: () =>
      sampleOrder({ shippingAddress: { name: 'N', line1: 'L', city: 'Nowhere', postalCode: '00000', country: 'DE' } }),
  },
};

const VARIANTS: Record<string, (order: Order) => Order> = {
  'the same body': (order) => order,
  'another address': (order) => ({ ...order, shippingAddress: { ...order.shippingAddress, line1: '2 Other Street' } }),
  // Still above the risk limit for the rejected order: an order that left no effect at all
  // is indistinguishable from a new one (see docs/reconciliation.md).
  'another amount': (order) => ({
    ...order,
    items: order.items.map((item, i) => (i === 0 ? { ...item, quantity: item.quantity + 1 } : item)),
  }),
};

/** The status and reason the resubmission ends with, per ending and variant. */
const EXPECTED: Record<string, Record<string, [OrderStatus, RegExp]>> = {
  COMPLETED: {
    'the same body': ['COMPLETED', /^$/],
    'another address': ['NEEDS_REVIEW', /shipment .* already exists for this order, to another address/],
    'another amount': ['NEEDS_REVIEW', /charge .* already exists for this order/],
  },
  'CANCELLED after a charge': {
    'the same body': ['CANCELLED', /unwound before: charge .* is refunded/],
    'another address': ['CANCELLED', /unwound before/],
    'another amount': ['NEEDS_REVIEW', /charge .* already exists for this order/],
  },
  PAYMENT_DECLINED: {
    'the same body': ['PAYMENT_DECLINED', /declined/],
    'another address': ['PAYMENT_DECLINED', /declined/],
    // The key holds the declined request's answer: 422, and no charge exists. With expired
    // keys the provider declines the new request itself.
    'another amount': ['NEEDS_REVIEW', /payment key was used before for another request and no charge exists/],
  },
  REJECTED: {
    'the same body': ['REJECTED', /risk check/],
    'another address': ['REJECTED', /risk check/],
    'another amount': ['REJECTED', /risk check/],
  },
  'FAILED after a refused shipment': {
    'the same body': ['CANCELLED', /unwound before/],
    'another address': ['CANCELLED', /unwound before/],
    'another amount': ['NEEDS_REVIEW', /charge .* already exists for this order/],
  },
};

for (const keys of ['kept', 'expiring'] as const) {
  describe(`a forgotten order submitted again (provider keys ${keys})`, () => {
    const isolated = useIsolatedStack(`forgotten-${keys}`, {
      PAYMENTS_FAULTS: JSON.stringify({ latencyMs: 800 }),
      ...(keys === 'expiring' ? { IDEMPOTENCY_KEY_TTL_S: '1' } : {}),
    });

    for (const [ending, { order: make, drive }] of Object.entries(ENDINGS)) {
      it.concurrent(
        `${ending}: no new effect and no compensation of a standing one`,
        async () => {
          const { client } = isolated;
          const order = make();
          expect((await client.submit(order)).status).toBe(202);
          await drive?.(client, order);
          const first = await client.waitForOrder(order.orderId);
          expect(first.status).toBe(ending.split(' ')[0]);
          const books = await client.ledger(order.orderId);

          for (const [variant, change] of Object.entries(VARIANTS)) {
            await forgetWorkflow(workflowIdFor(order.orderId));
            if (keys === 'expiring') await new Promise((r) => setTimeout(r, 1_100));
            const again = await client.submit(change(order));
            expect(again.status, variant).toBe(202); // Temporal forgot it: a new run
            const done = await client.waitForOrder(order.orderId);
            const expected =
              keys === 'expiring' && ending === 'PAYMENT_DECLINED'
                ? EXPECTED[ending]['the same body']
                : EXPECTED[ending][variant];
            expect([variant, done.status], done.failureReason).toEqual([variant, expected[0]]);
            expect(done.failureReason ?? '', variant).toMatch(expected[1]);
            expect(await client.ledger(order.orderId), variant).toEqual(books);
          }
        },
        120_000,
      );
    }
  });
}
