/**
 * A provider's answer to an effect: the validated resource, and whether the provider
 * answered from its idempotency store (`Idempotent-Replayed: true`) rather than acting now.
 * A replayed answer is history, not the present: callers check the ledger's live state.
 */
export interface ProviderAnswer<T> {
  value: T;
  replayed: boolean;
}
