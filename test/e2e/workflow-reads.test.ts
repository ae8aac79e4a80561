import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OrderState } from '../../src/shared/order-state';
import { workflowIdFor } from '../../src/shared/order-contract';
import { freePort } from '../../src/stack/free-port';
import { closedWhileUpdating, isTemporalUnavailable, runOutcome } from '../../src/temporal/workflow-reads';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { ordersClient } from '../support/orders';
import { temporal } from '../support/temporal';

// The adapter over the SDK internals the API's read path uses, against the real Temporal
// server of the test stack: an SDK upgrade that changes any of them fails here first.

/** A run that stays open: no worker polls its task queue, so no workflow task ever runs. */
async function openRun() {
  const client = await temporal();
  return client.workflow.start('workflowReadsProbe', {
    taskQueue: `nobody-polls-${randomUUID()}`,
    workflowId: `workflow-reads-${randomUUID()}`,
  });
}

describe('runOutcome', () => {
  it("returns a completed run's decoded result", async () => {
    const order = sampleOrder();
    const orders = ordersClient();
    expect((await orders.submit(order)).status).toBe(202);
    await orders.waitForOrder(order.orderId);

    const outcome = await runOutcome<OrderState>(await temporal(), workflowIdFor(order.orderId));
    expect(outcome).toEqual({
      closed: true,
      result: expect.objectContaining({ orderId: order.orderId, customerId: order.customerId, status: 'COMPLETED' }),
    });
  });

  it('tells a running run from one that closed without a result', async () => {
    const client = await temporal();
    const handle = await openRun();
    expect(await runOutcome(client, handle.workflowId)).toEqual({ closed: false });
    await handle.terminate('workflow-reads test');
    expect(await runOutcome(client, handle.workflowId)).toEqual({ closed: true });
  });

  it('throws WorkflowNotFoundError for an ID Temporal does not know', async () => {
    const workflowId = `workflow-reads-unknown-${randomUUID()}`;
    const read = runOutcome(await temporal(), workflowId);
    await expect(read).rejects.toBeInstanceOf(WorkflowNotFoundError);
    await expect(read).rejects.toMatchObject({ workflowId });
  });
});

describe('closedWhileUpdating', () => {
  it('recognises the error of an update sent to a run that has closed', async () => {
    const handle = await openRun();
    await handle.terminate('workflow-reads test');
    const err = await handle.executeUpdate('anyUpdate').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(closedWhileUpdating(err)).toBe(true);
  });

  it('recognises the wording alone, and nothing else', () => {
    expect(closedWhileUpdating(new Error('workflow execution already completed'))).toBe(true);
    expect(closedWhileUpdating(new Error('update rejected by the validator'))).toBe(false);
    expect(closedWhileUpdating(undefined)).toBe(false);
  });
});

describe('isTemporalUnavailable', () => {
  it('is true when no Temporal answers at the address', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const client = new Client({ connection });
    try {
      const err = await client
        .withDeadline(Date.now() + 2_000, () => client.workflow.getHandle('anything').describe())
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(Error);
      expect(isTemporalUnavailable(err)).toBe(true);
    } finally {
      await connection.close();
    }
  });

  it('is false for an answer from a Temporal that is up', async () => {
    const err = await (
      await temporal()
    ).workflow
      .getHandle(`workflow-reads-unknown-${randomUUID()}`)
      .describe()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(WorkflowNotFoundError);
    expect(isTemporalUnavailable(err)).toBe(false);
  });
});
