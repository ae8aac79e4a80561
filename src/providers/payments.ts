import { z } from 'zod';
import { getJson, postIdempotent } from './http-json';
import type { ProviderAnswer } from './provider-answer';

/** A charge as the provider's ledger holds it now (`status` and `amountRefundedCents` are live). */
export const chargeSchema = z.object({
  id: z.string().min(1),
  orderId: z.string().min(1),
  amountCents: z.number().int().nonnegative(),
  currency: z.string().min(3),
  status: z.enum(['succeeded', 'refunded']),
  amountRefundedCents: z.number().int().nonnegative(),
});
export type Charge = z.infer<typeof chargeSchema>;

export const refundSchema = z.object({
  id: z.string().min(1),
  chargeId: z.string().min(1),
  orderId: z.string().min(1),
  amountCents: z.number().int().positive(),
});
export type Refund = z.infer<typeof refundSchema>;

export interface ChargeRequest {
  orderId: string;
  amountCents: number;
  currency: string;
  paymentToken: string;
}

/**
 * What the worker needs from a payment provider: effects under an idempotency key, and
 * lookups of what the ledger holds for an order (the truth when the key has been forgotten,
 * reused with another body, or answered with a stored result). Implementations validate
 * answers against the schemas above and throw ProviderError for refusals.
 */
export interface PaymentProvider {
  charge(idempotencyKey: string, request: ChargeRequest): Promise<ProviderAnswer<Charge>>;
  refund(idempotencyKey: string, request: { chargeId: string; amountCents: number }): Promise<ProviderAnswer<Refund>>;
  /** The charge's live state, or null if the provider has none with that ID. */
  getCharge(chargeId: string): Promise<Charge | null>;
  chargesForOrder(orderId: string): Promise<Charge[]>;
  refundsForOrder(orderId: string): Promise<Refund[]>;
}

const list = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item) });

export function sandboxPayments(baseUrl: string, timeoutMs: number): PaymentProvider {
  const http = { baseUrl, timeoutMs };
  return {
    charge: (idempotencyKey, body) =>
      postIdempotent({ ...http, path: '/v1/charges', idempotencyKey, body, schema: chargeSchema }),
    refund: (idempotencyKey, body) =>
      postIdempotent({ ...http, path: '/v1/refunds', idempotencyKey, body, schema: refundSchema }),
    getCharge: (chargeId) =>
      getJson({ ...http, path: `/v1/charges/${encodeURIComponent(chargeId)}`, schema: chargeSchema }),
    chargesForOrder: async (orderId) =>
      (
        await getJson({
          ...http,
          path: `/v1/charges?orderId=${encodeURIComponent(orderId)}`,
          schema: list(chargeSchema),
        })
      )?.data ?? [],
    refundsForOrder: async (orderId) =>
      (
        await getJson({
          ...http,
          path: `/v1/refunds?orderId=${encodeURIComponent(orderId)}`,
          schema: list(refundSchema),
        })
      )?.data ?? [],
  };
}
