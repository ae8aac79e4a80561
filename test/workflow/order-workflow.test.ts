import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChargeInput, OrderActivities, RefundInput, RiskInput, ShipmentInput } from '../../activities';
import {
  FAILURE_TYPES,
  ORDER_SEARCH_ATTRIBUTES,
  ORDER_WORKFLOW_TYPE,
  cancelOrderUpdate,
  getOrderQuery,
  workflowIdFor,
} from '../../src/shared/order-contract';
import type { OrderEvent } from '../../src/shared/order-events';
import { projectRoot } from '../../src/stack/stack';
import { bundleWorkflows } from '../../src/worker/workflow-bundle';
import { orderWorkflow } from '../../workflows/order';
import { sampleOrder } from '../../src/fixtures/sample-order';

// The order workflow alone, on the time-skipping test server, with mocked activities:
// every path of the lifecycle, and timeouts without waiting for them.

const root = projectRoot(__dirname);
let env: TestWorkflowEnvironment;
// Bundled from workflows/ here, not read from dist/: the tests run the code as it is now.
let workflowBundle: { code: string };

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  workflowBundle = await bundleWorkflows();
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: {
      executable: { type: 'existing-path', path: join(root, '.tools', 'venv', 'bin', 'temporal-test-server') },
    },
  });
  const { INDEXED_VALUE_TYPE_KEYWORD: KEYWORD, INDEXED_VALUE_TYPE_INT: INT } = temporal.api.enums.v1.IndexedValueType;
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      ORDER_SEARCH_ATTRIBUTES.map((key) => [key.name, key.type === 'INT' ? INT : KEYWORD]),
    ),
  });
});
afterAll(() => env?.teardown());

interface Calls {
  risk: RiskInput[];
  charge: ChargeInput[];
  refund: RefundInput[];
  ship: ShipmentInput[];
  events: OrderEvent[];
}

/** Mock activities that record their calls; `overrides` replace single behaviours. */
function mockActivities(overrides: Partial<OrderActivities> = {}): { activities: OrderActivities; calls: Calls } {
  const calls: Calls = { risk: [], charge: [], refund: [], ship: [], events: [] };
  const activities: OrderActivities = {
    assessRisk: async (input) => {
      calls.risk.push(input);
      return overrides.assessRisk ? overrides.assessRisk(input) : { approved: true };
    },
    chargePayment: async (input) => {
      calls.charge.push(input);
      return overrides.chargePayment ? overrides.chargePayment(input) : { chargeId: 'ch_1' };
    },
    refundPayment: async (input) => {
      calls.refund.push(input);
      return overrides.refundPayment ? overrides.refundPayment(input) : { refundId: 're_1' };
    },
    createShipment: async (input) => {
      calls.ship.push(input);
      return overrides.createShipment
        ? overrides.createShipment(input)
        : { shipmentId: 'shp_1', trackingNumber: 'TRK1' };
    },
    publishOrderEvent: async (event) => {
      await overrides.publishOrderEvent?.(event);
      calls.events.push(event);
    },
  };
  return { activities, calls };
}

async function runOrder(activities: OrderActivities, drive?: (workflowId: string) => Promise<void>) {
  const taskQueue = `wf-test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities,
  });
  const order = sampleOrder();
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start(orderWorkflow, {
      taskQueue,
      workflowId: workflowIdFor(order.orderId),
      args: [order],
    });
    await drive?.(handle.workflowId);
    return { order, state: await handle.result(), handle };
  });
}

/** An activity held in flight until the test calls `open()`, then answering `result`. */
function held<T>(result: T) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, activity: async () => (await opened, result) };
}

/** Waits until a mocked activity has been called at least once. */
async function calledOnce(calls: unknown[]) {
  while (calls.length === 0) await new Promise((r) => setTimeout(r, 20));
}

describe('order workflow', () => {
  it('is registered under the type name the API starts it by', () => {
    expect(orderWorkflow.name).toBe(ORDER_WORKFLOW_TYPE);
  });

  it('happy path: charges, ships and completes, with keys derived from the order', async () => {
    const { activities, calls } = mockActivities();
    const { order, state } = await runOrder(activities);
    expect(state).toMatchObject({
      status: 'COMPLETED',
      totalCents: 3490,
      payment: { chargeId: 'ch_1' },
      shipment: { shipmentId: 'shp_1', trackingNumber: 'TRK1' },
      failureReason: null,
    });
    expect(calls.charge).toEqual([
      expect.objectContaining({ idempotencyKey: `order:${order.orderId}:charge`, amountCents: 3490, currency: 'EUR' }),
    ]);
    expect(calls.ship).toEqual([
      expect.objectContaining({ idempotencyKey: `order:${order.orderId}:shipment`, orderId: order.orderId }),
    ]);
    expect(calls.refund).toHaveLength(0);
    expect(calls.risk).toEqual([
      { orderId: order.orderId, customerId: order.customerId, totalCents: 3490, currency: 'EUR', country: 'DE' },
    ]);
  });

  it('v6 history: one patch marker, the risk check local, no SHIPPED in visibility', async () => {
    const { activities } = mockActivities();
    const { handle } = await runOrder(activities);
    const { EventType } = temporal.api.enums.v1;
    const events = (await handle.fetchHistory()).events ?? [];
    const markers = events.flatMap((e) => (e.markerRecordedEventAttributes ? [e.markerRecordedEventAttributes] : []));
    const patchMarkers = markers.filter((m) => m.markerName === 'core_patch');
    expect(patchMarkers).toHaveLength(1);
    // Risk check, then the events PENDING, PAID, SHIPPED, COMPLETED: all local.
    expect(markers.filter((m) => m.markerName === 'core_local_activity')).toHaveLength(5);
    const scheduled = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(scheduled).toEqual(['chargePayment', 'createShipment']);
    const upserts = events.filter((e) => e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
    // TemporalChangeVersion once, then PAID and COMPLETED.
    expect(upserts).toHaveLength(3);
    expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)).toHaveLength(3);
  });

  it('risk check refuses: REJECTED with the reason, before any charge', async () => {
    const { activities, calls } = mockActivities({
      assessRisk: async () => ({ approved: false, reason: 'too large' }),
    });
    const { state } = await runOrder(activities);
    expect(state).toMatchObject({
      status: 'REJECTED',
      failureReason: 'risk check: too large',
      payment: null,
      shipment: null,
    });
    expect(calls.charge).toHaveLength(0);
    expect(calls.ship).toHaveLength(0);
  });

  it('decline: PAYMENT_DECLINED with the provider reason, nothing shipped, no retry', async () => {
    const { activities, calls } = mockActivities({
      chargePayment: async () => {
        throw ApplicationFailure.nonRetryable('Your card was declined.', FAILURE_TYPES.paymentDeclined);
      },
    });
    const { state } = await runOrder(activities);
    expect(state).toMatchObject({
      status: 'PAYMENT_DECLINED',
      failureReason: 'Your card was declined.',
      payment: null,
    });
    expect(calls.charge).toHaveLength(1);
    expect(calls.ship).toHaveLength(0);
  });

  it('shipping rejected for good: refunds the charge once with its own key, ends FAILED', async () => {
    const { activities, calls } = mockActivities({
      createShipment: async () => {
        throw ApplicationFailure.nonRetryable('cannot deliver', FAILURE_TYPES.rejected);
      },
    });
    const { order, state } = await runOrder(activities);
    expect(state).toMatchObject({ status: 'FAILED', payment: { chargeId: 'ch_1', refundId: 're_1' }, shipment: null });
    expect(state.failureReason).toContain('cannot deliver');
    expect(calls.refund).toEqual([
      { idempotencyKey: `order:${order.orderId}:refund`, orderId: order.orderId, chargeId: 'ch_1', amountCents: 3490 },
    ]);
  });

  it('transient failures are retried with the same key until they succeed', async () => {
    let attempts = 0;
    const { activities, calls } = mockActivities({
      chargePayment: async () => {
        if (++attempts < 4) throw new Error('503 from provider');
        return { chargeId: 'ch_retry' };
      },
    });
    const { state } = await runOrder(activities);
    expect(state.status).toBe('COMPLETED');
    expect(calls.charge).toHaveLength(4);
    expect(new Set(calls.charge.map((c) => c.idempotencyKey)).size).toBe(1);
  });

  it('an attempt that outlives its start-to-close timeout is retried, with the same key', async () => {
    const { activities, calls } = mockActivities({
      chargePayment: async () => {
        if (Context.current().info.attempt === 1) await Context.current().sleep('1 minute'); // past the 10 s timeout
        return { chargeId: 'ch_after_timeout' };
      },
    });
    const { state } = await runOrder(activities);
    expect(state).toMatchObject({ status: 'COMPLETED', payment: { chargeId: 'ch_after_timeout' } });
    expect(calls.charge.map((c) => c.idempotencyKey)).toEqual([
      calls.charge[0].idempotencyKey,
      calls.charge[0].idempotencyKey,
    ]);
  });

  it('cancel before shipping: lets the charge finish, refunds it, ends CANCELLED', async () => {
    const charging = held({ chargeId: 'ch_1' });
    const { activities, calls } = mockActivities({ chargePayment: charging.activity });
    const { state } = await runOrder(activities, async (workflowId) => {
      const handle = env.client.workflow.getHandle(workflowId);
      await calledOnce(calls.charge);
      // Accepted by the validator while the charge is still in flight...
      const cancelled = await handle.startUpdate(cancelOrderUpdate, {
        args: ['customer changed mind'],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      });
      expect((await handle.query(getOrderQuery)).status).toBe('PENDING');
      // ...and answered once the charge has finished and been refunded.
      charging.open();
      expect(await cancelled.result()).toMatchObject({ status: 'CANCELLED', failureReason: 'customer changed mind' });
    });
    expect(state).toMatchObject({
      status: 'CANCELLED',
      payment: { chargeId: 'ch_1', refundId: 're_1' },
      shipment: null,
    });
    expect(calls.ship).toHaveLength(0);
    expect(calls.refund).toHaveLength(1);
  });

  it('cancel once shipping has started: the validator refuses it and the order completes', async () => {
    const shipping = held({ shipmentId: 'shp_1', trackingNumber: 'TRK1' });
    const { activities, calls } = mockActivities({ createShipment: shipping.activity });
    const { state } = await runOrder(activities, async (workflowId) => {
      const handle = env.client.workflow.getHandle(workflowId);
      await calledOnce(calls.ship);
      const refused = await handle.executeUpdate(cancelOrderUpdate, { args: ['too late'] }).catch((err) => err);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(refused.cause.message).toContain('already being shipped');
      shipping.open();
    });
    expect(state.status).toBe('COMPLETED');
    expect(calls.refund).toHaveLength(0);
  });

  it('a workflow cancellation from Temporal unwinds like an API cancel, after the charge in flight', async () => {
    const charging = held({ chargeId: 'ch_1' });
    const { activities, calls } = mockActivities({ chargePayment: charging.activity });
    const { state } = await runOrder(activities, async (workflowId) => {
      await calledOnce(calls.charge);
      await env.client.workflow.getHandle(workflowId).cancel();
      charging.open();
    });
    expect(state).toMatchObject({
      status: 'CANCELLED',
      failureReason: 'workflow cancellation requested',
      payment: { refundId: 're_1' },
    });
    expect(calls.ship).toHaveLength(0);
  });
});

describe('order workflow: what the ledgers say', () => {
  const failing = (type: string, message: string) => async (): Promise<never> => {
    throw ApplicationFailure.nonRetryable(message, type);
  };

  it('a charge the ledger shows refunded (an earlier run unwound it): CANCELLED, nothing shipped or refunded', async () => {
    const { activities, calls } = mockActivities({
      chargePayment: async () => ({ chargeId: 'ch_old', refunded: true }),
    });
    const { state } = await runOrder(activities);
    expect(state).toMatchObject({ status: 'CANCELLED', payment: { chargeId: 'ch_old' }, shipment: null });
    expect(state.failureReason).toContain('unwound before');
    expect([calls.ship.length, calls.refund.length]).toEqual([0, 0]);
  });

  it('a charge that contradicts the order: NEEDS_REVIEW, no further effect', async () => {
    const { activities, calls } = mockActivities({
      chargePayment: failing(FAILURE_TYPES.needsReview, 'a charge of 100 EUR already exists'),
    });
    const { state } = await runOrder(activities);
    expect(state).toMatchObject({
      status: 'NEEDS_REVIEW',
      failureReason: 'payment: a charge of 100 EUR already exists',
      payment: null,
    });
    expect([calls.ship.length, calls.refund.length]).toEqual([0, 0]);
  });

  it('a shipment that stands elsewhere (NEEDS_REVIEW from shipping): never refunded', async () => {
    const { activities, calls } = mockActivities({
      createShipment: failing(FAILURE_TYPES.needsReview, 'shipment to another address exists'),
    });
    const { order, state } = await runOrder(activities);
    expect(state).toMatchObject({ status: 'NEEDS_REVIEW', payment: { chargeId: 'ch_1' }, shipment: null });
    expect(calls.refund).toHaveLength(0);
    expect(calls.ship[0]).toMatchObject({ chargeId: 'ch_1', idempotencyKey: `order:${order.orderId}:shipment` });
  });

  it('a charge refunded outside the run before shipping: CANCELLED without a second refund', async () => {
    const { activities, calls } = mockActivities({
      createShipment: failing(FAILURE_TYPES.chargeRefunded, 'charge ch_1 is refunded'),
    });
    const { state } = await runOrder(activities);
    expect(state).toMatchObject({ status: 'CANCELLED', shipment: null });
    expect(calls.refund).toHaveLength(0);
  });

  it('a refund the ledger forbids (the order shipped): NEEDS_REVIEW, the charge kept in the view', async () => {
    const { activities } = mockActivities({
      createShipment: failing(FAILURE_TYPES.rejected, 'cannot deliver'),
      refundPayment: failing(FAILURE_TYPES.needsReview, 'shipment shp_9 exists for this order'),
    });
    const { state } = await runOrder(activities);
    expect(state).toMatchObject({ status: 'NEEDS_REVIEW', payment: { chargeId: 'ch_1' } });
    expect(state.failureReason).toMatch(
      /shipping failed: cannot deliver, but the refund of ch_1 was refused: shipment shp_9 exists/,
    );
  });
});

describe('order workflow: order events', () => {
  const statuses = (events: OrderEvent[]) => events.map((e) => e.status);

  it('announces every status in order, each under the ID derived from order and status', async () => {
    const { activities, calls } = mockActivities();
    const { order, state } = await runOrder(activities);
    expect(statuses(calls.events)).toEqual(['PENDING', 'PAID', 'SHIPPED', 'COMPLETED']);
    expect(calls.events.map((e) => e.eventId)).toEqual(
      ['PENDING', 'PAID', 'SHIPPED', 'COMPLETED'].map((s) => `order:${order.orderId}:status:${s}`),
    );
    expect(calls.events.at(-1)).toEqual({
      eventId: `order:${order.orderId}:status:COMPLETED`,
      orderId: order.orderId,
      status: 'COMPLETED',
      at: state.updatedAt,
    });
  });

  it('an ending after compensation is announced too (cancel: PENDING, PAID, CANCELLED)', async () => {
    const charging = held({ chargeId: 'ch_1' });
    const { activities, calls } = mockActivities({ chargePayment: charging.activity });
    await runOrder(activities, async (workflowId) => {
      await calledOnce(calls.charge);
      await env.client.workflow.getHandle(workflowId).cancel();
      charging.open();
    });
    expect(statuses(calls.events)).toEqual(['PENDING', 'PAID', 'CANCELLED']);
  });

  it('a broker outage delays the events, not the order; the run ends once all are published', async () => {
    let brokerUp = false;
    const attempts: string[] = [];
    const { activities, calls } = mockActivities({
      publishOrderEvent: async (event) => {
        attempts.push(event.status);
        if (!brokerUp) throw new Error('broker unreachable');
      },
    });
    const { state } = await runOrder(activities, async (workflowId) => {
      const handle = env.client.workflow.getHandle(workflowId);
      // The lifecycle goes on while PENDING's announcement is retried...
      await calledOnce(calls.ship);
      expect(calls.events).toEqual([]);
      expect(new Set(attempts)).toEqual(new Set(['PENDING']));
      // ...and the run stays open, COMPLETED, until the queue is published.
      await expect.poll(async () => (await handle.query(getOrderQuery)).status).toBe('COMPLETED');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      brokerUp = true;
    });
    expect(state.status).toBe('COMPLETED');
    expect(statuses(calls.events)).toEqual(['PENDING', 'PAID', 'SHIPPED', 'COMPLETED']);
    expect(attempts.length).toBeGreaterThan(calls.events.length); // PENDING was retried
  });
});
