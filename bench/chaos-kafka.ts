// `npm run chaos -- --source kafka`: the classic exactly-once scenario of a message stream,
// on a stack of its own with a broker and the ingest (127.0.0.1 only), bounded by the run's
// deadline. Every order is produced several times (some copies with a conflicting body),
// in slices, with a disruption between slices: an ingest SIGKILLed while it has messages in
// hand (so before their commit), a second ingest joining the group and later leaving it
// (two rebalances), a worker SIGKILLed, the broker restarted. Once every order has ended,
// Temporal forgets some of them and the whole topic is consumed again from offset 0. Then
// the exactly-once audit reads the ledgers and the events audit reads `order-events`.
import type { Client } from '@temporalio/client';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Order } from '../src/shared/order-schema';
import { workflowIdFor } from '../src/shared/order-contract';
import type { OrderStatus } from '../src/shared/order-state';
import { type ApiTarget, apiFetch, stackApi } from '../src/stack/api-client';
import { Child } from '../src/stack/child-process';
import { KAFKA_TOPICS } from '../src/stack/kafka-broker';
import { projectRoot, startScratchStack } from '../src/stack/stack';
import type { StackShape } from '../src/stack/stack-args';
import { stackClient } from '../src/stack/stack-client';
import { forgetWorkflow } from '../src/temporal/forget-workflow';
import { audit, printReport, stackAuditTargets } from './audit';
import { EVENT_VIOLATIONS, auditEvents, type PublishedEvent } from './events-audit';
import { mapLimit } from './map-limit';

const INGEST_GROUP = 'order-ingest';

export interface KafkaChaosOptions {
  plans: { order: Order; conflicting?: Order }[];
  duplicates: number;
  workerKills: number;
  brokerRestarts: number;
  /** How many ended orders Temporal forgets before the topic is replayed. */
  forget: number;
  shape: StackShape;
  deadline: number;
  random: () => number;
  waitUntilEnded: (api: ApiTarget, orderIds: Iterable<string>) => Promise<void>;
}

type Disruption = 'ingest-kill' | 'ingest-join' | 'ingest-leave' | 'worker-kill' | 'broker-restart';

/** Returns true when every audit count is 0. */
export async function kafkaChaos(o: KafkaChaosOptions): Promise<boolean> {
  const started = Date.now();
  execFileSync(process.execPath, [join(projectRoot(), 'scripts', 'setup-kafka.mjs')], { stdio: 'inherit' });
  const { stack, dispose } = await startScratchStack('chaos-kafka', {}, { ...o.shape, kafka: true });
  const counts = {
    messagesProduced: 0,
    conflictingMessages: 0,
    ingestKills: 0,
    rebalancesByJoinOrLeave: 0,
    workerKills: 0,
    brokerRestarts: 0,
    ingestsFoundDead: 0,
    forgotten: 0,
    replayedFromOffset0: 0,
    deadLettered: 0,
    deadLetteredNotForConflict: 0,
  };
  const kafka = new Kafka({
    clientId: 'chaos',
    brokers: stack.env.KAFKA_BROKERS!.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const ingests = [stack.child('ingest')];
  const secondIngest = new Child({ ...ingests[0].spec, name: 'ingest-2' }, stack.logDir);
  const api = stackApi(stack);
  const { client, close } = await stackClient(stack);
  try {
    await admin.connect();
    await producer.connect();
    const messages = o.plans.flatMap(({ order, conflicting }) =>
      Array.from({ length: o.duplicates }, (_, k) => (conflicting && k === o.duplicates - 1 ? conflicting : order)),
    );
    shuffle(messages, o.random);
    counts.conflictingMessages = o.plans.filter((p) => p.conflicting).length;
    const disruptions: Disruption[] = [
      'ingest-kill',
      'ingest-join',
      ...Array<Disruption>(o.workerKills).fill('worker-kill'),
      ...Array<Disruption>(o.brokerRestarts).fill('broker-restart'),
      'ingest-kill',
      'ingest-leave',
    ];
    console.log(
      `chaos (kafka): ${o.plans.length} orders x ${o.duplicates} messages, disruptions: ${disruptions.join(', ')}`,
    );

    const disrupt = async (kind: Disruption) => {
      console.log(`chaos (kafka): ${kind}`);
      if (kind === 'ingest-kill') {
        await ingests[0].kill();
        await sleep(300 + o.random() * 700);
        await ingests[0].start();
        counts.ingestKills++;
      } else if (kind === 'ingest-join') {
        await secondIngest.start();
        ingests.push(secondIngest);
        counts.rebalancesByJoinOrLeave++;
      } else if (kind === 'ingest-leave') {
        await secondIngest.stop();
        ingests.pop();
        counts.rebalancesByJoinOrLeave++;
      } else if (kind === 'worker-kill') {
        const worker = stack.child('worker', counts.workerKills % o.shape.workers);
        await worker.kill();
        await sleep(500 + o.random() * 1_000);
        await worker.start();
        counts.workerKills++;
      } else {
        const broker = stack.child('kafka');
        await broker.stop();
        await sleep(1_000);
        await broker.start();
        counts.brokerRestarts++;
      }
      // A consumer the broker's absence made give up exits (src/ingest/main.ts); a supervisor
      // would restart it, so the run does, and counts it.
      for (const ingest of ingests)
        if (!ingest.running) {
          counts.ingestsFoundDead++;
          await ingest.start();
        }
    };

    // The messages in slices, a disruption after each slice but the last, the ingest busy
    // with the slice while it happens.
    const slice = Math.ceil(messages.length / (disruptions.length + 1));
    for (let i = 0; i < messages.length; i += slice) {
      await producer.send({
        topic: KAFKA_TOPICS.orders,
        messages: messages.slice(i, i + slice).map((m) => ({ key: m.orderId, value: JSON.stringify(m) })),
      });
      counts.messagesProduced += Math.min(slice, messages.length - i);
      await sleep(200 + o.random() * 800);
      const next = disruptions.shift();
      if (next) await disrupt(next);
    }
    for (const kind of disruptions) await disrupt(kind);
    const orderIds = o.plans.map((p) => p.order.orderId);
    await untilConsumed(admin, o.deadline);
    await o.waitUntilEnded(api, orderIds);
    console.log(`chaos (kafka): consumed and ended in ${seconds(started)} s`);

    // Temporal forgets some orders; the ingest, stopped, is sent back to offset 0.
    const forgotten = orderIds.slice(0, o.forget);
    await mapLimit(forgotten, 10, async (orderId) => {
      await forgetWorkflow(client, workflowIdFor(orderId));
      counts.forgotten++;
    });
    await ingests[0].stop();
    await admin.resetOffsets({ groupId: INGEST_GROUP, topic: KAFKA_TOPICS.orders, earliest: true });
    counts.replayedFromOffset0 = counts.messagesProduced;
    console.log(`chaos (kafka): forgot ${forgotten.length} orders; consuming ${KAFKA_TOPICS.orders} again from 0`);
    await ingests[0].start();
    await untilConsumed(admin, o.deadline);
    await o.waitUntilEnded(api, orderIds);
    await untilNoRunOpen(client, o.deadline);

    const dlq = await readWholeTopic(kafka, admin, KAFKA_TOPICS.dlq, o.deadline);
    counts.deadLettered = dlq.length;
    counts.deadLetteredNotForConflict = dlq.filter(
      (m) => !m.headers?.['dlq-reason']?.toString().startsWith('conflict:'),
    ).length;
    const events: PublishedEvent[] = (await readWholeTopic(kafka, admin, KAFKA_TOPICS.events, o.deadline)).map((m) => ({
      key: m.key?.toString() ?? '',
      event: JSON.parse(m.value?.toString() ?? 'null'),
    }));
    const eventsReport = auditEvents(events, await finalStatuses(api, orderIds));
    const report = await audit(stackAuditTargets(stack), orderIds);
    console.log(`chaos (kafka): ${JSON.stringify(counts)}; ${seconds(started)} s in all`);
    return printReport(
      { ...report, ordersSubmitted: orderIds.length },
      { chaos: counts, events: eventsReport },
      {
        deadLetteredNotForConflict: counts.deadLetteredNotForConflict,
        ...Object.fromEntries(EVENT_VIOLATIONS.map((key) => [key, eventsReport[key]])),
      },
    );
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await close();
    await secondIngest.stop();
    await dispose();
  }
}

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(0);

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/** Waits until the ingest group has committed every message of `orders`. */
async function untilConsumed(admin: ReturnType<Kafka['admin']>, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ends = await admin.fetchTopicOffsets(KAFKA_TOPICS.orders).catch(() => undefined);
    const [committed] = await admin
      .fetchOffsets({ groupId: INGEST_GROUP, topics: [KAFKA_TOPICS.orders] })
      .catch(() => [undefined]);
    const at = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]));
    if (ends && committed && ends.every((end) => (at.get(end.partition) ?? -1) >= Number(end.high))) return;
    await sleep(500);
  }
  throw new Error('deadline passed before the ingest consumed every message');
}

/** Runs stay open until their events are published: waits until none is. */
async function untilNoRunOpen(client: Client, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if ((await client.workflow.count("ExecutionStatus = 'Running'")).count === 0) return;
    await sleep(1_000);
  }
  throw new Error('deadline passed with runs still open');
}

/** Every message of a topic, read from its start by a group of its own. */
async function readWholeTopic(
  kafka: Kafka,
  admin: ReturnType<Kafka['admin']>,
  topic: string,
  deadline: number,
): Promise<KafkaMessage[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const remaining = new Map(ends.filter((e) => Number(e.high) > 0).map((e) => [e.partition, Number(e.high)]));
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: `chaos-read-${topic}-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push(message);
        if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
      },
    });
    while (remaining.size > 0) {
      if (Date.now() > deadline) throw new Error(`deadline passed while reading ${topic}`);
      await sleep(200);
    }
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

/** Each order's status as the API shows it now (every one has ended). */
async function finalStatuses(api: ApiTarget, orderIds: string[]): Promise<Map<string, OrderStatus>> {
  const statuses = new Map<string, OrderStatus>();
  await mapLimit(orderIds, 20, async (orderId) => {
    const response = await apiFetch(api, `/orders/${orderId}`);
    statuses.set(orderId, ((await response.json()) as { status: OrderStatus }).status);
  });
  return statuses;
}
