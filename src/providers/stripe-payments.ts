import Stripe from 'stripe';
import type { z } from 'zod';
import { type Charge, type PaymentProvider, type Refund, chargeSchema, refundSchema } from './payments';
import type { ProviderAnswer } from './provider-answer';
import { FINAL_REFUSALS, ProviderError } from './provider-error';

// PaymentProvider on Stripe's PaymentIntents. One of our charges is one PaymentIntent: its
// ID is our charge ID, `metadata.orderId` ties it to the order (the lookup when the key has
// expired), and its latest Charge object holds the live refund state. See
// docs/payment-providers.md.

export interface StripePaymentsOptions {
  apiKey: string;
  /** Another API host, e.g. stripe-mock at http://127.0.0.1:12111; Stripe's own when unset. */
  baseUrl?: string;
  /**
   * The SDK's per-request timeout. It limits inactivity on the socket, not the whole call:
   * the activity's start-to-close timeout is what bounds an attempt.
   */
  timeoutMs: number;
}

// Pinned so that a bump of the SDK cannot change the shapes read below without a type error.
const API_VERSION = '2026-10-28.endive';

// Every read of an intent expands its latest Charge: `amount_refunded` and `refunded` live
// there, not on the PaymentIntent.
const EXPAND_CHARGE = ['latest_charge'];

export function stripePayments({ apiKey, baseUrl, timeoutMs }: StripePaymentsOptions): PaymentProvider {
  const stripe = new Stripe(apiKey, {
    apiVersion: API_VERSION,
    // Temporal retries the activity with the same key; the SDK retrying inside an attempt
    // would only stretch the attempt past its timeout.
    maxNetworkRetries: 0,
    timeout: timeoutMs,
    ...(baseUrl ? hostOf(baseUrl) : {}),
  });

  const intentsForOrder = async (orderId: string) => {
    // Search is eventually consistent (an intent shows up after about a minute), so it
    // covers keys Stripe has forgotten (after 24 h), not a charge made a moment ago: that
    // one is still answered through its idempotency key.
    const found = await call('search payment intents', () =>
      stripe.paymentIntents
        .search({
          query: `metadata['orderId']:'${quoted(orderId)}'`,
          expand: EXPAND_CHARGE.map((f) => `data.${f}`),
          limit: 100,
        })
        .autoPagingToArray({ limit: 1_000 }),
    );
    // Only exact order IDs count, whatever the search syntax matched.
    return found.filter((intent) => intent.metadata.orderId === orderId);
  };

  return {
    async charge(idempotencyKey, { orderId, amountCents, currency, paymentToken }) {
      const intent = await call('create payment intent', () =>
        stripe.paymentIntents.create(
          {
            amount: amountCents,
            currency: currency.toLowerCase(),
            // A PaymentMethod ID from Stripe.js (`pm_...`; `pm_card_visa` in test mode).
            payment_method: paymentToken,
            // Card only and no customer action: a server-side confirm either succeeds now or
            // is refused with a card error (3-D Secure included), never waits for a redirect.
            allowed_payment_method_types: ['card'],
            confirm: true,
            error_on_requires_action: true,
            metadata: { orderId },
            expand: EXPAND_CHARGE,
          },
          { idempotencyKey },
        ),
      );
      const charge = chargeOf(intent);
      if (!charge) throw unexpected(`payment intent ${intent.id} is ${intent.status} after confirm`);
      return { value: charge, replayed: replayed(intent) };
    },

    async refund(idempotencyKey, { chargeId, amountCents }): Promise<ProviderAnswer<Refund>> {
      const refund = await call('create refund', () =>
        // The intent is expanded for its `metadata.orderId`: the Refund has none of its own.
        stripe.refunds.create(
          { payment_intent: chargeId, amount: amountCents, expand: ['payment_intent'] },
          { idempotencyKey },
        ),
      );
      const intent = refund.payment_intent;
      if (typeof intent !== 'object' || intent === null)
        throw unexpected(`refund ${refund.id} came without its payment intent`);
      const value = refundOf(refund, intent);
      if (!value) throw unexpected(`refund ${refund.id} of ${chargeId} is ${refund.status}`);
      return { value, replayed: replayed(refund) };
    },

    async getCharge(chargeId) {
      try {
        const intent = await stripe.paymentIntents.retrieve(chargeId, { expand: EXPAND_CHARGE });
        // An intent that never succeeded (declined, cancelled) took no money: no charge.
        return chargeOf(intent) ?? null;
      } catch (err) {
        if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'resource_missing') return null;
        throw providerError('retrieve payment intent', err);
      }
    },

    chargesForOrder: async (orderId) =>
      (await intentsForOrder(orderId)).map(chargeOf).filter((charge): charge is Charge => charge !== undefined),

    async refundsForOrder(orderId) {
      const refunds: Refund[] = [];
      // Refunds have no search: list them per intent of the order. Only a succeeded intent
      // took money that can have been refunded.
      for (const intent of await intentsForOrder(orderId)) {
        if (intent.status !== 'succeeded') continue;
        const listed = await call('list refunds', () =>
          stripe.refunds.list({ payment_intent: intent.id, limit: 100 }).autoPagingToArray({ limit: 1_000 }),
        );
        for (const refund of listed) {
          const ours = refundOf(refund, intent);
          if (ours) refunds.push(ours);
        }
      }
      return refunds;
    },
  };
}

/** Our Charge for a succeeded intent; undefined when it took no money. */
function chargeOf(intent: Stripe.PaymentIntent): Charge | undefined {
  if (intent.status !== 'succeeded') return undefined;
  const latest = intent.latest_charge;
  if (typeof latest !== 'object' || latest === null)
    throw unexpected(`payment intent ${intent.id} came without its charge`);
  return validated(chargeSchema, {
    id: intent.id,
    orderId: intent.metadata.orderId,
    amountCents: intent.amount,
    currency: intent.currency.toUpperCase(),
    // Stripe sets `refunded` only when the whole amount is back; a partial refund shows in
    // amountRefundedCents.
    status: latest.refunded ? 'refunded' : 'succeeded',
    amountRefundedCents: latest.amount_refunded,
  });
}

/** Our Refund; undefined for one that failed or was cancelled, which returned no money. */
function refundOf(refund: Stripe.Refund, intent: Stripe.PaymentIntent): Refund | undefined {
  if (refund.status === 'failed' || refund.status === 'canceled') return undefined;
  return validated(refundSchema, {
    id: refund.id,
    chargeId: intent.id,
    orderId: intent.metadata.orderId,
    amountCents: refund.amount,
  });
}

function validated<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  // An object without our metadata or with an odd amount is not trusted as an outcome.
  if (!parsed.success) throw unexpected(`Stripe answered with an object we cannot read: ${JSON.stringify(value)}`);
  return parsed.data;
}

async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    throw providerError(what, err);
  }
}

/**
 * Stripe's errors as our kinds. Card errors (402) are final: Stripe stores them under the key,
 * so a retry would only be answered the same. A key reused with other parameters (400
 * idempotency_error) is 'key-reused'. Invalid requests are final only for the named refusals
 * of FINAL_REFUSALS (by Stripe's `code`). The rest, 409 (the same key still in flight), auth,
 * permission, rate limits, connection and API errors and anything unknown, is retried.
 */
function providerError(what: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (!(err instanceof Stripe.errors.StripeError))
    return new ProviderError(`${what}: ${(err as Error).message}`, 'transient');
  const detail = { status: err.statusCode, type: err.code ?? err.rawType };
  const message = `${what} answered ${err.statusCode ?? 'nothing'} (${detail.type ?? err.type}): ${err.message}`;
  if (err instanceof Stripe.errors.StripeCardError) return new ProviderError(message, 'declined', detail);
  if (err instanceof Stripe.errors.StripeIdempotencyError) return new ProviderError(message, 'key-reused', detail);
  if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code && FINAL_REFUSALS.has(err.code)) {
    return new ProviderError(message, 'rejected', detail);
  }
  return new ProviderError(message, 'transient', detail);
}

function unexpected(message: string): ProviderError {
  return new ProviderError(message, 'transient');
}

/** Stripe answered from its idempotency store rather than acting now. */
function replayed(resource: { lastResponse?: { headers?: Record<string, string> } }): boolean {
  return resource.lastResponse?.headers?.['idempotent-replayed'] === 'true';
}

function hostOf(baseUrl: string) {
  const url = new URL(baseUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol } as const;
}

/** A value inside a search query's single quotes. */
function quoted(value: string): string {
  return value.replace(/[\\']/g, (c) => `\\${c}`);
}
