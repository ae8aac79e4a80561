import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workflowIdFor } from '../../src/shared/order-contract';
import type { OrderActivities } from '../../activities';
import { activityCompletionLogging } from '../../src/worker/activity-logging';
import { PinoTemporalLogger, createPino } from '../../src/telemetry/logger';
import { installRuntime } from '../../src/telemetry/temporal-runtime';
import { freePort } from '../../src/stack/free-port';
import { sampleOrder } from '../../src/fixtures/sample-order';

// The worker's Runtime set up as src/worker/main.ts does (JSON logs through pino, the SDK's
// Prometheus exporter), in this test process, against the test stack's Temporal server, on
// a task queue of its own with stand-in activities: an order run must leave JSON lines that
// name its workflow (workflow logs come through the SDK's logger sink), and the exporter must
// serve the worker's metrics for it.

// Stand-ins for every activity the order workflow calls (typed against the real ones).
const fakeActivities: OrderActivities = {
  assessRisk: async () => ({ approved: true }),
  chargePayment: async () => ({ chargeId: 'ch_test' }),
  refundPayment: async () => ({ refundId: 're_test' }),
  createShipment: async () => ({ shipmentId: 'shp_test', trackingNumber: 'TRK_TEST' }),
  publishOrderEvent: async () => {},
};

describe('worker runtime: JSON logs and Prometheus metrics', () => {
  const lines: Record<string, any>[] = [];
  let metricsUrl: string | undefined;
  let runtimeFlush: () => void;
  let connection: NativeConnection;
  let clientConnection: Connection;

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const installed = installRuntime({
      logger: new PinoTemporalLogger(createPino('worker', 'debug', stream)),
      level: 'info',
      metricsHost: '127.0.0.1',
      metricsPort: await freePort(),
    });
    metricsUrl = installed.metricsUrl;
    runtimeFlush = () => installed.runtime.flushLogs();
    connection = await NativeConnection.connect({ address: inject('stack').temporal });
    clientConnection = await Connection.connect({ address: inject('stack').temporal });
  });

  afterAll(async () => {
    await clientConnection?.close();
    await connection?.close();
  });

  it('logs an order run with its workflowId/orderId and exports worker metrics', async () => {
    const taskQueue = `telemetry-${randomUUID()}`;
    const order = sampleOrder();
    const workflowId = workflowIdFor(order.orderId);
    const worker = await Worker.create({
      connection,
      namespace: 'default',
      taskQueue,
      workflowBundle: { codePath: join(__dirname, '..', '..', 'dist', 'workflow-bundle.js') },
      activities: fakeActivities,
      interceptors: { activity: [activityCompletionLogging] },
    });
    const client = new Client({ connection: clientConnection, namespace: 'default' });
    const result = await worker.runUntil(
      client.workflow.execute('orderWorkflow', {
        taskQueue,
        workflowId,
        args: [order],
        workflowExecutionTimeout: '30s',
      }),
    );
    expect(result).toMatchObject({ status: 'COMPLETED' });
    runtimeFlush();

    const ofRun = lines.filter((l) => l.workflowId === workflowId);
    // From inside the workflow sandbox, through the logger sink: the SDK's lifecycle lines.
    expect(ofRun).toContainEqual(
      expect.objectContaining({
        msg: 'Workflow started',
        level: 20,
        orderId: order.orderId,
        workflowType: 'orderWorkflow',
        taskQueue,
      }),
    );
    expect(ofRun).toContainEqual(expect.objectContaining({ msg: 'Workflow completed', orderId: order.orderId }));
    // Each effect, at INFO, with the activity's own attributes.
    for (const activityType of ['chargePayment', 'createShipment']) {
      expect(ofRun).toContainEqual(
        expect.objectContaining({
          msg: 'Activity completed',
          level: 30,
          activityType,
          attempt: 1,
          orderId: order.orderId,
          service: 'worker',
        }),
      );
    }
    expect(ofRun.every((l) => typeof l.time === 'number' && l.taskToken === undefined)).toBe(true);
    // Rust core's own lines are forwarded into the same stream.
    expect(lines).toContainEqual(
      expect.objectContaining({ sdkComponent: 'core', msg: 'Initializing worker', taskQueue }),
    );

    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const text = await (await fetch(metricsUrl!)).text();
    const sample = (name: string, label: string) =>
      text
        .split('\n')
        .find(
          (line) => line.startsWith(`${name}{`) && line.includes(label) && line.includes(`task_queue="${taskQueue}"`),
        );
    expect(sample('temporal_workflow_completed', 'workflow_type="orderWorkflow"')).toMatch(/ 1$/);
    expect(sample('temporal_activity_execution_latency_count', 'activity_type="chargePayment"')).toMatch(/ 1$/);
  });
});
