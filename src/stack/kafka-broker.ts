import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { exitWithParent } from './child-process';
import type { EnginePart } from './postgres-engine';

// Apache Kafka (KRaft, one node acting as broker and controller) from the jars that
// `node scripts/setup.mjs --kafka` copies into .tools/kafka/lib. Data in <dataDir>/kafka,
// formatted once and kept across restarts, like the other parts' data.

export const KAFKA_TOPICS = { orders: 'orders', dlq: 'orders.dlq', events: 'order-events' } as const;

export interface KafkaBrokerOptions {
  root: string;
  dataDir: string;
  port: number;
  controllerPort: number;
}

export function kafkaLib(root: string): string {
  const lib = join(root, '.tools', 'kafka', 'lib');
  if (!existsSync(lib))
    throw new Error(`no Kafka jars in ${lib}: run \`node scripts/setup.mjs --kafka\` (needs Java 17 and Maven)`);
  return lib;
}

function serverProperties(dir: string, port: number, controllerPort: number): string {
  const host = '127.0.0.1';
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=${host}:${controllerPort}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${join(dir, 'logs')}`,
    // One node: every internal topic has a single replica.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    // The ingest consumer joins at once instead of waiting 3 s for others.
    'group.initial.rebalance.delay.ms=0',
    // Topics are created by the readiness probe, with the names the ingest expects; a typo
    // in a client must not create a new one.
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

/**
 * Ready when a client can create (or find) the topics: the port opens seconds before the
 * controller answers, and the first createTopics can fail with UNKNOWN_TOPIC_OR_PARTITION.
 */
export async function kafkaTopicsReady(brokers: string[]): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'kafka-ready',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.values(KAFKA_TOPICS).map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
    });
    const { topics } = await admin.fetchTopicMetadata({ topics: Object.values(KAFKA_TOPICS) });
    return topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
  } finally {
    await admin.disconnect();
  }
}

export function kafkaBroker({ root, dataDir, port, controllerPort }: KafkaBrokerOptions): EnginePart {
  const lib = kafkaLib(root);
  const dir = join(dataDir, 'kafka');
  const config = join(dir, 'server.properties');
  const classpath = `${lib}/*`;
  // Its log lines go to stderr: kept out of our output, yet in the error should it fail.
  const java = (args: string[]) =>
    execFileSync('java', ['-cp', classpath, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  return {
    // The ports may differ from the last start (tests take free ones): the config is
    // rewritten each time, the storage formatted only once.
    beforeStart: async () => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(config, serverProperties(dir, port, controllerPort));
      if (existsSync(join(dir, 'logs', 'meta.properties'))) return;
      const clusterId = java(['kafka.tools.StorageTool', 'random-uuid']);
      java(['kafka.tools.StorageTool', 'format', '--standalone', '-t', clusterId, '-c', config]);
    },
    spec: {
      name: 'kafka',
      ...exitWithParent('java', ['-Xmx384m', '-cp', classpath, 'kafka.Kafka', config]),
      ready: () => kafkaTopicsReady([`127.0.0.1:${port}`]),
    },
  };
}
