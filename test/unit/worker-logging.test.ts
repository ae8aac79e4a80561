import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { tracingConfig, workerConfig } from '../../src/config/service';
import { workflowIdFor } from '../../src/shared/order-contract';
import { PinoTemporalLogger, createPino, temporalLogLevel, toLogRecord } from '../../src/telemetry/logger';
import { metricsBindAddress, runtimeOptions } from '../../src/telemetry/temporal-runtime';

const LOG_TIMESTAMP = Symbol.for('log_timestamp');

/** A pino destination that keeps each JSON line. */
function capture() {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe('worker log forwarding (SDK Logger → pino JSON)', () => {
  it('maps a workflow log call: SDK time, workflow attributes, orderId from the workflow ID', () => {
    const record = toLogRecord('INFO', 'Order paid', {
      [LOG_TIMESTAMP]: 1_700_000_000_123_456_789n,
      sdkComponent: 'workflow',
      namespace: 'default',
      taskQueue: 'orders',
      workflowId: workflowIdFor('o-42'),
      runId: 'run-1',
      workflowType: 'orderWorkflow',
    });
    expect(record).toEqual({
      level: 'info',
      msg: 'Order paid',
      fields: {
        time: 1_700_000_000_123,
        sdkComponent: 'workflow',
        namespace: 'default',
        taskQueue: 'orders',
        workflowId: workflowIdFor('o-42'),
        runId: 'run-1',
        workflowType: 'orderWorkflow',
        orderId: 'o-42',
      },
    });
  });

  it('maps an activity failure: error → err, task token dropped, levels translated', () => {
    const error = new Error('POST /v1/charges answered 503');
    const record = toLogRecord('WARN', 'Activity failed', {
      activityType: 'chargePayment',
      attempt: 3,
      taskToken: 'c2VjcmV0LXRhc2stdG9rZW4=',
      workflowId: workflowIdFor('o-7'),
      error,
    });
    expect(record.level).toBe('warn');
    expect(record.fields).toEqual({
      activityType: 'chargePayment',
      attempt: 3,
      workflowId: workflowIdFor('o-7'),
      orderId: 'o-7',
      err: error,
    });
    expect(toLogRecord('TRACE', 'x').level).toBe('trace');
    expect(toLogRecord('DEBUG', 'x').level).toBe('debug');
    expect(toLogRecord('ERROR', 'x').level).toBe('error');
  });

  it('leaves workflow IDs that are not orders alone and keeps an explicit orderId', () => {
    expect(toLogRecord('INFO', 'x', { workflowId: 'cron-1' }).fields).toEqual({ workflowId: 'cron-1' });
    expect(toLogRecord('INFO', 'x', { workflowId: workflowIdFor('a'), orderId: 'b' }).fields.orderId).toBe('b');
    expect(toLogRecord('INFO', 'x', { big: 12n }).fields.big).toBe('12');
  });

  it('writes one JSON line per call, filtered by level, with the error serialised', () => {
    const { lines, stream } = capture();
    const logger = new PinoTemporalLogger(createPino('worker', 'info', stream));
    logger.debug('Workflow started', { workflowId: workflowIdFor('x') });
    logger.info('Activity completed', {
      [LOG_TIMESTAMP]: 1_700_000_000_000_000_000n,
      workflowId: workflowIdFor('x'),
      durationMs: 12,
    });
    logger.error('Activity failed', { workflowId: workflowIdFor('x'), error: new Error('boom') });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 30,
      service: 'worker',
      time: 1_700_000_000_000,
      workflowId: workflowIdFor('x'),
      orderId: 'x',
      durationMs: 12,
      msg: 'Activity completed',
    });
    expect(lines[1]).toMatchObject({ level: 50, msg: 'Activity failed', err: { type: 'Error', message: 'boom' } });
    expect(lines[1].err.stack).toContain('boom');
    expect(typeof lines[1].time).toBe('number');
  });

  it("translates LOG_LEVEL into the core log filter and forwards core's logs", () => {
    expect(temporalLogLevel('debug')).toBe('DEBUG');
    expect(temporalLogLevel('info')).toBe('INFO');
    expect(temporalLogLevel('fatal')).toBe('ERROR');
    const logger = new PinoTemporalLogger(createPino('worker', 'warn', capture().stream));
    const options = runtimeOptions({ logger, level: 'warn', metricsHost: '127.0.0.1', metricsPort: 9464 });
    expect(options.logger).toBe(logger);
    expect(options.telemetryOptions).toEqual({
      logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} },
      metrics: { prometheus: { bindAddress: '127.0.0.1:9464' } },
    });
    expect(
      runtimeOptions({ logger, level: 'info', metricsHost: '127.0.0.1', metricsPort: 0 }).telemetryOptions?.metrics,
    ).toBeUndefined();
  });
});

describe('worker metrics and tracing configuration', () => {
  it('serves Prometheus metrics on 127.0.0.1:9464 by default; 0 or empty turns them off', () => {
    expect(workerConfig({})).toMatchObject({ metricsHost: '127.0.0.1', metricsPort: 9464 });
    expect(workerConfig({ WORKER_METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(workerConfig({ WORKER_METRICS_PORT: '' }).metricsPort).toBe(0);
    expect(workerConfig({ WORKER_METRICS_PORT: '19464', WORKER_METRICS_HOST: '0.0.0.0' })).toMatchObject({
      metricsHost: '0.0.0.0',
      metricsPort: 19464,
    });
    expect(() => workerConfig({ WORKER_METRICS_PORT: 'nine' })).toThrow(/WORKER_METRICS_PORT/);
    expect(metricsBindAddress('127.0.0.1', 0)).toBeUndefined();
    expect(metricsBindAddress('0.0.0.0', 9464)).toBe('0.0.0.0:9464');
    expect(metricsBindAddress('::1', 9464)).toBe('[::1]:9464');
  });

  it('turns tracing on only when an OTLP endpoint is set', () => {
    expect(tracingConfig({}, 'orders-worker')).toEqual({
      enabled: false,
      endpoint: undefined,
      serviceName: 'orders-worker',
    });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, 'orders-api')).toEqual({
      enabled: true,
      endpoint: 'http://127.0.0.1:4318',
      serviceName: 'orders-api',
    });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(
      false,
    );
    expect(
      tracingConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces', OTEL_SERVICE_NAME: 'w' }),
    ).toMatchObject({
      enabled: true,
      serviceName: 'w',
    });
  });
});
