// The workflow's side of `order-events`: status changes queue here and are published one at
// a time, in order, beside the lifecycle rather than in its way: a broker outage delays the
// events, never the order. The run ends only once the queue is empty (see drained), so no
// status goes unannounced.
//
// Each publish is one attempt of a local activity; the retries are durable timers here.
// A local activity still running holds its workflow task open (the SDK heartbeats it every
// 8 s), so retrying inside the activity would stall every step of the order while the
// broker is down; one short attempt, then a timer, holds it no longer than that attempt.
import { CancellationScope, log, sleep } from '@temporalio/workflow';
import type { OrderEvent } from '../src/shared/order-events';

export interface EventOutbox {
  add(event: OrderEvent): void;
  /** True once every event added so far has been published. */
  drained(): boolean;
}

const backoffMs = (attempt: number) => Math.min(30_000, 1_000 * 2 ** (attempt - 1));

export function eventOutbox(publish: (event: OrderEvent) => Promise<void>): EventOutbox {
  const queue: OrderEvent[] = [];
  let publishing = false;
  const publishWithRetries = async (event: OrderEvent) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await publish(event);
      } catch (err) {
        log.warn('Order event not published; retrying', {
          eventId: event.eventId,
          attempt,
          reason: err instanceof Error ? (err.cause?.toString() ?? err.message) : String(err),
        });
        await sleep(backoffMs(attempt));
      }
    }
  };
  const drain = async () => {
    publishing = true;
    // Non-cancellable: a cancel of the run must not drop the announcement of its ending.
    for (let next = queue[0]; next; next = queue[0]) {
      await CancellationScope.nonCancellable(() => publishWithRetries(next));
      queue.shift();
    }
    publishing = false;
  };
  return {
    add(event) {
      queue.push(event);
      if (!publishing) void drain();
    },
    drained: () => queue.length === 0,
  };
}
