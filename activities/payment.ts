// Charge and refund. Each looks the order up in the provider's ledger before it writes, and
// again whenever the answer is replayed or the key is refused as reused: the key protects
// against retries while the provider remembers it, the lookup after it has forgotten.
import type { PaymentProvider } from '../src/providers/payments';
import type { ShippingProvider } from '../src/providers/shipping';
import {
  type ChargeOutcome,
  adoptCharge,
  adoptOrWrite,
  adoptRefund,
  checkAnswer,
  isKeyReused,
  isStanding,
  needsReview,
  providerCall,
} from './ledger-checks';

export interface ChargeInput {
  idempotencyKey: string;
  orderId: string;
  amountCents: number;
  currency: string;
  paymentToken: string;
}

export interface RefundInput {
  idempotencyKey: string;
  /** Absent in refunds scheduled before 'ledger-is-truth'; then read from the charge. */
  orderId?: string;
  chargeId: string;
  amountCents: number;
}

export function paymentActivities(payments: PaymentProvider, shipping: ShippingProvider) {
  const call = <T>(fn: () => Promise<T>) => providerCall('payments', fn);

  return {
    async chargePayment({ idempotencyKey, ...request }: ChargeInput): Promise<ChargeOutcome> {
      const expected = { amountCents: request.amountCents, currency: request.currency };
      return adoptOrWrite({
        standing: () => call(() => payments.chargesForOrder(request.orderId)),
        adopt: (charges) => adoptCharge(charges, expected),
        write: () => call(() => payments.charge(idempotencyKey, request)),
        reusedKeyWithout: `the payment key was used before for another request and no charge exists for this order; not charged`,
        answered: async ({ value, replayed }) => {
          checkAnswer('a charge', value, { orderId: request.orderId, ...expected });
          if (!replayed) return { chargeId: value.id };
          // A stored answer tells what happened then; the ledger tells what stands now.
          const live = await call(() => payments.getCharge(value.id));
          if (!live) throw needsReview(`the provider replayed charge ${value.id}, which its ledger does not hold`);
          return adoptCharge([live], expected);
        },
      });
    },

    async refundPayment({
      idempotencyKey,
      chargeId,
      amountCents,
      ...input
    }: RefundInput): Promise<{ refundId: string }> {
      const charge = await call(() => payments.getCharge(chargeId));
      if (!charge) throw needsReview(`charge ${chargeId} is not in the provider's ledger; nothing refunded`);
      const orderId = input.orderId ?? charge.orderId;
      // Never refund what shipped.
      const shipped = (await providerCall('shipping', () => shipping.shipmentsForOrder(orderId))).filter(isStanding);
      if (shipped.length > 0)
        throw needsReview(`shipment ${shipped[0].id} exists for this order; the charge is not refunded`);
      const refunds = () => call(() => payments.refundsForOrder(orderId));
      if (charge.status === 'refunded') return adoptRefund(await refunds(), chargeId);

      try {
        const { value } = await call(() => payments.refund(idempotencyKey, { chargeId, amountCents }));
        checkAnswer('a refund', value, { chargeId, orderId, amountCents });
        return { refundId: value.id };
      } catch (err) {
        if (!isKeyReused(err)) throw err;
        return adoptRefund(await refunds(), chargeId);
      }
    },
  };
}
