// The exactly-once audit: reconciles every order's final state in Temporal with the
// sandbox ledgers. `npm run audit` runs it against a running stack; the chaos run calls
// `audit()` with the orders it submitted.
import { Client, Connection } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { providerConfig, temporalConfig } from '../src/config/service';
import { byOrder, isStandingCharge, isStandingShipment, readLedgers } from '../src/reconcile/ledgers';
import { type KnownOrder, ordersInTemporal } from '../src/reconcile/orders';
import { findImbalances } from '../src/reconcile/reconcile';
import { isTerminal, type OrderStatus } from '../src/shared/order-state';
import { localEncryptionKeys } from '../src/stack/dev-secrets';
import type { Stack } from '../src/stack/stack';
import { decodingDataConverter } from '../src/temporal/codec/data-converter';
import { parseEncryptionKeys } from '../src/temporal/codec/encryption-keys';

export interface AuditTargets {
  temporalAddress: string;
  namespace: string;
  paymentsUrl: string;
  shippingUrl: string;
  /** ENCRYPTION_KEYS of the stack: runs' memos are encrypted. */
  encryptionKeys: string;
}

/** The targets of a scratch stack the chaos runs start. */
export const stackAuditTargets = (stack: Stack): AuditTargets => ({
  temporalAddress: stack.urls.temporal,
  namespace: 'default',
  paymentsUrl: stack.urls.payments,
  shippingUrl: stack.urls.shipping,
  encryptionKeys: stack.env.ENCRYPTION_KEYS!,
});

export interface AuditReport {
  ordersSubmitted: number | null;
  ordersInTemporal: number;
  ordersTerminal: number;
  ordersLost: number;
  doubleCharges: number;
  doubleShipments: number;
  chargesWithoutPaidOrder: number;
  missingEffects: number;
  wrongAmounts: number;
  refundsNotMatchingCompensations: number;
  shipmentsForUnshippedOrders: number;
  shipmentsOfRefundedOrders: number;
  refundsOfShippedOrders: number;
  statuses: Partial<Record<OrderStatus, number>>;
}

/** The invariants whose breach fails the audit. */
export const VIOLATIONS = [
  'ordersLost',
  'doubleCharges',
  'doubleShipments',
  'chargesWithoutPaidOrder',
  'missingEffects',
  'wrongAmounts',
  'refundsNotMatchingCompensations',
  'shipmentsForUnshippedOrders',
  'shipmentsOfRefundedOrders',
  'refundsOfShippedOrders',
] as const;

// Where money was taken and must stay taken, and where it must have been given back.
const KEEPS_CHARGE: ReadonlySet<OrderStatus> = new Set(['PAID', 'SHIPPED', 'COMPLETED']);
const REFUNDS_CHARGE: ReadonlySet<OrderStatus> = new Set(['CANCELLED', 'FAILED']);
const SHIPS: ReadonlySet<OrderStatus> = new Set(['SHIPPED', 'COMPLETED']);

/**
 * @param submitted orders a client was told were accepted (202/200); those Temporal does
 *   not know, or that never reached a terminal status, count as lost. Without it, every
 *   order Temporal knows must be terminal.
 */
export async function audit(targets: AuditTargets, submitted?: string[]): Promise<AuditReport> {
  const connection = await Connection.connect({ address: targets.temporalAddress });
  let orders: Map<string, KnownOrder>;
  try {
    orders = await ordersInTemporal(
      new Client({
        connection,
        namespace: targets.namespace,
        dataConverter: decodingDataConverter(parseEncryptionKeys(targets.encryptionKeys)),
      }),
    );
  } finally {
    await connection.close();
  }
  const ledgers = await readLedgers(targets.paymentsUrl, targets.shippingUrl);
  const chargesBy = byOrder(ledgers.charges);
  const refundsBy = byOrder(ledgers.refunds);
  const shipmentsBy = byOrder(ledgers.shipments);
  const imbalances = findImbalances(orders, ledgers);
  const imbalanced = (kind: string) => imbalances.filter((f) => f.kind === kind).length;

  const report: AuditReport = {
    ordersSubmitted: submitted?.length ?? null,
    ordersInTemporal: orders.size,
    ordersTerminal: 0,
    ordersLost: 0,
    doubleCharges: 0,
    doubleShipments: 0,
    chargesWithoutPaidOrder: 0,
    missingEffects: 0,
    wrongAmounts: 0,
    refundsNotMatchingCompensations: 0,
    shipmentsForUnshippedOrders: 0,
    shipmentsOfRefundedOrders: imbalanced('shipmentOfRefundedOrder'),
    refundsOfShippedOrders: imbalanced('refundOfShippedOrder'),
    statuses: {},
  };
  for (const [orderId, order] of orders) {
    report.statuses[order.status] = (report.statuses[order.status] ?? 0) + 1;
    const terminal = order.closed && isTerminal(order.status);
    if (terminal) report.ordersTerminal++;
    const orderCharges = chargesBy.get(orderId) ?? [];
    const orderRefunds = refundsBy.get(orderId) ?? [];
    if (orderCharges.length > 1) report.doubleCharges++;
    if ((shipmentsBy.get(orderId) ?? []).length > 1) report.doubleShipments++;
    if (order.status === 'NEEDS_REVIEW' || order.endedOutsideLifecycle) {
      // Stopped because the ledger contradicted the order (another amount, another address),
      // or by an operator: whatever stands stays, but money taken goes with goods shipped
      // (reconcile --fix refunds a charge left alone).
      const chargeStands = orderCharges.some(isStandingCharge);
      const shipmentStands = (shipmentsBy.get(orderId) ?? []).some(isStandingShipment);
      if (chargeStands && !shipmentStands) report.chargesWithoutPaidOrder++;
      if (shipmentStands && !chargeStands) report.shipmentsForUnshippedOrders++;
      continue;
    }
    if (orderCharges.some((c) => c.amountCents !== order.totalCents)) report.wrongAmounts++;
    if (!terminal) continue; // in flight: its effects are not final yet
    if (orderCharges.length > 0 && !KEEPS_CHARGE.has(order.status) && !REFUNDS_CHARGE.has(order.status))
      report.chargesWithoutPaidOrder++;
    const expectedRefunds = REFUNDS_CHARGE.has(order.status) ? orderCharges.length : 0;
    const refundedInFull = orderRefunds.every((r) => orderCharges.some((c) => c.amountCents === r.amountCents));
    if (orderRefunds.length !== expectedRefunds || !refundedInFull) report.refundsNotMatchingCompensations++;
    if ((shipmentsBy.get(orderId) ?? []).length > 0 && !SHIPS.has(order.status)) report.shipmentsForUnshippedOrders++;
    // A completed order must have been charged and shipped.
    if (order.status === 'COMPLETED' && (orderCharges.length === 0 || (shipmentsBy.get(orderId) ?? []).length === 0))
      report.missingEffects++;
  }
  // Effects for orders Temporal does not know at all.
  for (const orderId of new Set([...chargesBy.keys(), ...shipmentsBy.keys()])) {
    if (orders.has(orderId)) continue;
    if (chargesBy.has(orderId)) report.chargesWithoutPaidOrder++;
    if (shipmentsBy.has(orderId)) report.shipmentsForUnshippedOrders++;
  }
  const lost = submitted
    ? submitted.filter((id) => !orders.get(id)?.closed || !isTerminal(orders.get(id)!.status))
    : [...orders].filter(([, o]) => !o.closed).map(([id]) => id);
  report.ordersLost = lost.length;
  return report;
}

/**
 * Prints the report, its last line one JSON object with `ok`; true if no invariant is broken.
 * `more`: further invariants (counts that must be 0), printed and judged like the ledgers'.
 */
export function printReport(report: AuditReport, extra: object = {}, more: Record<string, number> = {}): boolean {
  const counts: Record<string, number> = {
    ...Object.fromEntries(VIOLATIONS.map((key) => [key, report[key]])),
    ...more,
  };
  const broken = Object.keys(counts).filter((key) => counts[key] > 0);
  const line = (label: string, value: unknown, ok = true) =>
    console.log(`${ok ? '  ok ' : 'FAIL '} ${label.padEnd(36)} ${value}`);
  console.log('exactly-once audit');
  line('orders submitted', report.ordersSubmitted ?? 'n/a (all known to Temporal)');
  line('orders in Temporal', report.ordersInTemporal);
  line('orders terminal', `${report.ordersTerminal} ${JSON.stringify(report.statuses)}`);
  for (const [key, value] of Object.entries(counts))
    line(key.replace(/([A-Z])/g, ' $1').toLowerCase(), value, value === 0);
  console.log(broken.length === 0 ? 'all invariants hold' : `BROKEN: ${broken.join(', ')}`);
  console.log(JSON.stringify({ ...report, ...extra, ok: broken.length === 0 }));
  return broken.length === 0;
}

async function main() {
  const temporal = temporalConfig();
  const providers = providerConfig();
  const { values } = parseArgs({
    options: {
      temporal: { type: 'string', default: temporal.address },
      namespace: { type: 'string', default: temporal.namespace },
      payments: { type: 'string', default: providers.paymentsUrl },
      shipping: { type: 'string', default: providers.shippingUrl },
    },
  });
  // `npm start` keeps its development key in .data/.
  const encryptionKeys = localEncryptionKeys();
  const report = await audit({
    temporalAddress: values.temporal,
    namespace: values.namespace,
    paymentsUrl: values.payments,
    shippingUrl: values.shipping,
    encryptionKeys,
  });
  process.exit(printReport(report) ? 0 : 1);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(2);
  });
}
