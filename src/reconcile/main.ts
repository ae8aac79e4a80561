// `npm run reconcile [-- --fix]`: lists every imbalance between the providers' ledgers and
// the orders in Temporal; with --fix, settles what can be settled through the providers with
// the derived keys, then scans again. The last line is one JSON object; the exit code is
// non-zero while anything is open.
import { Client, Connection } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { paymentProviderFromConfig } from '../providers/payment-provider';
import { providerConfig, temporalConfig } from '../config/service';
import { decodingDataConverter } from '../temporal/codec/data-converter';
import { encryptionKeysFromEnv } from '../temporal/codec/encryption-keys';
import { connectionOptions } from '../temporal/connection-options';
import { localEncryptionKeys } from '../stack/dev-secrets';
import { readLedgers } from './ledgers';
import { ordersInTemporal } from './orders';
import { type Finding, IMBALANCES, findImbalances, settle } from './reconcile';

export interface ReconcileReport {
  open: number;
  fixed: number;
  /** The orders that were out of balance when the run began (before any fix). */
  orderIds: string[];
  findings: Record<(typeof IMBALANCES)[number], number>;
}

export async function reconcile(options: {
  fix: boolean;
  env?: NodeJS.ProcessEnv;
  print?: (line: string) => void;
}): Promise<ReconcileReport> {
  const { env } = options;
  const print = options.print ?? console.log;
  const temporal = temporalConfig(env);
  const providers = providerConfig(env);
  const connection = await Connection.connect(connectionOptions(temporal));
  try {
    // Descriptions carry the encrypted memo: the codec's keys are needed to read them (it only reads).
    const client = new Client({
      connection,
      namespace: temporal.namespace,
      dataConverter: decodingDataConverter(encryptionKeysFromEnv(env)),
    });
    const scan = async () =>
      findImbalances(await ordersInTemporal(client), await readLedgers(providers.paymentsUrl, providers.shippingUrl));
    let findings = await scan();
    const orderIds = [...new Set(findings.map((f) => f.orderId))];
    for (const f of findings) print(`open  ${f.kind.padEnd(24)} ${f.orderId}  ${f.detail}`);
    let fixed: Finding[] = [];
    if (options.fix && findings.some((f) => f.refund)) {
      fixed = await settle(findings, paymentProviderFromConfig(providers));
      for (const f of fixed)
        print(`fixed ${f.kind.padEnd(24)} ${f.orderId}  refunded ${f.refund!.amountCents} of ${f.refund!.chargeId}`);
      findings = await scan();
    }
    const counts = Object.fromEntries(
      IMBALANCES.map((kind) => [kind, findings.filter((f) => f.kind === kind).length]),
    ) as ReconcileReport['findings'];
    return { open: findings.length, fixed: fixed.length, orderIds, findings: counts };
  } finally {
    await connection.close();
  }
}

async function main() {
  const { values } = parseArgs({ options: { fix: { type: 'boolean', default: false } } });
  const report = await reconcile({ fix: values.fix, env: { ...process.env, ENCRYPTION_KEYS: localEncryptionKeys() } });
  console.log(
    report.open === 0
      ? 'the books balance'
      : `${report.open} imbalance(s) open${values.fix ? ' after --fix: a person must settle them' : '; --fix settles refunds'}`,
  );
  console.log(JSON.stringify(report));
  process.exit(report.open === 0 ? 0 : 1);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(2);
  });
}
