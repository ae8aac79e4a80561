// `npm run bench:kafka -- --orders 500 --concurrency 50`: orders per second through Kafka
// against through HTTP, in one run on one stack of its own (broker, ingest, worker, API,
// 127.0.0.1 only). The same number of new orders each way, each timed from the first
// submission until the last run has closed (its events published); the HTTP orders come
// from `concurrency` clients, the Kafka orders are all produced at once and consumed by the
// ingest (one message at a time per partition, 3 partitions). Prints a table, then one JSON
// line.
import type { Client } from '@temporalio/client';
import { Kafka, logLevel } from 'kafkajs';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { sampleOrder } from '../src/fixtures/sample-order';
import { apiFetch, stackApi } from '../src/stack/api-client';
import { KAFKA_TOPICS } from '../src/stack/kafka-broker';
import { Progress } from '../src/stack/progress';
import { projectRoot, startScratchStack } from '../src/stack/stack';
import { stackClient } from '../src/stack/stack-client';
import { mapLimit } from './map-limit';

const { values: opts } = parseArgs({
  options: {
    orders: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '50' },
    'deadline-s': { type: 'string', default: '900' },
  },
});
const N = Number(opts.orders);
const C = Number(opts.concurrency);
const DEADLINE = Date.now() + Number(opts['deadline-s']) * 1000;
const progress = new Progress('bench:kafka');

/** N new orders of one customer, so that visibility can count them apart from the other way's. */
const ordersOf = (customerId: string, n: number) =>
  Array.from({ length: n }, (_, i) => sampleOrder({ orderId: `${customerId}-${i}`, customerId }));

/** Waits until `n` runs of the customer have closed; returns when. */
async function allClosed(client: Client, customerId: string, n: number): Promise<number> {
  while (Date.now() < DEADLINE) {
    const { count } = await client.workflow.count(`CustomerId = '${customerId}' AND ExecutionStatus = 'Completed'`);
    progress.update(count);
    if (count >= n) return Date.now();
    await sleep(500);
  }
  throw new Error(`deadline passed before ${n} orders of ${customerId} closed`);
}

async function main() {
  execFileSync(process.execPath, [join(projectRoot(), 'scripts', 'setup-kafka.mjs')], { stdio: 'inherit' });
  progress.phase('starting a stack with Kafka');
  const { stack, dispose } = await startScratchStack('bench-kafka', {}, { kafka: true });
  const { client, close } = await stackClient(stack);
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: stack.env.KAFKA_BROKERS!.split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const run = randomUUID().slice(0, 8);
  const api = stackApi(stack);
  const post = async (body: unknown) => {
    const response = await apiFetch(api, '/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    if (response.status !== 202) throw new Error(`POST /orders answered ${response.status}`);
  };
  try {
    await producer.connect();
    // Warm-up both ways: JIT, connections, the ingest's group membership.
    progress.phase('warming up');
    await mapLimit(ordersOf(`warm-http-${run}`, 20), C, post);
    await producer.send({
      topic: KAFKA_TOPICS.orders,
      messages: ordersOf(`warm-kafka-${run}`, 20).map((o) => ({ key: o.orderId, value: JSON.stringify(o) })),
    });
    await allClosed(client, `warm-http-${run}`, 20);
    await allClosed(client, `warm-kafka-${run}`, 20);

    progress.phase('through HTTP', { total: N, unit: 'orders' });
    const httpCustomer = `http-${run}`;
    const httpStart = Date.now();
    await Promise.all([mapLimit(ordersOf(httpCustomer, N), C, post), allClosed(client, httpCustomer, N)]);
    const httpSeconds = (Date.now() - httpStart) / 1000;

    progress.phase('through Kafka', { total: N, unit: 'orders' });
    const kafkaCustomer = `kafka-${run}`;
    const kafkaStart = Date.now();
    const messages = ordersOf(kafkaCustomer, N).map((o) => ({ key: o.orderId, value: JSON.stringify(o) }));
    await producer.send({ topic: KAFKA_TOPICS.orders, messages });
    const producedSeconds = (Date.now() - kafkaStart) / 1000;
    const kafkaSeconds = ((await allClosed(client, kafkaCustomer, N)) - kafkaStart) / 1000;
    progress.end();

    const figures = {
      orders: N,
      concurrency: C,
      httpOrdersPerSecond: Number((N / httpSeconds).toFixed(1)),
      kafkaOrdersPerSecond: Number((N / kafkaSeconds).toFixed(1)),
      kafkaOverHttp: Number((httpSeconds / kafkaSeconds).toFixed(2)),
      httpSeconds: Number(httpSeconds.toFixed(1)),
      kafkaSeconds: Number(kafkaSeconds.toFixed(1)),
      kafkaProduceSeconds: Number(producedSeconds.toFixed(2)),
    };
    console.log(`orders/s through HTTP  ${figures.httpOrdersPerSecond} (${C} clients, ${figures.httpSeconds} s)`);
    console.log(`orders/s through Kafka ${figures.kafkaOrdersPerSecond} (ingest, ${figures.kafkaSeconds} s)`);
    console.log(`Kafka / HTTP           ${figures.kafkaOverHttp}`);
    console.log(JSON.stringify(figures));
  } finally {
    await producer.disconnect().catch(() => {});
    await close();
    await dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
