// The one place where idempotency keys are derived. A key depends only on the order and
// the step, never on the attempt, the run ID or the clock: a retried activity, a reset
// workflow, or a new run of the same order after retention all send the same key, so the
// provider answers with the effect it already made instead of making it again.

export type EffectStep = 'charge' | 'refund' | 'shipment';

export function idempotencyKey(orderId: string, step: EffectStep): string {
  return `order:${orderId}:${step}`;
}
