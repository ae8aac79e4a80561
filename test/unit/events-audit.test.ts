import { describe, expect, it } from 'vitest';
import { auditEvents, type PublishedEvent } from '../../bench/events-audit';
import { orderEvent } from '../../src/shared/order-events';
import type { OrderStatus } from '../../src/shared/order-state';

const published = (orderId: string, ...statuses: OrderStatus[]): PublishedEvent[] =>
  statuses.map((status) => ({ key: orderId, event: orderEvent(orderId, status, '2026-11-28T00:00:00.000Z') }));

describe('events audit', () => {
  it('counts repeats but finds nothing wrong in a replayed, complete stream', () => {
    const events = [
      ...published('a', 'PENDING', 'PAID', 'SHIPPED', 'COMPLETED'),
      ...published('b', 'PENDING', 'PAID', 'FAILED'),
      // a's retried publish, then b forgotten and run again: the ledger says unwound before
      ...published('a', 'COMPLETED'),
      ...published('b', 'PENDING', 'PAID', 'CANCELLED'),
    ];
    const audit = auditEvents(
      events,
      new Map<string, OrderStatus>([
        ['a', 'COMPLETED'],
        ['b', 'CANCELLED'],
      ]),
    );
    expect(audit).toEqual({
      eventsPublished: 11,
      eventsDistinct: 8,
      ordersWithoutEvents: 0,
      ordersMissingFinalEvent: 0,
      ordersWithEventsOutOfOrder: 0,
      eventsWithWrongIdOrKey: 0,
      eventsOfUnknownOrders: 0,
    });
  });

  it('bites: a missing order, a missing ending, an ending before PAID, a wrong ID, a stranger', () => {
    const wrongId = published('e', 'PENDING')[0];
    wrongId.event = { ...wrongId.event, eventId: 'e:1' };
    const audit = auditEvents(
      [
        ...published('b', 'PENDING', 'PAID'),
        ...published('c', 'PENDING', 'COMPLETED', 'PAID'),
        wrongId,
        ...published('stranger', 'PENDING'),
      ],
      new Map<string, OrderStatus>([
        ['a', 'COMPLETED'],
        ['b', 'COMPLETED'],
        ['c', 'COMPLETED'],
        ['e', 'PENDING'],
      ]),
    );
    expect(audit).toMatchObject({
      ordersWithoutEvents: 1,
      ordersMissingFinalEvent: 1,
      ordersWithEventsOutOfOrder: 1,
      eventsWithWrongIdOrKey: 1,
      eventsOfUnknownOrders: 1,
    });
  });
});
