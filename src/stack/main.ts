// `npm start [-- --temporal dev|postgres] [--workers N] [--apis N] [--kafka]`: the whole stack in the
// foreground until Ctrl-C (a second Ctrl-C kills what is still running). `npm run start:temporal`:
// only Temporal and its UI's codec server, for running the other parts by hand. Every process's
// log lines are printed named after it (log-lines.ts); the summary comes once all are ready and
// quiet, and again on Enter.
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { levels } from 'pino';
import { logFormat } from '../config/launcher';
import { kafkaConfig, workerConfig } from '../config/service';
import { sampleOrder } from '../fixtures/sample-order';
import { metricsBindAddress } from '../telemetry/temporal-runtime';
import { logLineFormatter } from './log-lines';
import { stackArgs } from './stack-args';
import { defaultStackOptions, startStack } from './stack';

/** The first order the summary suggests: the sample order, with the README's IDs. */
const FIRST_ORDER = sampleOrder({ orderId: 'order-1001', customerId: 'cust-42' });

/** npm forwards the terminal's Ctrl-C to us as well: one keypress arrives twice within this time. */
const SAME_KEYPRESS_MS = 500;

async function main() {
  const format = logFormat();
  const formatLine = logLineFormatter(format, process.stdout.isTTY === true);
  let lastLineAt = Date.now();
  // The dev server's own system workers poll it while it shuts down and warn that it is
  // gone: on a clean stop, only its errors are shown.
  let temporalStopping = false;
  const print = (name: string, line: string) => {
    lastLineAt = Date.now();
    process.stdout.write(formatLine(name, line, name === 'temporal' && temporalStopping ? 'error' : undefined));
  };
  const say = (line: string) => print('stack', line);
  // A record of its own at error level (the formatter reads a JSON line's level).
  const sayError = (msg: string) => print('stack', JSON.stringify({ level: levels.values.error, msg }));
  const { positionals, engine, workers, apis, kafka } = stackArgs(process.argv.slice(2));
  const temporalOnly = positionals[0] === 'temporal';
  const { metricsHost, metricsPort } = workerConfig();
  const workerBind = metricsBindAddress(metricsHost, metricsPort);
  const workerMetrics = workerBind
    ? `http://${workerBind}/metrics (worker${workers > 1 ? 's: one port each from there' : ''})`
    : 'none from the workers (WORKER_METRICS_PORT is empty)';
  const { port: kafkaPort, controllerPort } = kafkaConfig();
  const kafkaPorts = kafka ? { port: kafkaPort, controllerPort } : undefined;
  const options = {
    ...defaultStackOptions(),
    engine,
    workers,
    apis,
    kafka: kafkaPorts,
    services: temporalOnly ? (['temporal', 'codec'] as const).slice() : undefined,
    logLine: print,
  };
  const stack = await startStack(options);

  let stoppingSince: number | undefined;
  const stopAndExit = async (code: number) => {
    stoppingSince = Date.now();
    await stack.stop((names) => {
      temporalStopping ||= names.includes('temporal');
      say(`stopping ${names.join(', ')}`);
    });
    say('stopped');
    process.exit(code);
  };
  const shutdown = async (signal: string) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < SAME_KEYPRESS_MS) return;
      say(`${signal} again: killing every part`);
      await stack.kill();
      process.exit(130);
    }
    say(`${signal}: stopping the stack in order (Ctrl-C again kills it at once)`);
    await stopAndExit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // A stack with a part gone (a crash, an outside kill) only seems to work: it stops, and says
  // which part and why. Its own lines are above; `npm start` starts it again.
  void stack.partExited.then(async (what) => {
    if (stoppingSince !== undefined) return;
    sayError(`${what}\nStopping the stack: a part is gone (its log is above); npm start starts it all again.`);
    await stopAndExit(1);
  });

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
        `Metrics       ${urls.api}/metrics (API), ${workerMetrics}`,
        `Payments      ${urls.payments}`,
        `Shipping      ${urls.shipping}`,
        ...(kafkaPorts
          ? [
              `Kafka         127.0.0.1:${kafkaPorts.port} (topics orders, orders.dlq, order-events; ${options.dataDir}/kafka), ingest group order-ingest`,
            ]
          : []),
      ];
  let keyShown = false;
  const apiKey = (key: NonNullable<typeof stack.apiKey>) => [
    key.created && !keyShown
      ? `API key       ${key.secret}  (new, every scope; printed this once, kept in ${key.secretFile})`
      : `API key       in ${key.secretFile}`,
    `First order   curl -i ${urls.api}/orders -H "Authorization: Bearer $(cat ${key.secretFile})" -H 'content-type: application/json' -d '${JSON.stringify(FIRST_ORDER)}'`,
  ];
  const printSummary = () => {
    if (stoppingSince !== undefined) return; // a part died, or Ctrl-C came, meanwhile
    const summary = [...lines, ...(stack.apiKey ? apiKey(stack.apiKey) : []), `Data          ${options.dataDir}`];
    keyShown = true;
    process.stdout.write(
      format === 'json'
        ? `${JSON.stringify({ level: 30, time: Date.now(), name: 'stack', msg: 'Stack is up', summary })}\n`
        : [
            '',
            'Stack is up:',
            ...summary.map((l) => `  ${l}`),
            'Enter shows this again; Ctrl-C stops everything.',
            '',
          ].join('\n') + '\n',
    );
  };
  // Last on the screen: after the parts' start-up lines, which trail their readiness a little.
  for (const deadline = Date.now() + 10_000; Date.now() - lastLineAt < 1_000 && Date.now() < deadline;)
    await sleep(200);
  printSummary();
  if (process.stdin.isTTY) createInterface({ input: process.stdin, terminal: false }).on('line', printSummary);
}

main().catch((err) => {
  // Our own errors say cause and fix in their message; the stack is already stopped.
  console.error(`\nnpm start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
