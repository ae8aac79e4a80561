import { describe, expect, it } from 'vitest';
import type { LedgerRow } from '../../src/reconcile/ledgers';
import type { KnownOrder } from '../../src/reconcile/orders';
import { findImbalances } from '../../src/reconcile/reconcile';

// The reconciliation rules alone: which disagreements between the books and the orders are
// imbalances, and which of them a refund settles.

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const charge = (orderId: string, refunded = 0): LedgerRow => ({
  id: `ch_${orderId}`,
  orderId,
  amountCents: 100,
  amountRefundedCents: refunded,
  createdAt: at(1),
});
const refund = (orderId: string, s: number): LedgerRow => ({
  id: `re_${orderId}`,
  orderId,
  chargeId: `ch_${orderId}`,
  amountCents: 100,
  createdAt: at(s),
});
const shipment = (orderId: string, s: number, status = 'created'): LedgerRow => ({
  id: `shp_${orderId}`,
  orderId,
  amountCents: 0,
  status,
  createdAt: at(s),
});
const order = (status: KnownOrder['status'], extra: Partial<KnownOrder> = {}): KnownOrder => ({
  status,
  totalCents: 100,
  closed: true,
  endedOutsideLifecycle: false,
  ...extra,
});

describe('findImbalances', () => {
  it('finds nothing in balanced books: completed, cancelled and refunded, declined, running', () => {
    const orders = new Map([
      ['a', order('COMPLETED')],
      ['b', order('CANCELLED')],
      ['c', order('PENDING', { closed: false })],
    ]);
    const ledgers = {
      charges: [charge('a'), charge('b', 100), charge('c')],
      refunds: [refund('b', 2)],
      shipments: [shipment('a', 2)],
    };
    expect(findImbalances(orders, ledgers)).toEqual([]);
  });

  it('a charge left standing by a terminated run, an unwound order or a forgotten one is refunded', () => {
    const orders = new Map([
      ['t', order('FAILED', { endedOutsideLifecycle: true })],
      ['u', order('CANCELLED')],
    ]);
    const found = findImbalances(orders, {
      charges: [charge('t'), charge('u', 40), charge('gone')],
      refunds: [],
      shipments: [],
    });
    expect(found.map((f) => [f.orderId, f.kind, f.refund])).toEqual([
      ['t', 'chargeWithoutPaidOrder', { chargeId: 'ch_t', amountCents: 100 }],
      ['u', 'unwoundWithoutRefund', { chargeId: 'ch_u', amountCents: 60 }],
      ['gone', 'chargeWithoutPaidOrder', { chargeId: 'ch_gone', amountCents: 100 }],
    ]);
  });

  it('a shipment beside a refund is reported for a person, with which came first', () => {
    const orders = new Map([
      ['early-refund', order('NEEDS_REVIEW')],
      ['early-ship', order('COMPLETED')],
      ['recalled', order('CANCELLED')],
    ]);
    const found = findImbalances(orders, {
      charges: [charge('early-refund', 100), charge('early-ship', 100), charge('recalled', 100)],
      refunds: [refund('early-refund', 2), refund('early-ship', 5), refund('recalled', 5)],
      shipments: [shipment('early-refund', 3), shipment('early-ship', 2), shipment('recalled', 2, 'cancelled')],
    });
    expect(found.map((f) => [f.orderId, f.kind, f.refund])).toEqual([
      ['early-refund', 'shipmentOfRefundedOrder', undefined],
      ['early-ship', 'refundOfShippedOrder', undefined],
    ]);
  });
});
