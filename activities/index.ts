// The activities: thin side-effect functions over the providers. Each effect takes its
// idempotency key as input (derived by the workflow from src/shared/idempotency-keys.ts),
// passes it to the provider unchanged, and checks the provider's ledger around it.
import type { EventSink } from '../src/events/event-sink';
import type { PaymentProvider } from '../src/providers/payments';
import type { RiskProvider, RiskVerdict } from '../src/providers/risk';
import type { ShippingProvider } from '../src/providers/shipping';
import { eventActivities } from './events';
import { paymentActivities } from './payment';
import { shippingActivities } from './shipping';

export type { ChargeInput, RefundInput } from './payment';
export type { ShipmentInput } from './shipping';
export type { ChargeOutcome } from './ledger-checks';

export interface RiskInput {
  orderId: string;
  customerId: string;
  totalCents: number;
  currency: string;
  country: string;
}

export function createActivities(providers: {
  payments: PaymentProvider;
  shipping: ShippingProvider;
  risk: RiskProvider;
  events: EventSink;
}) {
  return {
    async assessRisk(input: RiskInput): Promise<RiskVerdict> {
      return providers.risk.assess(input);
    },
    ...paymentActivities(providers.payments, providers.shipping),
    ...shippingActivities(providers.payments, providers.shipping),
    ...eventActivities(providers.events),
  };
}

export type OrderActivities = ReturnType<typeof createActivities>;
