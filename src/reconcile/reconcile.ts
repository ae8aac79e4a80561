// Reconciliation: where the providers' books and the orders disagree, and how to settle it.
// The ledgers are the truth about money and goods; Temporal says what each order became.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PaymentProvider } from '../providers/payments';
import { ProviderError } from '../providers/provider-error';
import { idempotencyKey } from '../shared/idempotency-keys';
import { byOrder, isStandingCharge, isStandingShipment, type Ledgers, type LedgerRow } from './ledgers';
import type { KnownOrder } from './orders';

export const IMBALANCES = [
  'chargeWithoutPaidOrder',
  'unwoundWithoutRefund',
  'shipmentOfRefundedOrder',
  'refundOfShippedOrder',
] as const;
export type Imbalance = (typeof IMBALANCES)[number];

export interface Finding {
  orderId: string;
  kind: Imbalance;
  detail: string;
  /** The refund that settles it, if the books can be settled without a person. */
  refund?: { chargeId: string; amountCents: number };
}

/**
 * Every imbalance between the ledgers and the orders. Orders still running are skipped:
 * their effects are not final. An order Temporal no longer knows (past retention) is judged
 * by the ledgers alone: a charge that stands needs a shipment that stands.
 */
export function findImbalances(orders: Map<string, KnownOrder>, ledgers: Ledgers): Finding[] {
  const charges = byOrder(ledgers.charges);
  const refunds = byOrder(ledgers.refunds);
  const shipments = byOrder(ledgers.shipments);
  const findings: Finding[] = [];
  for (const orderId of new Set([...charges.keys(), ...refunds.keys(), ...shipments.keys()])) {
    const order = orders.get(orderId);
    if (order && !order.closed) continue;
    const standingCharges = (charges.get(orderId) ?? []).filter(isStandingCharge);
    const standingShipments = (shipments.get(orderId) ?? []).filter(isStandingShipment);
    const orderRefunds = refunds.get(orderId) ?? [];

    if (standingCharges.length > 0 && standingShipments.length === 0) {
      const unwound = order && !order.endedOutsideLifecycle && ['CANCELLED', 'FAILED'].includes(order.status);
      for (const charge of standingCharges) {
        findings.push({
          orderId,
          kind: unwound ? 'unwoundWithoutRefund' : 'chargeWithoutPaidOrder',
          detail: `charge ${charge.id} stands, nothing shipped, order ${order ? `${order.status}${order.endedOutsideLifecycle ? ' (ended by an operator)' : ''}` : 'unknown to Temporal'}`,
          refund: { chargeId: charge.id, amountCents: charge.amountCents - (charge.amountRefundedCents ?? 0) },
        });
      }
    }
    if (standingShipments.length > 0 && orderRefunds.length > 0) {
      const firstShipped = earliest(standingShipments);
      const firstRefunded = earliest(orderRefunds);
      const kind = firstRefunded < firstShipped ? 'shipmentOfRefundedOrder' : 'refundOfShippedOrder';
      findings.push({
        orderId,
        kind,
        detail: `shipment ${standingShipments[0].id} stands beside refund ${orderRefunds[0].id}: a person must settle it`,
      });
    }
  }
  return findings;
}

const earliest = (rows: LedgerRow[]) => rows.map((r) => r.createdAt).sort()[0];

/**
 * Refunds what can be refunded, with the order's derived refund key: a refund the workflow
 * already made under that key is answered from the provider's store, not made again. A
 * transient failure (the key still in flight on a worker presumed dead, a provider hiccup) is
 * retried a few times; what still fails stays open for the next scan to report.
 * Returns the findings it settled.
 */
export async function settle(findings: Finding[], payments: PaymentProvider, attempts = 5): Promise<Finding[]> {
  const settled: Finding[] = [];
  for (const finding of findings) {
    if (!finding.refund) continue;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await payments.refund(idempotencyKey(finding.orderId, 'refund'), finding.refund);
        settled.push(finding);
        break;
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        // Reused for another request: the refund it made (if any) is in the ledger, and the
        // next scan says whether the books balance now. Final refusals: a person decides.
        if (err.kind !== 'transient' || attempt === attempts) break;
        await sleep(1_000 * attempt);
      }
    }
  }
  return settled;
}
