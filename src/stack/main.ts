// `npm start`: the whole stack in the foreground until Ctrl-C. `npm run start:temporal`:
// only the Temporal dev server and its UI's codec server, for running the other parts by hand.
import { defaultStackOptions, startStack } from './stack';

async function main() {
  const temporalOnly = process.argv[2] === 'temporal';
  const options = { ...defaultStackOptions(), services: temporalOnly ? (['temporal', 'codec'] as const).slice() : undefined };
  const stack = await startStack(options);
  const { urls } = stack;
  const lines = temporalOnly
    ? [`Temporal      ${urls.temporal}`, `Temporal UI   ${urls.temporalUi}`, `Codec server  ${urls.codec}`]
    : [
        `API           ${urls.api}`,
        `OpenAPI docs  ${urls.docs}`,
        `Temporal UI   ${urls.temporalUi} (payloads decrypted through the codec server)`,
        `Codec server  ${urls.codec} (loopback only; for the CLI: --codec-endpoint ${urls.codec})`,
        `Temporal      ${urls.temporal} (namespace ${options.namespace}, retention ${options.retention})`,
        `Metrics       ${urls.api}/metrics (API), http://127.0.0.1:${process.env.WORKER_METRICS_PORT || 9464}/metrics (worker)`,
        `Payments      ${urls.payments}`,
        `Shipping      ${urls.shipping}`,
      ];
  const apiKey = stack.apiKey && [
    stack.apiKey.created
      ? `  API key       ${stack.apiKey.secret}  (new, every scope; printed this once, kept in ${stack.apiKey.secretFile})`
      : `  API key       in ${stack.apiKey.secretFile}: curl -H "Authorization: Bearer $(cat ${stack.apiKey.secretFile})" ...`,
  ];
  console.log(['', 'Stack is up:', ...lines.map((l) => `  ${l}`), ...(apiKey ?? []), `  Data          ${options.dataDir}`, 'Ctrl-C stops everything.', ''].join('\n'));

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
  console.error(err);
  process.exit(1);
});
