// Where the worker publishes order events: Kafka's `order-events` when the worker is given
// brokers (KAFKA_BROKERS; `npm start -- --kafka` does so), otherwise nowhere. The workflow
// announces every status either way (its history must not depend on the worker's
// configuration), so without a broker an announcement is acknowledged and dropped.
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import type { OrderEvent } from '../shared/order-events';
import { KAFKA_TOPICS } from '../stack/kafka-broker';

export interface EventSink {
  readonly target: string;
  publish(event: OrderEvent): Promise<void>;
  close(): Promise<void>;
}

export const noEventSink: EventSink = {
  target: 'none (no KAFKA_BROKERS)',
  publish: async () => {},
  close: async () => {},
};

export function kafkaEventSink(brokers: string[]): EventSink {
  // One attempt of the activity must end within its 5 s timeout: short timeouts and one
  // client retry here, and the workflow retries on with durable timers (event-outbox.ts).
  const kafka = new Kafka({
    clientId: 'order-events',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
  });
  // Idempotent (acks from all replicas, one request in flight): the client's own retry of a
  // send is written once. With retries bounded, a send that failed may still have been
  // written, and the workflow's next attempt writes it again: the eventId dedups that.
  // The Java client's key hashing, so an order's events share a partition with its orders.
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 },
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let connected: Promise<void> | undefined;
  const connect = () =>
    (connected ??= producer.connect().catch((err: unknown) => {
      connected = undefined; // the next attempt connects afresh
      throw err;
    }));
  return {
    target: `kafka ${brokers.join(',')} topic ${KAFKA_TOPICS.events}`,
    async publish(event) {
      await connect();
      await producer.send({
        topic: KAFKA_TOPICS.events,
        acks: -1,
        messages: [{ key: event.orderId, value: JSON.stringify(event), headers: { 'event-id': event.eventId } }],
      });
    },
    close: () => producer.disconnect(),
  };
}
