// The Temporal Runtime of a process (the worker's, and the API's under its native connection):
// where the SDK's logs and metrics go. Installed once, before the first connection or worker.
import { Runtime, type RuntimeOptions, type TelemetryOptions } from '@temporalio/worker';
import type { Logger } from '@temporalio/common';
import { temporalLogLevel } from './logger';

export interface RuntimeSettings {
  /** Receives all SDK logs: worker, activities, workflows (via the logger sink) and, forwarded, Rust core. */
  logger: Logger;
  /** pino level name (`LOG_LEVEL`); also the level from which core logs are forwarded. */
  level: string;
  /** Prometheus exporter bind host and port; port 0 turns it off. */
  metricsHost: string;
  metricsPort: number;
}

/** The Prometheus exporter's bind address, or undefined when metrics are off. */
export function metricsBindAddress(host: string, port: number): string | undefined {
  if (!port) return undefined;
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function runtimeOptions(settings: RuntimeSettings, withMetrics = true): RuntimeOptions {
  const bindAddress = withMetrics ? metricsBindAddress(settings.metricsHost, settings.metricsPort) : undefined;
  const telemetryOptions: TelemetryOptions = {
    // Core's own logs join the same JSON stream instead of going to the console in its format.
    logging: { filter: { core: temporalLogLevel(settings.level), other: 'WARN' }, forward: {} },
  };
  if (bindAddress) telemetryOptions.metrics = { prometheus: { bindAddress } };
  return { logger: settings.logger, telemetryOptions };
}

/**
 * Installs the Runtime. If the metrics port cannot be bound (say, taken by another worker on
 * the same machine), the worker still runs, without metrics, and says so: metrics are not
 * worth refusing orders for.
 */
export function installRuntime(settings: RuntimeSettings): { runtime: Runtime; metricsUrl?: string } {
  const bindAddress = metricsBindAddress(settings.metricsHost, settings.metricsPort);
  if (!bindAddress) return { runtime: Runtime.install(runtimeOptions(settings, false)) };
  try {
    return { runtime: Runtime.install(runtimeOptions(settings)), metricsUrl: `http://${bindAddress}/metrics` };
  } catch (err) {
    settings.logger.warn(`Prometheus metrics exporter could not bind ${bindAddress}; running without worker metrics`, {
      reason: err instanceof Error ? err.message : String(err),
    });
    return { runtime: Runtime.install(runtimeOptions(settings, false)) };
  }
}
