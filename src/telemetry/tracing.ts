// Optional OpenTelemetry tracing for the API and the worker, off by default: on when
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set. Spans go to an
// OTLP/HTTP collector (e.g. http://127.0.0.1:4318; the exporter appends /v1/traces).
// The Temporal interceptors (@temporalio/interceptors-opentelemetry) propagate the trace
// from the API's workflow start through the workflow to each activity, so one trace shows
// "POST /orders → StartWorkflow → RunWorkflow → RunActivity:chargePayment → ...".
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { tracingConfig } from '../config/service';

export interface Tracing {
  serviceName: string;
  endpoint: string;
  resource: Resource;
  spanProcessor: SpanProcessor;
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * Registers a global tracer provider (W3C trace-context propagation, async-hooks context)
 * exporting over OTLP/HTTP, or returns undefined when tracing is not configured.
 */
export function startTracing(defaultServiceName: string, env?: NodeJS.ProcessEnv): Tracing | undefined {
  const config = tracingConfig(env, defaultServiceName);
  if (!config.enabled || !config.endpoint) return undefined;
  const resource = new Resource({ 'service.name': config.serviceName });
  // The exporter reads OTEL_EXPORTER_OTLP_* itself (endpoint, headers, timeout).
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  active = {
    serviceName: config.serviceName,
    endpoint: config.endpoint,
    resource,
    spanProcessor,
    shutdown: () => provider.shutdown(),
  };
  return active;
}

let active: Tracing | undefined;

/** Flushes and stops the tracing started in this process, if any (for shutdown hooks). */
export async function shutdownTracing(): Promise<void> {
  const tracing = active;
  active = undefined;
  await tracing?.shutdown();
}
