import { postIdempotent } from './http-json';

export interface Charge {
  id: string;
  orderId: string;
  amountCents: number;
  currency: string;
  status: string;
}

export interface Refund {
  id: string;
  chargeId: string;
  orderId: string;
  amountCents: number;
}

/** What the worker needs from a payment provider. A Stripe adapter would pass the key as `idempotencyKey`. */
export interface PaymentProvider {
  charge(
    idempotencyKey: string,
    request: { orderId: string; amountCents: number; currency: string; paymentToken: string },
  ): Promise<Charge>;
  refund(idempotencyKey: string, request: { chargeId: string; amountCents: number }): Promise<Refund>;
}

export function sandboxPayments(baseUrl: string, timeoutMs: number): PaymentProvider {
  return {
    charge: (idempotencyKey, body) =>
      postIdempotent<Charge>({ baseUrl, path: '/v1/charges', idempotencyKey, body, timeoutMs }),
    refund: (idempotencyKey, body) =>
      postIdempotent<Refund>({ baseUrl, path: '/v1/refunds', idempotencyKey, body, timeoutMs }),
  };
}
