// The one place where idempotency keys are derived. A key depends only on the order and
// the step, never on the attempt, the run ID or the clock: a retried activity, a reset
// workflow, or a new run of the same order after retention all send the same key, so the
// provider answers with the effect it already made instead of making it again.

export type EffectStep = 'charge' | 'refund' | 'shipment';

export function idempotencyKey(orderId: string, step: EffectStep): string {
  return `order:${orderId}:${step}`;
}

/**
 * The ID of the event that announces an order's status on `order-events`. Like the keys
 * above it depends only on the order and the status: a retried publish, a replayed or reset
 * workflow, or a new run of a forgotten order announce a status under the same ID, so a
 * consumer that keeps the IDs it has seen handles each status change once.
 */
export function eventId(orderId: string, status: string): string {
  return `order:${orderId}:status:${status}`;
}
