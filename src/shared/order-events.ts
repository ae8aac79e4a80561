// What an order announces on the Kafka topic `order-events`: one event per status it takes
// (PENDING included), keyed by orderId, in the order the statuses were taken. Consumers
// deduplicate by eventId (see idempotency-keys.ts); docs/kafka.md has the reasoning.
import { eventId } from './idempotency-keys';
import type { OrderStatus } from './order-state';

export interface OrderEvent {
  eventId: string;
  orderId: string;
  status: OrderStatus;
  /** When the workflow took the status (its deterministic clock), so a re-publish is identical. */
  at: string;
}

export function orderEvent(orderId: string, status: OrderStatus, at: string): OrderEvent {
  return { eventId: eventId(orderId, status), orderId, status, at };
}
