// Create the shipment: never for a refunded charge, never twice (lookup before write, and
// again when the key is refused as reused or the answer is replayed).
import { ApplicationFailure } from '@temporalio/activity';
import type { PaymentProvider } from '../src/providers/payments';
import type { ShipmentRequest, ShippingProvider } from '../src/providers/shipping';
import { FAILURE_TYPES } from '../src/shared/order-contract';
import { adoptOrWrite, adoptShipment, checkAnswer, isStanding, needsReview, providerCall } from './ledger-checks';

export interface ShipmentInput extends ShipmentRequest {
  idempotencyKey: string;
  /** The order's charge (absent in shipments scheduled before 'ledger-is-truth'). */
  chargeId?: string;
}

export function shippingActivities(payments: PaymentProvider, shipping: ShippingProvider) {
  const call = <T>(fn: () => Promise<T>) => providerCall('shipping', fn);

  /** A refunded charge means the order was unwound (by a cancel, an operator, a reconcile): never ship it. */
  async function assertChargeStands(orderId: string, chargeId: string | undefined): Promise<void> {
    const charges = chargeId
      ? [await providerCall('payments', () => payments.getCharge(chargeId))]
      : await providerCall('payments', () => payments.chargesForOrder(orderId));
    const found = charges.filter((c) => c !== null);
    if (found.length === 0) throw needsReview(`no charge for this order in the provider's ledger; not shipped`);
    const refunded = found.find((c) => c.amountRefundedCents > 0);
    if (refunded) {
      throw ApplicationFailure.nonRetryable(
        `charge ${refunded.id} of this order is refunded; not shipped`,
        FAILURE_TYPES.chargeRefunded,
      );
    }
  }

  return {
    async createShipment({
      idempotencyKey,
      chargeId,
      ...request
    }: ShipmentInput): Promise<{ shipmentId: string; trackingNumber: string }> {
      await assertChargeStands(request.orderId, chargeId);
      const standing = async () => (await call(() => shipping.shipmentsForOrder(request.orderId))).filter(isStanding);
      return adoptOrWrite({
        standing,
        adopt: (shipments) => adoptShipment(shipments, request),
        write: () => call(() => shipping.createShipment(idempotencyKey, request)),
        reusedKeyWithout: `the shipping key was used before for another request and no shipment stands for this order; not shipped`,
        answered: async ({ value, replayed }) => {
          checkAnswer('a shipment', value, { orderId: request.orderId });
          if (replayed && !(await standing()).some((s) => s.id === value.id)) {
            throw needsReview(`the carrier replayed shipment ${value.id}, which no longer stands`);
          }
          return { shipmentId: value.id, trackingNumber: value.trackingNumber };
        },
      });
    },
  };
}
