// The audit of `order-events` after a chaos run: read as a consumer would, deduplicated by
// eventId, every order the run accepted must have announced PENDING first, then its
// statuses in lifecycle order, up to the status Temporal ended it in. Repeats (retries,
// replays, new runs of forgotten orders) are counted, not faults: their IDs make them
// harmless.
import { eventId } from '../src/shared/idempotency-keys';
import type { OrderEvent } from '../src/shared/order-events';
import { type OrderStatus, isTerminal } from '../src/shared/order-state';

export interface PublishedEvent {
  key: string;
  event: OrderEvent;
}

export const EVENT_VIOLATIONS = [
  'ordersWithoutEvents',
  'ordersMissingFinalEvent',
  'ordersWithEventsOutOfOrder',
  'eventsWithWrongIdOrKey',
  'eventsOfUnknownOrders',
] as const;

export type EventsAudit = Record<(typeof EVENT_VIOLATIONS)[number], number> & {
  eventsPublished: number;
  eventsDistinct: number;
};

const rank = (status: OrderStatus) =>
  status === 'PENDING' ? 0 : status === 'PAID' ? 1 : status === 'SHIPPED' ? 2 : isTerminal(status) ? 3 : NaN;

/** `finalStatus`: every accepted order and the status Temporal ended it in. */
export function auditEvents(published: PublishedEvent[], finalStatus: Map<string, OrderStatus>): EventsAudit {
  const firstSeen = new Map<string, OrderStatus[]>();
  const seenIds = new Set<string>();
  const audit: EventsAudit = {
    eventsPublished: published.length,
    eventsDistinct: 0,
    ordersWithoutEvents: 0,
    ordersMissingFinalEvent: 0,
    ordersWithEventsOutOfOrder: 0,
    eventsWithWrongIdOrKey: 0,
    eventsOfUnknownOrders: 0,
  };
  for (const { key, event } of published) {
    if (key !== event.orderId || event.eventId !== eventId(event.orderId, event.status)) audit.eventsWithWrongIdOrKey++;
    if (!finalStatus.has(event.orderId)) audit.eventsOfUnknownOrders++;
    if (seenIds.has(event.eventId)) continue;
    seenIds.add(event.eventId);
    firstSeen.set(event.orderId, [...(firstSeen.get(event.orderId) ?? []), event.status]);
  }
  audit.eventsDistinct = seenIds.size;
  for (const [orderId, status] of finalStatus) {
    const statuses = firstSeen.get(orderId) ?? [];
    if (statuses.length === 0) audit.ordersWithoutEvents++;
    else if (!statuses.includes(status)) audit.ordersMissingFinalEvent++;
    const ranks = statuses.map(rank);
    if (statuses.length > 0 && (statuses[0] !== 'PENDING' || ranks.some((r, i) => i > 0 && !(r >= ranks[i - 1]))))
      audit.ordersWithEventsOutOfOrder++;
  }
  return audit;
}
