// The order lifecycle: risk check, charge, ship, complete; or reject, decline, cancel, fail
// with compensation.
// Deterministic: imports only @temporalio/workflow and pure modules of src/shared (the rule for
// workflows/ in eslint.config.mjs).
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { OrderActivities } from '../activities';
import type { Order } from '../src/shared/order-schema';
import { idempotencyKey } from '../src/shared/idempotency-keys';
import { orderEvent } from '../src/shared/order-events';
import { type OrderState, type OrderStatus, initialOrderState, isTerminal } from '../src/shared/order-state';
import {
  FAILURE_TYPES,
  ORDER_STATUS,
  orderMemo,
  cancelOrderUpdate,
  getOrderQuery,
  paymentDecidedUpdate,
} from '../src/shared/order-contract';
import { eventOutbox } from './event-outbox';

// Every activity carries an idempotency key, so a retry can never repeat an effect: we retry
// transient failures (timeouts, 5xx, dropped connections, 409 in flight) without limit
// instead of giving up on a charge whose outcome is unknown. A stuck order shows in the UI as
// a pending activity with its attempt count and last failure. Business refusals (declined
// card, rejected address, key reused with another body) are non-retryable and end the order.
// startToCloseTimeout is above the provider client's own HTTP timeout (PROVIDER_TIMEOUT_MS,
// 5 s) so a slow provider fails the attempt from the client side first; 10 s bounds how long
// an attempt on a crashed worker holds the order before Temporal retries it elsewhere.
const retry: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  nonRetryableErrorTypes: Object.values(FAILURE_TYPES),
};
const { assessRisk, chargePayment, refundPayment, createShipment } = proxyActivities<OrderActivities>({
  startToCloseTimeout: '10s',
  retry,
});
// The risk check since v6: a quick read-only call, run by the worker inside the workflow
// task (a marker in the history) rather than as an activity task and one more workflow task.
// Same timeout and retries; past a minute of retries the SDK waits out the backoff on a timer.
const { assessRisk: assessRiskLocally } = proxyLocalActivities<OrderActivities>({ startToCloseTimeout: '10s', retry });
// Announcing a status on `order-events`: local, because it is a quick write done for every
// status (one marker in the history instead of an activity task's round trip). One attempt,
// within the producer's own timeouts; workflows/event-outbox.ts retries with durable timers.
// The event's ID makes a repeated publish harmless.
const { publishOrderEvent } = proxyLocalActivities<OrderActivities>({
  startToCloseTimeout: '5s',
  retry: { maximumAttempts: 1 },
});

export async function orderWorkflow(order: Order): Promise<OrderState> {
  // Runs started without the API's memo (tests, the CLI, runs from before the memo held
  // receivedAt) fall back to the start time and no fingerprint.
  const memo = orderMemo(workflowInfo().memo);
  const state = initialOrderState(
    order,
    memo.receivedAt ?? workflowInfo().startTime.toISOString(),
    memo.fingerprint ?? null,
  );
  let cancelReason: string | null = null;
  let shippingStarted = false;
  // Added in v6: the risk check runs as a local activity, SHIPPED is not upserted (see
  // setStatus), and this one marker stands for every patch before it: each patched() marker
  // costs a history event and a visibility write (TemporalChangeVersion). Runs started
  // before it replay their own markers (test/histories/v1-v5).
  const v6 = patched('v6-local-risk-check');
  const since = (patchId: string) => v6 || patched(patchId);
  // Added with order-events: runs started before it announce nothing (test/histories/v1-v4).
  const outbox = since('order-events') ? eventOutbox((event) => publishOrderEvent(event)) : undefined;
  const announce = () => outbox?.add(orderEvent(order.orderId, state.status, state.updatedAt));
  announce();

  const setStatus = (status: OrderStatus, failureReason: string | null = null, { listed = true } = {}) => {
    state.status = status;
    state.failureReason = failureReason;
    state.updatedAt = new Date().toISOString(); // workflow time: deterministic on replay
    if (listed) upsertSearchAttributes([{ key: ORDER_STATUS, value: status }]);
    log.info('Order status changed', { status, failureReason });
    announce();
  };

  setHandler(getOrderQuery, () => state);
  // Added with synchronous checkout: runs started before it have no such handler (and no
  // such update in their histories); a waiting client of theirs is answered from the view.
  if (since('payment-decided-update')) {
    setHandler(paymentDecidedUpdate, async () => {
      await condition(() => state.status !== 'PENDING');
      return state;
    });
  }
  setHandler(
    cancelOrderUpdate,
    async (reason: string) => {
      cancelReason ??= reason || 'cancelled on request';
      log.info('Cancel requested', { reason: cancelReason });
      await condition(() => isTerminal(state.status));
      return state;
    },
    {
      validator: (_reason: string) => {
        const refusal = whyCancelIsRefused(state.status, shippingStarted);
        if (refusal) throw new Error(refusal);
      },
    },
  );
  // A cancel from the Temporal UI or CLI is treated like the API's: effects already under
  // way finish, then the order is unwound.
  CancellationScope.current().cancelRequested.catch(() => {
    cancelReason ??= 'workflow cancellation requested';
  });

  /**
   * Refunds the charge, if any. On a final refusal ends the order (NEEDS_REVIEW when the
   * ledger contradicts the refund, e.g. a shipment stands; else FAILED with the charge kept
   * in its view, for a person to settle) and returns false. Called only from the lifecycle,
   * whose scope is non-cancellable: a compensation always runs to its end.
   */
  const refund = async (context: string): Promise<boolean> => {
    if (!state.payment) return true;
    const payment = state.payment;
    try {
      const { refundId } = await refundPayment.executeWithOptions(
        { summary: `Refund ${state.totalCents} ${state.currency}` },
        [
          {
            idempotencyKey: idempotencyKey(order.orderId, 'refund'),
            orderId: order.orderId,
            chargeId: payment.chargeId,
            amountCents: state.totalCents,
          },
        ],
      );
      state.payment = { ...payment, refundId };
      return true;
    } catch (err) {
      // Only a final refusal gets here (transient failures are retried without limit).
      log.error('Refund refused', { reason: failureMessage(err) });
      const status = failureType(err) === FAILURE_TYPES.needsReview ? 'NEEDS_REVIEW' : 'FAILED';
      setStatus(status, `${context}, but the refund of ${payment.chargeId} was refused: ${failureMessage(err)}`);
      return false;
    }
  };

  const lifecycle = async (): Promise<void> => {
    // Added after v2: the activities check the providers' ledgers, and a shipping step that
    // ends in NEEDS_REVIEW or finds the charge refunded is no longer compensated. Runs
    // started before keep compensating every shipping failure (test/histories/v2-*).
    const ledgerIsTruth = since('ledger-is-truth');
    // Added after v1: runs started before this change have no marker and skip the check
    // on replay (see test/histories/v1-*). Remove the branch with deprecatePatch() once no
    // v1 run can still be open (namespace retention after the deploy).
    if (since('risk-check-before-charge')) {
      const riskCheck = v6 ? assessRiskLocally : assessRisk;
      const verdict = await riskCheck.executeWithOptions({ summary: 'Risk check' }, [
        {
          orderId: order.orderId,
          customerId: order.customerId,
          totalCents: state.totalCents,
          currency: order.currency,
          country: order.shippingAddress.country,
        },
      ]);
      if (!verdict.approved) return setStatus('REJECTED', `risk check: ${verdict.reason ?? 'not approved'}`);
    }

    if (cancelReason) return setStatus('CANCELLED', cancelReason);

    try {
      const charge = await chargePayment.executeWithOptions(
        { summary: `Charge ${state.totalCents} ${state.currency}` },
        [
          {
            idempotencyKey: idempotencyKey(order.orderId, 'charge'),
            orderId: order.orderId,
            amountCents: state.totalCents,
            currency: order.currency,
            paymentToken: order.paymentToken,
          },
        ],
      );
      state.payment = { chargeId: charge.chargeId };
      // The ledger shows this order's charge refunded: an earlier run (forgotten since, or
      // reset) unwound it. Nothing is charged or shipped again.
      if (charge.refunded)
        return setStatus(
          'CANCELLED',
          `this order was unwound before: charge ${charge.chargeId} is refunded; nothing charged or shipped again`,
        );
      setStatus('PAID');
    } catch (err) {
      const reason = failureMessage(err);
      if (failureType(err) === FAILURE_TYPES.paymentDeclined) return setStatus('PAYMENT_DECLINED', reason);
      if (failureType(err) === FAILURE_TYPES.needsReview) return setStatus('NEEDS_REVIEW', `payment: ${reason}`);
      return setStatus('FAILED', `payment failed: ${reason}`);
    }

    if (cancelReason) {
      if (await refund(`cancelled (${cancelReason})`)) setStatus('CANCELLED', cancelReason);
      return;
    }

    shippingStarted = true;
    try {
      const shipment = await createShipment.executeWithOptions(
        { summary: `Ship ${order.items.length} item line(s) to ${order.shippingAddress.country}` },
        [
          {
            idempotencyKey: idempotencyKey(order.orderId, 'shipment'),
            orderId: order.orderId,
            chargeId: state.payment?.chargeId,
            address: order.shippingAddress,
            items: order.items,
          },
        ],
      );
      state.shipment = shipment;
      // COMPLETED follows in the same workflow task, so no list query could ever see SHIPPED:
      // since v6 it is not written to visibility (it is still announced and in the state).
      setStatus('SHIPPED', null, { listed: !v6 });
    } catch (err) {
      const reason = failureMessage(err);
      if (ledgerIsTruth && failureType(err) === FAILURE_TYPES.needsReview)
        return setStatus('NEEDS_REVIEW', `shipping: ${reason}`);
      // Refunded outside this run (an operator, a reconcile): already unwound, nothing to compensate.
      if (ledgerIsTruth && failureType(err) === FAILURE_TYPES.chargeRefunded)
        return setStatus('CANCELLED', `unwound outside this run: ${reason}`);
      log.warn('Shipping failed; refunding', { reason });
      if (await refund(`shipping failed: ${reason}`))
        setStatus('FAILED', `shipping failed: ${reason}; payment refunded`);
      return;
    }

    setStatus('COMPLETED');
  };

  // Non-cancellable as a whole: an effect under way always finishes (and a compensation
  // always runs) even if the run is cancelled in Temporal; that cancel has been turned into
  // cancelReason, which the lifecycle checks between steps. Then cancel updates get their
  // answer and every status its event before the run closes.
  await CancellationScope.nonCancellable(async () => {
    await lifecycle();
    await condition(() => allHandlersFinished() && (outbox?.drained() ?? true));
  });
  return state;
}

/** Why a cancel request cannot be accepted now, or null if it can. */
function whyCancelIsRefused(status: OrderStatus, shippingStarted: boolean): string | null {
  if (status === 'CANCELLED') return null; // repeated cancel: answered with the same view
  if (isTerminal(status)) return `order is already ${status}`;
  if (shippingStarted) return 'order is already being shipped';
  return null;
}

function failureType(err: unknown): string | undefined {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure
    ? (err.cause.type ?? undefined)
    : undefined;
}

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
