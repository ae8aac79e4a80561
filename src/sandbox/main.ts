// Starts the sandbox payment and shipping providers, each on its own port with its own
// SQLite file. Stands for the outside world: imports nothing from the service (its settings
// come from src/config/sandbox.ts, which imports nothing of it either).
import { join } from 'node:path';
import { sandboxConfig } from '../config/sandbox';
import { faultsFromEnv } from './faults';
import { paymentsApp } from './payments';
import { shippingApp } from './shipping';

async function main() {
  const { host, dataDir, keyTtlS, logLevel, payments, shipping } = sandboxConfig();
  const options = (faults: { name: string; json?: string }) => ({
    faults: faultsFromEnv(faults.json, faults.name),
    keyTtlS,
    logLevel,
  });
  const apps = [
    {
      name: 'payments',
      port: payments.port,
      app: paymentsApp(join(dataDir, 'payments.db'), options(payments.faults)),
    },
    {
      name: 'shipping',
      port: shipping.port,
      app: shippingApp(join(dataDir, 'shipping.db'), options(shipping.faults)),
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
