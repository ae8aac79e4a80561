// ApplicationFailure types that end an order instead of being retried. Set by the
// activities when a provider refuses for good, read by the workflow.
export const FAILURE_TYPES = {
  paymentDeclined: 'PaymentDeclined',
  rejected: 'ProviderRejected',
  idempotencyMismatch: 'IdempotencyKeyMismatch',
} as const;
