// ApplicationFailure types that end an order instead of being retried. Set by the
// activities when a provider refuses for good or the ledger contradicts the order, read by
// the workflow.
export const FAILURE_TYPES = {
  paymentDeclined: 'PaymentDeclined',
  rejected: 'ProviderRejected',
  /** Kept for histories recorded before 'ledger-is-truth': a 422 is now looked up instead. */
  idempotencyMismatch: 'IdempotencyKeyMismatch',
  /** The ledger holds something for this order that does not match it: a person decides. */
  needsReview: 'NeedsReview',
  /** The order's charge is refunded at the provider: the order was unwound, never ship it. */
  chargeRefunded: 'ChargeRefunded',
} as const;
