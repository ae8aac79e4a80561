/**
 * A provider call that did not succeed. `kind` says whether the same request with the same
 * idempotency key may succeed later ('transient': timeouts, 5xx, 409 in flight, and anything
 * the provider did not name as a business refusal: auth, a wrong URL, an answer we cannot
 * read) or never will ('declined', 'rejected'). 'key-reused' (422) means the provider already
 * holds something under this key for another request: the caller looks the ledger up.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: 'declined' | 'rejected' | 'key-reused' | 'transient',
    /** HTTP status, the provider's error type and its own words, for logs, metrics and the order's reason. */
    readonly detail: { status?: number; type?: string; reason?: string } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/**
 * The provider error types that are final business refusals. Everything else that is not a
 * success is retried: a rotated API key (401), a wrong base URL (404), or an error type we
 * do not know must not fail, and refund, every paid order at once.
 */
export const FINAL_REFUSALS: ReadonlySet<string> = new Set(['card_declined', 'address_rejected', 'amount_too_large']);
