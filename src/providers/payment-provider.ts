import type { providerConfig } from '../config/service';
import { type PaymentProvider, sandboxPayments } from './payments';
import { stripePayments } from './stripe-payments';

/** The PaymentProvider chosen by PAYMENTS_PROVIDER (sandbox unless set to stripe). */
export function paymentProviderFromConfig(config: ReturnType<typeof providerConfig>): PaymentProvider {
  if (config.paymentsProvider === 'sandbox') return sandboxPayments(config.paymentsUrl, config.requestTimeoutMs);
  // Fail at start-up, not on the first order: every charge would be retried forever.
  if (!config.stripeApiKey) throw new Error('PAYMENTS_PROVIDER=stripe needs STRIPE_API_KEY');
  return stripePayments({
    apiKey: config.stripeApiKey,
    baseUrl: config.stripeBaseUrl,
    timeoutMs: config.requestTimeoutMs,
  });
}
