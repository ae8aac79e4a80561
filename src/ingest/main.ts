// `npm run start:ingest`: orders from the Kafka topic `orders` into the API, at least once.
// An offset is committed only after the API has started the order or refused it as a
// duplicate (or it went to the DLQ), so a crash or a replay re-submits, and the API's dedup
// (Temporal's workflow ID) makes that harmless. docs/kafka.md has the reasoning.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { KAFKA_TOPICS } from '../stack/kafka-broker';
import { ingestConfig, kafkaConfig } from '../config/service';
import { localDataDir } from '../stack/stack';
import { parseMessage, submitOrder, type Verdict } from './submit';

const GROUP = 'order-ingest';
const MAX_BACKOFF_MS = 5_000;

function apiKey(given: string | undefined): string {
  if (given) return given;
  // Run by hand next to `npm start`: the development key it keeps in its data folder.
  const file = join(localDataDir(), 'api-key');
  if (!existsSync(file))
    throw new Error(
      `no API key: set INGEST_API_KEY (a key with the orders:write scope), or start the stack once so ${file} exists`,
    );
  return readFileSync(file, 'utf8').trim();
}

async function main() {
  const { brokers } = kafkaConfig();
  const ingest = ingestConfig();
  const api = { url: ingest.apiUrl, key: apiKey(ingest.apiKey) };
  const kafka = new Kafka({ clientId: 'order-ingest', brokers, logLevel: logLevel.WARN });
  // A crashed member's partitions move on after this; kept short so a restart resumes soon.
  const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 6_000, heartbeatInterval: 1_000 });
  // Idempotent: a retried DLQ send is written once (the broker dedups by producer ID and
  // sequence). The Java client's key hashing, so a key lands where other clients put it.
  const dlq = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let stopping = false;

  // kafkajs restarts the consumer after a retriable crash; after any other it would sit idle
  // without consuming, so the process exits and says why instead.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) return;
    console.error(`[ingest] consumer stopped: ${payload.error.message}`);
    process.exit(1);
  });
  await dlq.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: KAFKA_TOPICS.orders, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    // One message at a time per partition: a retry holds its partition, nothing behind it is skipped.
    eachMessage: async ({ topic, partition, message, heartbeat }) => {
      const key = message.key?.toString('utf8');
      const where = `${topic}[${partition}]@${message.offset}`;
      const parsed = parseMessage(key, message.value);
      let verdict: Verdict =
        'reason' in parsed ? { kind: 'reject', reason: parsed.reason } : await submitOrder(api, parsed.order);
      for (let attempt = 1; verdict.kind === 'retry'; attempt++) {
        // A Temporal or API outage pauses this partition: back off, keep the group
        // membership alive, and ask again with the same message.
        console.warn(`[ingest] ${where} key=${key}: ${verdict.reason}; retry ${attempt}`);
        if (stopping) throw new Error('stopping with an unhandled message: it is redelivered');
        await sleep(Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(attempt, 5)));
        await heartbeat();
        if ('order' in parsed) verdict = await submitOrder(api, parsed.order);
      }
      if (verdict.kind === 'reject') {
        await dlq.send({
          topic: KAFKA_TOPICS.dlq,
          messages: [
            {
              key: message.key,
              value: message.value,
              headers: {
                'dlq-reason': verdict.reason,
                'dlq-source': where,
                ...(verdict.status ? { 'dlq-status': String(verdict.status) } : {}),
              },
            },
          ],
        });
        console.warn(`[ingest] ${where} key=${key}: to ${KAFKA_TOPICS.dlq}: ${verdict.reason}`);
      }
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    },
  });
  console.log(`[ingest] consuming ${KAFKA_TOPICS.orders} as ${GROUP} from ${brokers.join(',')} into ${api.url}`);

  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await consumer.disconnect();
    await dlq.disconnect();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((err) => {
  console.error(`[ingest] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
