// Starts the sandbox payment and shipping providers, each on its own port with its own
// SQLite file. Stands for the outside world: imports nothing from the service.
import { join } from 'node:path';
import { faultsFromEnv } from './faults';
import { paymentsApp } from './payments';
import { shippingApp } from './shipping';

async function main() {
  const env = process.env;
  const host = env.SANDBOX_HOST || '127.0.0.1';
  const dataDir = env.SANDBOX_DATA_DIR || join(process.cwd(), '.data');
  const shared = env.SANDBOX_FAULTS;
  // Unset: keys never expire. Set (seconds): a repeated key after that is a new request, as
  // with Stripe after 24 hours.
  const keyTtlS = env.IDEMPOTENCY_KEY_TTL_S ? Number(env.IDEMPOTENCY_KEY_TTL_S) : undefined;
  const options = (faults: string | undefined, name: string) => ({ faults: faultsFromEnv(faults, name), keyTtlS });
  const apps = [
    {
      name: 'payments',
      port: Number(env.PAYMENTS_PORT || 4001),
      app: paymentsApp(join(dataDir, 'payments.db'), options(env.PAYMENTS_FAULTS || shared, 'PAYMENTS_FAULTS')),
    },
    {
      name: 'shipping',
      port: Number(env.SHIPPING_PORT || 4002),
      app: shippingApp(join(dataDir, 'shipping.db'), options(env.SHIPPING_FAULTS || shared, 'SHIPPING_FAULTS')),
    },
  ];
  for (const { name, port, app } of apps) {
    await app.listen({ host, port });
    console.log(JSON.stringify({ level: 'info', msg: `sandbox ${name} listening`, url: `http://${host}:${port}` }));
  }
  const stop = async () => {
    await Promise.all(apps.map(({ app }) => app.close()));
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
