/**
 * A provider call that did not succeed. `kind` says whether the same request with the same
 * idempotency key may succeed later ('transient': timeouts, 5xx, 409 in flight) or never
 * will (declined, rejected, key reused with another body).
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: 'declined' | 'rejected' | 'idempotency-mismatch' | 'transient',
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
