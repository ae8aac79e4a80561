// Thin side-effect functions. Each takes its idempotency key as input (derived by the
// workflow from src/shared/idempotency-keys.ts) and passes it to the provider unchanged.
import { ApplicationFailure } from '@temporalio/activity';
import type { PaymentProvider } from '../src/providers/payments';
import type { RiskProvider, RiskVerdict } from '../src/providers/risk';
import type { ShippingProvider } from '../src/providers/shipping';
import { ProviderError } from '../src/providers/provider-error';
import type { Address, OrderItem } from '../src/shared/order-schema';
import { FAILURE_TYPES } from '../src/shared/failure-types';

export interface ChargeInput {
  idempotencyKey: string;
  orderId: string;
  amountCents: number;
  currency: string;
  paymentToken: string;
}

export interface RefundInput {
  idempotencyKey: string;
  chargeId: string;
  amountCents: number;
}

export interface ShipmentInput {
  idempotencyKey: string;
  orderId: string;
  address: Address;
  items: OrderItem[];
}

export interface RiskInput {
  orderId: string;
  customerId: string;
  totalCents: number;
  currency: string;
  country: string;
}

export function createActivities(providers: { payments: PaymentProvider; shipping: ShippingProvider; risk: RiskProvider }) {
  return {
    async assessRisk(input: RiskInput): Promise<RiskVerdict> {
      return providers.risk.assess(input);
    },

    async chargePayment({ idempotencyKey, ...request }: ChargeInput): Promise<{ chargeId: string }> {
      const charge = await asActivityFailure(providers.payments.charge(idempotencyKey, request));
      return { chargeId: charge.id };
    },

    async refundPayment({ idempotencyKey, ...request }: RefundInput): Promise<{ refundId: string }> {
      const refund = await asActivityFailure(providers.payments.refund(idempotencyKey, request));
      return { refundId: refund.id };
    },

    async createShipment({ idempotencyKey, ...request }: ShipmentInput): Promise<{ shipmentId: string; trackingNumber: string }> {
      const shipment = await asActivityFailure(providers.shipping.createShipment(idempotencyKey, request));
      return { shipmentId: shipment.id, trackingNumber: shipment.trackingNumber };
    },
  };
}

export type OrderActivities = ReturnType<typeof createActivities>;

const NON_RETRYABLE: Record<Exclude<ProviderError['kind'], 'transient'>, string> = {
  declined: FAILURE_TYPES.paymentDeclined,
  rejected: FAILURE_TYPES.rejected,
  'idempotency-mismatch': FAILURE_TYPES.idempotencyMismatch,
};

/** Turns a provider's final refusal into a non-retryable failure; everything else is retried. */
async function asActivityFailure<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof ProviderError && err.kind !== 'transient') {
      throw ApplicationFailure.nonRetryable(err.message, NON_RETRYABLE[err.kind]);
    }
    throw err;
  }
}
