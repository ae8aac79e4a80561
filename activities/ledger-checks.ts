// What the activities conclude from a provider's ledger. The ledger is the truth about
// money and goods: an answer (fresh, replayed or refused) is checked against it and against
// the request before the workflow is told anything.
import { ApplicationFailure, Context } from '@temporalio/activity';
import stableStringify from 'safe-stable-stringify';
import type { Charge, Refund } from '../src/providers/payments';
import type { ProviderAnswer } from '../src/providers/provider-answer';
import { ProviderError } from '../src/providers/provider-error';
import type { ShipmentRecord, ShipmentRequest } from '../src/providers/shipping';
import { FAILURE_TYPES } from '../src/shared/order-contract';

/** Ends the order in NEEDS_REVIEW: no further effect, a person settles the books. */
export function needsReview(reason: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(reason, FAILURE_TYPES.needsReview);
}

/** The provider refused the idempotency key as used before with another body (422). */
export const isKeyReused = (err: unknown) => err instanceof ProviderError && err.kind === 'key-reused';

/**
 * An effect made at most once, with the ledger on both sides of the write: what already
 * stands for the order is adopted instead of writing (the provider may have forgotten the
 * key); so it is when the provider refuses the key as reused, and if nothing stands then,
 * the order needs review. A fresh or replayed answer goes to `answered`, which checks it.
 */
export async function adoptOrWrite<Row, Value, Outcome>(effect: {
  standing: () => Promise<Row[]>;
  adopt: (standing: Row[]) => Outcome;
  write: () => Promise<ProviderAnswer<Value>>;
  answered: (answer: ProviderAnswer<Value>) => Outcome | Promise<Outcome>;
  /** Why the order needs review when the key was refused as reused and nothing stands. */
  reusedKeyWithout: string;
}): Promise<Outcome> {
  const existing = await effect.standing();
  if (existing.length > 0) return effect.adopt(existing);
  let answer: ProviderAnswer<Value>;
  try {
    answer = await effect.write();
  } catch (err) {
    if (!isKeyReused(err)) throw err;
    const now = await effect.standing();
    if (now.length > 0) return effect.adopt(now);
    throw needsReview(effect.reusedKeyWithout);
  }
  return effect.answered(answer);
}

export interface ChargeOutcome {
  chargeId: string;
  /** The ledger shows the charge refunded in full: the order was unwound before. */
  refunded?: boolean;
}

/**
 * The order's charge as the ledger holds it, adopted instead of charging again (after the
 * provider forgot the key, or when an answer was replayed): only if it is the one charge for
 * this order and its amount and currency are the order's.
 */
export function adoptCharge(charges: Charge[], expected: { amountCents: number; currency: string }): ChargeOutcome {
  if (charges.length > 1)
    throw needsReview(
      `the provider holds ${charges.length} charges for this order (${charges.map((c) => c.id).join(', ')})`,
    );
  const [charge] = charges;
  if (charge.amountCents !== expected.amountCents || charge.currency !== expected.currency) {
    throw needsReview(
      `a charge ${charge.id} of ${charge.amountCents} ${charge.currency} already exists for this order; the order is ${expected.amountCents} ${expected.currency}`,
    );
  }
  if (charge.amountRefundedCents > 0 && charge.status !== 'refunded') {
    throw needsReview(
      `charge ${charge.id} is partly refunded (${charge.amountRefundedCents} of ${charge.amountCents})`,
    );
  }
  return charge.status === 'refunded' ? { chargeId: charge.id, refunded: true } : { chargeId: charge.id };
}

/** A provider's answer must be about this order and this amount; anything else is not success. */
export function checkAnswer(what: string, got: Record<string, unknown>, expected: Record<string, unknown>): void {
  const wrong = Object.keys(expected).filter((field) => got[field] !== expected[field]);
  if (wrong.length > 0) {
    const detail = wrong.map((f) => `${f} ${String(got[f])} instead of ${String(expected[f])}`).join(', ');
    throw needsReview(`the provider answered with ${what} that does not match the request: ${detail}`);
  }
}

/** The refund already made for this charge, adopted instead of refunding again. */
export function adoptRefund(refunds: Refund[], chargeId: string): { refundId: string } {
  const refund = refunds.find((r) => r.chargeId === chargeId);
  if (!refund) throw needsReview(`charge ${chargeId} shows refunded, but no refund of it is listed for this order`);
  return { refundId: refund.id };
}

export const isStanding = (shipment: ShipmentRecord) => shipment.status !== 'cancelled';

/** The order's standing shipment, adopted if it was made for this address and these items. */
export function adoptShipment(
  shipments: ShipmentRecord[],
  request: ShipmentRequest,
): { shipmentId: string; trackingNumber: string } {
  if (shipments.length > 1) throw needsReview(`the carrier holds ${shipments.length} shipments for this order`);
  const [shipment] = shipments;
  const same = (a: unknown, b: unknown) => stableStringify(a) === stableStringify(b);
  if (!same(shipment.address, request.address) || !same(shipment.items, request.items)) {
    throw needsReview(
      `shipment ${shipment.id} already exists for this order, to another address or with other items; not shipped again`,
    );
  }
  return { shipmentId: shipment.id, trackingNumber: shipment.trackingNumber };
}

const FINAL: Record<'declined' | 'rejected', string> = {
  declined: FAILURE_TYPES.paymentDeclined,
  rejected: FAILURE_TYPES.rejected,
};

/**
 * Runs a provider call. A named business refusal becomes a non-retryable failure; anything
 * else is retried by Temporal, and counted and logged so that a misconfigured provider
 * (rotated key, wrong URL) shows up as an alert and a pending activity, not as failed orders.
 */
export async function providerCall<T>(provider: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ProviderError && (err.kind === 'declined' || err.kind === 'rejected')) {
      // The provider's own words (the business reason), not our request's internals.
      throw ApplicationFailure.nonRetryable(err.detail.reason ?? err.message, FINAL[err.kind]);
    }
    if (err instanceof ProviderError && err.kind === 'transient') {
      const ctx = Context.current();
      ctx.log.warn('Provider call failed; will retry', {
        provider,
        error: err.message,
        status: err.detail.status,
        type: err.detail.type,
      });
      ctx.metricMeter
        .createCounter('order_provider_errors', 'errors', 'Provider calls that failed and will be retried')
        .add(1, { provider, status: String(err.detail.status ?? 'none') });
    }
    throw err;
  }
}
