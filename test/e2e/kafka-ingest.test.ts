import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer, type IHeaders, type KafkaMessage, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventId } from '../../src/shared/idempotency-keys';
import type { OrderEvent } from '../../src/shared/order-events';
import type { Order } from '../../src/shared/order-schema';
import { workflowIdFor } from '../../src/shared/workflow-ids';
import { Child } from '../../src/stack/child-process';
import { freePort } from '../../src/stack/free-port';
import { KAFKA_TOPICS, kafkaBroker } from '../../src/stack/kafka-broker';
import { projectRoot } from '../../src/stack/stack';
import { useIsolatedStack } from '../support/isolated-stack';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { runCount } from '../support/temporal';

// Orders from Kafka into an isolated stack: a broker of this file's own (free ports, scratch
// data), the ingest process, and between it and the API a proxy that counts the POSTs and
// can withhold an answer (the ingest is then killed after the effect, before its commit).
// The stack's worker publishes to the same broker's `order-events`, which the test reads.

const root = projectRoot();
const canRun = spawnSync('java', ['-version']).status === 0 && spawnSync('mvn', ['-v']).status === 0;
const logDir = join(__dirname, '..', 'artifacts', 'logs', 'kafka');
let dataDir: string;
let broker: Child;
let brokers: string[] = [];
// Started before the isolated stack (hooks run in the order they are registered), so that
// its worker can be given the broker.
beforeAll(async () => {
  if (!canRun) return;
  execFileSync(process.execPath, [join(root, 'scripts', 'setup-kafka.mjs')], { stdio: 'inherit' });
  dataDir = mkdtempSync(join(tmpdir(), 'orders-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const part = kafkaBroker({ root, dataDir, port, controllerPort });
  broker = new Child(part.spec, logDir);
  await part.beforeStart!();
  await broker.start();
  brokers = [`127.0.0.1:${port}`];
}, 120_000);
afterAll(async () => {
  await broker?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});
const isolated = useIsolatedStack('kafka', () => ({ KAFKA_BROKERS: brokers.join(',') }));

/** Reads a topic from its start in a group of its own. */
async function readTopic(kafka: Kafka, topic: string, onMessage: (message: KafkaMessage) => void) {
  const consumer = kafka.consumer({ groupId: `test-${topic}-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => onMessage(message) });
  return consumer;
}

/** The API as the ingest sees it. */
function apiProxy(api: () => string) {
  const posts = new Map<string, number>();
  let hold: ((orderId: string) => void) | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const orderId: string | undefined =
        req.method === 'POST' && req.url === '/orders' ? JSON.parse(body.toString()).orderId : undefined;
      if (orderId) posts.set(orderId, (posts.get(orderId) ?? 0) + 1);
      try {
        const upstream = await fetch(`${api()}${req.url}`, {
          method: req.method,
          headers: {
            authorization: req.headers.authorization ?? '',
            'content-type': req.headers['content-type'] ?? 'application/json',
          },
          body: req.method === 'POST' ? body : undefined,
        });
        const text = await upstream.text();
        const held = hold;
        if (held && orderId) {
          hold = undefined;
          held(orderId); // the API has acted; the ingest never hears of it
          return;
        }
        res
          .writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' })
          .end(text);
      } catch {
        res.socket?.destroy(); // the API is down: a network error, as without the proxy
      }
    });
  });
  return {
    server,
    posts: (orderId: string) => posts.get(orderId) ?? 0,
    /** Resolves with the orderId of the next POST the API answered, which the ingest never gets. */
    holdNext: () => new Promise<string>((resolve) => (hold = resolve)),
  };
}

describe.skipIf(!canRun)('orders from Kafka', () => {
  let ingest: Child;
  let producer: Producer;
  let dlqConsumer: Consumer;
  let eventsConsumer: Consumer;
  const dlq: { key: string; value: string; headers: IHeaders }[] = [];
  const events: { key: string; event: OrderEvent; eventIdHeader: string }[] = [];
  const proxy = apiProxy(() => isolated.stack.urls.api);

  beforeAll(async () => {
    const proxyPort = await freePort();
    await new Promise<void>((resolve) => proxy.server.listen(proxyPort, '127.0.0.1', resolve));
    ingest = new Child(
      {
        name: 'ingest',
        command: process.execPath,
        args: ['--require', join(root, 'dist/src/stack/exit-with-parent.js'), join(root, 'dist/src/ingest/main.js')],
        env: {
          KAFKA_BROKERS: brokers.join(','),
          INGEST_API_URL: `http://127.0.0.1:${proxyPort}`,
          INGEST_API_KEY: isolated.stack.apiKey!.secret,
        },
        ready: async () => true,
      },
      logDir,
    );
    await ingest.start();

    const kafka = new Kafka({ clientId: 'kafka-ingest-test', brokers, logLevel: logLevel.NOTHING });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    dlqConsumer = await readTopic(kafka, KAFKA_TOPICS.dlq, (message) =>
      dlq.push({
        key: message.key?.toString() ?? '',
        value: message.value?.toString() ?? '',
        headers: message.headers ?? {},
      }),
    );
    eventsConsumer = await readTopic(kafka, KAFKA_TOPICS.events, (message) =>
      events.push({
        key: message.key?.toString() ?? '',
        event: JSON.parse(message.value?.toString() ?? 'null'),
        eventIdHeader: message.headers?.['event-id']?.toString() ?? '',
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await eventsConsumer?.disconnect();
    await dlqConsumer?.disconnect();
    await producer?.disconnect();
    await ingest?.stop();
    proxy.server.closeAllConnections();
    proxy.server.close();
  });

  /** The order's statuses as a consumer that drops repeated eventIds sees them. */
  function statusesAnnounced(orderId: string): string[] {
    const seen = new Set<string>();
    const statuses: string[] = [];
    for (const { key, event, eventIdHeader } of events.filter((e) => e.event.orderId === orderId)) {
      expect([key, eventIdHeader]).toEqual([orderId, event.eventId]);
      expect(event.eventId).toBe(eventId(orderId, event.status));
      if (seen.has(event.eventId)) continue;
      seen.add(event.eventId);
      statuses.push(event.status);
    }
    return statuses;
  }
  const completedEvents = ['PENDING', 'PAID', 'SHIPPED', 'COMPLETED'];

  /** Every message to one partition: ordering then proves the consumer moved past the earlier ones. */
  const produce = (messages: { key: string; value: string }[]) =>
    producer.send({ topic: KAFKA_TOPICS.orders, messages: messages.map((m) => ({ ...m, partition: 0 })) });
  const asMessage = (order: Order) => ({ key: order.orderId, value: JSON.stringify(order) });

  async function expectOneEffect(orderId: string) {
    expect((await isolated.client.waitForOrder(orderId, undefined, 45_000)).status).toBe('COMPLETED');
    expect(await runCount(workflowIdFor(orderId))).toBe(1);
    const { charges, shipments } = await isolated.client.ledger(orderId);
    expect([charges.length, shipments.length]).toEqual([1, 1]);
    await expect.poll(() => statusesAnnounced(orderId), { timeout: 15_000 }).toEqual(completedEvents);
  }

  it('each order produced three times: one run, one charge, one shipment', async () => {
    const orders = [sampleOrder(), sampleOrder(), sampleOrder()];
    for (let round = 0; round < 3; round++) await produce(orders.map(asMessage));
    for (const order of orders) await expectOneEffect(order.orderId);
    expect(dlq).toEqual([]);
  }, 60_000);

  it('a conflicting body and invalid messages go to orders.dlq with the reason; the next order still runs', async () => {
    const first = sampleOrder();
    const next = sampleOrder();
    await produce([
      asMessage(first),
      asMessage({ ...first, paymentToken: 'tok_other' }),
      { key: 'not-json', value: '{oops' },
      { key: 'bad-currency', value: JSON.stringify({ ...sampleOrder(), currency: 'euro' }) },
      asMessage(next),
    ]);
    await expectOneEffect(next.orderId);
    await expectOneEffect(first.orderId);
    await expect.poll(() => dlq.length, { timeout: 10_000 }).toBe(3);
    // Keyed like the original, so spread over the DLQ's partitions: looked up by key.
    const reason = (key: string) => String(dlq.find((m) => m.key === key)?.headers['dlq-reason']);
    expect(reason(first.orderId)).toMatch(/^conflict: order .* was already submitted with a different body/);
    expect(dlq.find((m) => m.key === first.orderId)).toMatchObject({
      value: JSON.stringify({ ...first, paymentToken: 'tok_other' }),
      headers: { 'dlq-status': Buffer.from('409') },
    });
    expect(reason('not-json')).toBe('invalid: value is not JSON');
    expect(reason('bad-currency')).toMatch(/^invalid: currency: currency must be an ISO 4217 code/);
  }, 60_000);

  it('an ingest SIGKILLed after the API started the order but before the commit: redelivered, still one effect', async () => {
    const order = sampleOrder();
    const held = proxy.holdNext();
    await produce([asMessage(order)]);
    expect(await held).toBe(order.orderId);
    await ingest.kill();
    await ingest.start();
    // The group hands the partition over once the dead member's session (6 s) expires.
    await expect.poll(() => proxy.posts(order.orderId), { timeout: 30_000 }).toBe(2);
    await expectOneEffect(order.orderId);
    expect(dlq).toHaveLength(3);
  }, 60_000);

  it('an API outage pauses consumption: nothing skipped, nothing to the DLQ, all run once it is back', async () => {
    const api = isolated.stack.child('api');
    await api.stop();
    const orders = [sampleOrder(), sampleOrder()];
    try {
      await produce(orders.map(asMessage));
      // The first message is retried with backoff; the second waits behind it.
      await expect.poll(() => proxy.posts(orders[0].orderId), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
      expect(proxy.posts(orders[1].orderId)).toBe(0);
    } finally {
      await api.start();
    }
    for (const order of orders) await expectOneEffect(order.orderId);
    expect(dlq).toHaveLength(3);
  }, 60_000);

  it('a broker outage delays the order events, not the order: all are published once it is back', async () => {
    const order = sampleOrder();
    await broker.stop();
    try {
      expect((await isolated.client.submit(order)).status).toBe(202);
      // The order runs to its end while its first announcement is retried; the run stays
      // open until every status is published.
      expect((await isolated.client.waitForOrder(order.orderId, undefined, 45_000)).status).toBe('COMPLETED');
      expect(statusesAnnounced(order.orderId)).toEqual([]);
    } finally {
      await broker.start();
    }
    await expect.poll(() => statusesAnnounced(order.orderId), { timeout: 60_000 }).toEqual(completedEvents);
    const { charges, shipments } = await isolated.client.ledger(order.orderId);
    expect([charges.length, shipments.length]).toEqual([1, 1]);
  }, 150_000);
});
