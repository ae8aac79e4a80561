import { describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../src/shared/order-contract';
import { setFaults, useIsolatedStack } from '../support/isolated-stack';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { ordersClient } from '../support/orders';
import { activityAttempts, runCount, temporal, waitForStartedActivity } from '../support/temporal';

// Several API replicas and workers on one Temporal (run by `npm run test:postgres`): dedup
// is the server's, so it holds whichever replica a request reaches, and a worker that dies
// leaves its work to the others.

const isolated = useIsolatedStack('replicas', {}, { workers: 2, apis: 2 });
const replicas = () =>
  isolated.stack.urls.apis.map((api) =>
    ordersClient({ ...isolated.stack.urls, api }, isolated.stack.apiKey?.secret ?? ''),
  );

describe('two API replicas, two workers', () => {
  it('a duplicate storm spread over both replicas: one 202, the rest 200; a conflict on either is 409; one run, one charge', async () => {
    const order = sampleOrder();
    const apis = replicas();
    expect(apis).toHaveLength(2);
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => apis[i % 2].submit(order)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(29);
    for (const api of apis) expect((await api.submit({ ...order, paymentToken: 'tok_other' })).status).toBe(409);

    const done = await apis[1].waitForOrder(order.orderId);
    expect(done.status).toBe('COMPLETED');
    expect((await apis[0].api(`/orders/${order.orderId}`)).body).toEqual(done);
    expect(await runCount(workflowIdFor(order.orderId))).toBe(1);
    const { charges, shipments } = await apis[0].ledger(order.orderId);
    expect([charges.length, shipments.length]).toEqual([1, 1]);
  });

  it('SIGKILL of the worker running the charge: the other worker finishes the order with one charge', async () => {
    // The provider takes 2 s to commit: long enough to kill the worker while it waits.
    await setFaults(isolated.stack.urls.payments, { latencyMs: 2_000 });
    const order = sampleOrder();
    const workflowId = workflowIdFor(order.orderId);
    await isolated.client.submit(order);
    await waitForStartedActivity(workflowId, 'chargePayment');
    // The SDK's default identity is <pid>@<host>: kill the worker that holds the attempt.
    const pending = (await (await temporal()).workflow.getHandle(workflowId).describe()).raw.pendingActivities ?? [];
    const holder = Number(
      pending.find((a) => a.activityType?.name === 'chargePayment')?.lastWorkerIdentity?.split('@')[0],
    );
    const workers = isolated.stack.children('worker');
    const victim = workers.find((w) => w.pid === holder);
    expect(victim, `a worker with pid ${holder}`).toBeDefined();
    await victim!.kill();
    try {
      await setFaults(isolated.stack.urls.payments, {});
      // No restart: after the charge's 10 s start-to-close timeout, the surviving worker retries it.
      expect((await isolated.client.waitForOrder(order.orderId, undefined, 60_000)).status).toBe('COMPLETED');
      const { charges, shipments } = await isolated.client.ledger(order.orderId);
      expect([charges.length, shipments.length]).toEqual([1, 1]);
      expect((await activityAttempts(workflowId)).chargePayment).toBeGreaterThanOrEqual(2);
    } finally {
      await victim!.start();
    }
  }, 90_000);
});
