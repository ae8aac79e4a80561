// The Temporal worker process: runs order workflows and their activities.
// Logs: JSON lines on stdout (pino), SDK core, worker, activity and workflow logs included.
// Metrics: the SDK's Prometheus exporter on WORKER_METRICS_HOST:WORKER_METRICS_PORT.
// Tracing: OpenTelemetry, only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
import { NativeConnection, Worker } from '@temporalio/worker';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import { createActivities } from '../../activities';
import { type EventSink, kafkaEventSink, noEventSink } from '../events/event-sink';
import { paymentProviderFromConfig } from '../providers/payment-provider';
import { localRiskRules } from '../providers/risk';
import { sandboxShipping } from '../providers/shipping';
import {
  logLevel,
  orderEventBrokers,
  providerConfig,
  riskConfig,
  temporalConfig,
  workerConfig,
} from '../config/service';
import { encryptingDataConverter } from '../temporal/codec/data-converter';
import { connectionOptions } from '../temporal/connection-options';
import { startTracing } from '../telemetry/tracing';
import { activityCompletionLogging } from './activity-logging';
import { PinoTemporalLogger, createPino } from '../telemetry/logger';
import { installRuntime } from '../telemetry/temporal-runtime';
import { workflowSource } from './workflow-source';

const pino = createPino('worker', logLevel());
const logger = new PinoTemporalLogger(pino);

async function main() {
  const temporal = temporalConfig();
  const providers = providerConfig();
  const tuning = workerConfig();
  const { runtime, metricsUrl } = installRuntime({
    logger,
    level: pino.level,
    metricsHost: tuning.metricsHost,
    metricsPort: tuning.metricsPort,
  });
  const tracing = startTracing('orders-worker');
  const brokers = orderEventBrokers();
  const events: EventSink = brokers ? kafkaEventSink(brokers) : noEventSink;

  const connection = await NativeConnection.connect(connectionOptions(temporal));
  const worker = await Worker.create({
    connection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    dataConverter: encryptingDataConverter(),
    // The tracing plugin adds workflow interceptors, which must be bundled with the workflow
    // code: with tracing on, bundle at start-up instead of using the prebuilt bundle.
    ...(await workflowSource(tracing ? undefined : tuning.workflowBundlePath)),
    activities: createActivities({
      payments: paymentProviderFromConfig(providers),
      shipping: sandboxShipping(providers.shippingUrl, providers.requestTimeoutMs),
      risk: localRiskRules(riskConfig()),
      events,
    }),
    maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTasks,
    maxCachedWorkflows: tuning.maxCachedWorkflows,
    interceptors: { activity: [activityCompletionLogging] },
    plugins: tracing
      ? [new OpenTelemetryPlugin({ resource: tracing.resource, spanProcessor: tracing.spanProcessor })]
      : [],
  });
  pino.info(
    {
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      temporalAddress: temporal.address,
      metrics: metricsUrl ?? null,
      orderEvents: events.target,
      tracing: tracing ? { endpoint: tracing.endpoint, serviceName: tracing.serviceName } : null,
    },
    'worker started',
  );
  // Worker.run() returns after SIGINT/SIGTERM once in-flight tasks have drained.
  await worker.run();
  await events.close();
  await connection.close();
  await tracing?.shutdown();
  runtime.flushLogs();
  pino.info('worker stopped');
}

main().catch((err) => {
  pino.fatal({ err }, 'worker failed');
  process.exit(1);
});
