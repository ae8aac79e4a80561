import { describe, expect, it } from 'vitest';
import { paymentProviderFromConfig } from '../../src/providers/payment-provider';
import { providerConfig } from '../../src/config/service';

describe('PAYMENTS_PROVIDER', () => {
  it('is the sandbox unless set', () => {
    expect(providerConfig({}).paymentsProvider).toBe('sandbox');
    expect(paymentProviderFromConfig(providerConfig({}))).toBeDefined();
  });

  it('refuses an unknown provider and Stripe without a key at start-up, not on the first order', () => {
    expect(() => providerConfig({ PAYMENTS_PROVIDER: 'paypal' })).toThrow(/PAYMENTS_PROVIDER/);
    expect(() => paymentProviderFromConfig(providerConfig({ PAYMENTS_PROVIDER: 'stripe' }))).toThrow(/STRIPE_API_KEY/);
  });

  it('builds the Stripe adapter from STRIPE_API_KEY and STRIPE_BASE_URL', () => {
    const config = providerConfig({
      PAYMENTS_PROVIDER: 'stripe',
      STRIPE_API_KEY: 'sk_test_1',
      STRIPE_BASE_URL: 'http://127.0.0.1:12111',
    });
    expect(config).toMatchObject({ stripeApiKey: 'sk_test_1', stripeBaseUrl: 'http://127.0.0.1:12111' });
    expect(paymentProviderFromConfig(config)).toBeDefined();
  });
});
