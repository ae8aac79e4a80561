// `npm start [-- --temporal dev|postgres] [--workers N] [--apis N] [--kafka]`: the whole stack in the
// foreground until Ctrl-C. `npm run start:temporal`: only Temporal and its UI's codec server,
// for running the other parts by hand.
import { kafkaConfig, workerConfig } from '../config/service';
import { stackArgs } from './stack-args';
import { defaultStackOptions, startStack } from './stack';

async function main() {
  const { positionals, engine, workers, apis, kafka } = stackArgs(process.argv.slice(2));
  const temporalOnly = positionals[0] === 'temporal';
  const { port: kafkaPort, controllerPort } = kafkaConfig();
  const kafkaPorts = kafka ? { port: kafkaPort, controllerPort } : undefined;
  const options = {
    ...defaultStackOptions(),
    engine,
    workers,
    apis,
    kafka: kafkaPorts,
    services: temporalOnly ? (['temporal', 'codec'] as const).slice() : undefined,
  };
  const stack = await startStack(options);
  const { urls } = stack;
  const engineLine =
    engine === 'postgres'
      ? `Temporal      ${urls.temporal} (Temporal server on PostgreSQL 127.0.0.1:${options.ports.postgres}, ${options.dataDir}/postgres; namespace ${options.namespace}, retention ${options.retention})`
      : `Temporal      ${urls.temporal} (dev server; namespace ${options.namespace}, retention ${options.retention})`;
  const lines = temporalOnly
    ? [engineLine, `Temporal UI   ${urls.temporalUi}`, `Codec server  ${urls.codec}`]
    : [
        `API           ${urls.apis.join(', ')}`,
        `OpenAPI docs  ${urls.docs}`,
        `Temporal UI   ${urls.temporalUi} (payloads decrypted through the codec server)`,
        `Codec server  ${urls.codec} (loopback only; for the CLI: --codec-endpoint ${urls.codec})`,
        engineLine,
        `Workers       ${workers}`,
        `Metrics       ${urls.api}/metrics (API), http://127.0.0.1:${workerConfig().metricsPort}/metrics (worker${workers > 1 ? 's: one port each from there' : ''})`,
        `Payments      ${urls.payments}`,
        `Shipping      ${urls.shipping}`,
        ...(kafkaPorts
          ? [
              `Kafka         127.0.0.1:${kafkaPorts.port} (topics orders, orders.dlq, order-events; ${options.dataDir}/kafka), ingest group order-ingest`,
            ]
          : []),
      ];
  const apiKey = stack.apiKey && [
    stack.apiKey.created
      ? `  API key       ${stack.apiKey.secret}  (new, every scope; printed this once, kept in ${stack.apiKey.secretFile})`
      : `  API key       in ${stack.apiKey.secretFile}: curl -H "Authorization: Bearer $(cat ${stack.apiKey.secretFile})" ...`,
  ];
  console.log(
    [
      '',
      'Stack is up:',
      ...lines.map((l) => `  ${l}`),
      ...(apiKey ?? []),
      `  Data          ${options.dataDir}`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the stack...`);
    await stack.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  // Our own errors say cause and fix in their message; the stack is already stopped.
  console.error(`\nnpm start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
