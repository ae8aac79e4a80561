import type { OrderStatus } from '../../shared/order-state';

// The failureReason a client sees: the business reason. The workflow's own reason quotes
// the provider's answer (its paths, status codes, wording, possibly the order's data); that
// stays in Temporal (encrypted) and the worker's logs, for operators.

const FAILED_PREFIXES: [RegExp, (reason: string) => string][] = [
  [/^payment failed/, () => 'the payment could not be taken'],
  [
    /^shipping failed/,
    (reason) =>
      `the carrier refused the shipment; ${/payment refunded$/.test(reason) ? 'payment refunded' : 'the refund needs review'}`,
  ],
  [/^cancelled \(/, () => 'cancelled, but the refund needs review'],
  // Set by the API itself for a run ended outside its lifecycle (terminated, timed out...).
  [/^workflow [a-z_]+$/, (reason) => reason],
];

export function publicFailureReason(status: OrderStatus, reason: string | null): string | null {
  if (reason === null) return null;
  switch (status) {
    case 'PAYMENT_DECLINED':
      return 'the payment was declined';
    case 'FAILED':
      for (const [prefix, publicReason] of FAILED_PREFIXES) if (prefix.test(reason)) return publicReason(reason);
      return 'the order could not be completed';
    default:
      // REJECTED: the words of our own risk rules; CANCELLED: the canceller's reason.
      return reason;
  }
}
