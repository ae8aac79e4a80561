// Announces an order's status on the event sink (src/events). Called by the workflow as a
// local activity after each status change; see workflows/event-outbox.ts.
import type { EventSink } from '../src/events/event-sink';
import type { OrderEvent } from '../src/shared/order-events';

export function eventActivities(sink: EventSink) {
  return {
    async publishOrderEvent(event: OrderEvent): Promise<void> {
      await sink.publish(event);
    },
  };
}
