import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useIsolatedStack } from '../support/isolated-stack';
import { sampleOrder } from '../../src/fixtures/sample-order';

// OpenTelemetry tracing, switched on by OTEL_EXPORTER_OTLP_ENDPOINT: a stack of its own (API,
// worker, sandbox on the shared Temporal server) exports to a stand-in OTLP/HTTP collector
// run by this test, and one order yields one trace from the API's workflow start through the
// workflow run to each activity.

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
}

const spans: ReceivedSpan[] = [];
let collector: Server;

// The stack's environment is read when its beforeAll runs, after this file's own beforeAll
// (registered first) has started the collector and filled in its endpoint.
const stackEnv: NodeJS.ProcessEnv = { OTEL_BSP_SCHEDULE_DELAY: '200', WORKER_METRICS_PORT: '0' };

beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        for (const rs of JSON.parse(body).resourceSpans ?? []) {
          const service = rs.resource?.attributes?.find((a: any) => a.key === 'service.name')?.value?.stringValue;
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? [])
              spans.push({
                service,
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId ?? '',
                name: s.name,
              });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  stackEnv.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});

const isolated = useIsolatedStack('tracing', stackEnv);

afterAll(async () => {
  await new Promise((resolve) => collector?.close(resolve));
});

describe('OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('traces an order from the API through the workflow to its activities', async () => {
    const orders = isolated.client;
    const order = sampleOrder();
    expect((await orders.submit(order)).status).toBe(202);
    expect((await orders.waitForOrder(order.orderId)).status).toBe('COMPLETED');

    const start = () => spans.find((s) => s.service === 'orders-api' && s.name === 'StartWorkflow:orderWorkflow');
    const ofTrace = (name: string) => spans.filter((s) => s.traceId === start()?.traceId && s.name === name);
    await expect
      .poll(
        () =>
          ['RunWorkflow:orderWorkflow', 'RunActivity:chargePayment', 'RunActivity:createShipment'].every(
            (n) => ofTrace(n).length > 0,
          ),
        {
          timeout: 15_000,
          interval: 200,
        },
      )
      .toBe(true);

    const run = ofTrace('RunWorkflow:orderWorkflow')[0];
    expect(run.service).toBe('orders-worker');
    expect(run.parentSpanId).toBe(start()!.spanId);
    for (const name of ['RunActivity:chargePayment', 'RunActivity:createShipment']) {
      const activity = ofTrace(name)[0];
      expect(activity.service).toBe('orders-worker');
      // RunActivity ← StartActivity (scheduled by the workflow) ← RunWorkflow
      const scheduled = spans.find((s) => s.spanId === activity.parentSpanId);
      expect(scheduled?.name).toBe(name.replace('RunActivity', 'StartActivity'));
      expect(scheduled?.parentSpanId).toBe(run.spanId);
    }
  });
});
