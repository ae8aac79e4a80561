import { describe, expect, it } from 'vitest';
import { reconcile } from '../../src/reconcile/main';
import { workflowIdFor } from '../../src/shared/order-contract';
import { setFaults, useIsolatedStack } from '../support/isolated-stack';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { temporal, temporalCli, waitForStartedActivity } from '../support/temporal';

// What operators do to runs: reset them (`temporal workflow reset`) and terminate them.
// Neither may make a second effect or compensate one that stands; what a terminate leaves
// open, `npm run reconcile -- --fix` settles.

const isolated = useIsolatedStack('operators', { PAYMENTS_FAULTS: JSON.stringify({ latencyMs: 800 }) });

/** Resets the order's run with the CLI and waits for the new run to end; returns its view. */
async function resetAndWait(orderId: string, how: string[]) {
  const handle = (await temporal()).workflow.getHandle(workflowIdFor(orderId));
  const before = (await handle.describe()).runId;
  await temporalCli([
    'workflow',
    'reset',
    '--workflow-id',
    workflowIdFor(orderId),
    ...how,
    '--reason',
    'operator test',
    '--yes',
  ]);
  expect((await handle.describe()).runId).not.toBe(before);
  return isolated.client.waitForOrder(orderId);
}

/** The event ID of the workflow task completed right after the charge activity completed. */
async function taskAfterCharge(orderId: string): Promise<string> {
  const events = (await (await temporal()).workflow.getHandle(workflowIdFor(orderId)).fetchHistory()).events ?? [];
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'chargePayment');
  const charged = events.findIndex(
    (e) => scheduled && Number(e.activityTaskCompletedEventAttributes?.scheduledEventId) === Number(scheduled.eventId),
  );
  expect(charged, 'the run completed a charge').toBeGreaterThan(-1);
  const task = events.slice(charged).find((e) => e.workflowTaskCompletedEventAttributes);
  return String(task!.eventId);
}

async function cancelledWhileCharging() {
  const order = sampleOrder();
  await isolated.client.submit(order);
  await waitForStartedActivity(workflowIdFor(order.orderId), 'chargePayment');
  expect((await isolated.client.cancel(order.orderId)).body.status).toBe('CANCELLED');
  return order;
}

describe('resets never repeat or undo an effect', () => {
  it('a completed order reset to its first workflow task, and to just after its charge, completes again with the same charge and shipment', async () => {
    const order = sampleOrder();
    await isolated.client.submit(order);
    const done = await isolated.client.waitForOrder(order.orderId);
    const books = await isolated.client.ledger(order.orderId);

    const fromStart = await resetAndWait(order.orderId, ['--type', 'FirstWorkflowTask']);
    expect(fromStart).toMatchObject({ status: 'COMPLETED', payment: done.payment, shipment: done.shipment });
    const afterCharge = await resetAndWait(order.orderId, ['--event-id', await taskAfterCharge(order.orderId)]);
    expect(afterCharge).toMatchObject({ status: 'COMPLETED', payment: done.payment, shipment: done.shipment });
    expect(await isolated.client.ledger(order.orderId)).toEqual(books);
  });

  it('a cancelled order (charged, then refunded) reset to just after its charge, and to its first workflow task, ships nothing and refunds nothing more', async () => {
    const order = await cancelledWhileCharging();
    const books = await isolated.client.ledger(order.orderId);
    expect([books.charges.length, books.refunds.length, books.shipments.length]).toEqual([1, 1, 0]);

    // Just after its charge first: a run reset to its start meets the cancel before charging
    // (Temporal reapplies the accepted update) and so has no charge to reset to.
    expect((await resetAndWait(order.orderId, ['--event-id', await taskAfterCharge(order.orderId)])).status).toBe(
      'CANCELLED',
    );
    expect((await resetAndWait(order.orderId, ['--type', 'FirstWorkflowTask'])).status).toBe('CANCELLED');
    expect(await isolated.client.ledger(order.orderId)).toEqual(books);
  });
});

describe('a run terminated between its charge and its refund', () => {
  it('leaves the books open; reconcile finds it, --fix refunds it with the derived key, then all balance', async () => {
    // The carrier refuses the address, so the run refunds the charge; every refund fails
    // before commit and is retried: the run is caught between its charge and its refund.
    await setFaults(isolated.stack.urls.payments, { beforeCommit: 1, paths: ['/v1/refunds'] });
    const order = sampleOrder({
      shippingAddress: { name: 'N', line1: 'L', city: 'Nowhere', postalCode: '00000', country: 'DE' },
    });
    await isolated.client.submit(order);
    const workflowId = workflowIdFor(order.orderId);
    await waitForStartedActivity(workflowId, 'refundPayment');
    await (await temporal()).workflow.getHandle(workflowId).terminate('operator terminates mid-refund');
    await setFaults(isolated.stack.urls.payments, { latencyMs: 800 });
    expect((await isolated.client.ledger(order.orderId)).refunds).toHaveLength(0);

    const env = { ...process.env, ...isolated.stack.env };
    const lines: string[] = [];
    const found = await reconcile({ fix: false, env, print: (l) => lines.push(l) });
    expect(found.findings.chargeWithoutPaidOrder).toBeGreaterThanOrEqual(1);
    expect(lines.some((l) => l.includes(order.orderId) && l.includes('ended by an operator'))).toBe(true);

    const fixed = await reconcile({ fix: true, env, print: () => {} });
    expect(fixed.fixed).toBeGreaterThanOrEqual(1);
    const { charges, refunds } = await isolated.client.ledger(order.orderId);
    expect(refunds).toEqual([
      expect.objectContaining({
        chargeId: charges[0].id,
        amountCents: charges[0].amountCents,
        idempotencyKey: `order:${order.orderId}:refund`,
      }),
    ]);
    const after = await reconcile({ fix: false, env, print: () => {} });
    expect(after.open).toBe(0);
  });
});
