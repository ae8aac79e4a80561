// Configuration from the environment, with the defaults of DESIGN.md. Every process
// (API, worker, sandbox, stack launcher) reads the part it needs from here.

function str(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Base URL of the Temporal Web UI, for links in the order view. */
  uiUrl: string;
  tls: boolean;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  apiKey?: string;
}

export function temporalConfig(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  const tlsCertPath = env.TEMPORAL_TLS_CERT || undefined;
  const tlsKeyPath = env.TEMPORAL_TLS_KEY || undefined;
  return {
    address: str(env, 'TEMPORAL_ADDRESS', '127.0.0.1:7233'),
    namespace: str(env, 'TEMPORAL_NAMESPACE', 'default'),
    taskQueue: str(env, 'TEMPORAL_TASK_QUEUE', 'orders'),
    uiUrl: str(env, 'TEMPORAL_UI_URL', 'http://127.0.0.1:8233'),
    tls: env.TEMPORAL_TLS === 'true' || Boolean(apiKey || tlsCertPath),
    tlsCertPath,
    tlsKeyPath,
    apiKey,
  };
}

export function apiConfig(env: NodeJS.ProcessEnv = process.env) {
  return {
    host: str(env, 'HOST', '127.0.0.1'),
    port: int(env, 'PORT', 3000),
  };
}

const isPaymentsProvider = (value: string): value is 'sandbox' | 'stripe' => value === 'sandbox' || value === 'stripe';
export function codecServerConfig(env: NodeJS.ProcessEnv = process.env) {
  return {
    host: str(env, 'CODEC_HOST', '127.0.0.1'),
    port: int(env, 'CODEC_PORT', 8888),
    /** The Temporal UI's origins (comma-separated): the browser calls the codec server from there. */
    corsOrigins: str(env, 'CODEC_CORS_ORIGINS', 'http://127.0.0.1:8233,http://localhost:8233')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    authToken: env.CODEC_AUTH_TOKEN || undefined,
  };
}

/** Requests per API key per window, counted by each API process. */
export function rateLimitConfig(env: NodeJS.ProcessEnv = process.env) {
  return {
    limit: int(env, 'API_RATE_LIMIT', 6_000),
    windowMs: int(env, 'API_RATE_LIMIT_WINDOW_S', 60) * 1000,
  };
}

export function providerConfig(env: NodeJS.ProcessEnv = process.env) {
  const paymentsProvider = str(env, 'PAYMENTS_PROVIDER', 'sandbox');
  if (!isPaymentsProvider(paymentsProvider)) {
    throw new Error(`PAYMENTS_PROVIDER must be "sandbox" or "stripe", got "${paymentsProvider}"`);
  }
  return {
    /** Which PaymentProvider the worker uses; see docs/payment-providers.md. */
    paymentsProvider,
    paymentsUrl: str(env, 'PAYMENTS_URL', 'http://127.0.0.1:4001'),
    /** Only read with PAYMENTS_PROVIDER=stripe; the factory refuses to start without it. */
    stripeApiKey: env.STRIPE_API_KEY || undefined,
    /** Another Stripe API host (stripe-mock, a proxy); Stripe's own when unset. */
    stripeBaseUrl: env.STRIPE_BASE_URL || undefined,
    shippingUrl: str(env, 'SHIPPING_URL', 'http://127.0.0.1:4002'),
    /** Per-request HTTP timeout; shorter than the activity's start-to-close timeout. */
    requestTimeoutMs: int(env, 'PROVIDER_TIMEOUT_MS', 5_000),
  };
}

export function workerConfig(env: NodeJS.ProcessEnv = process.env) {
  return {
    maxConcurrentActivities: int(env, 'WORKER_MAX_CONCURRENT_ACTIVITIES', 100),
    maxConcurrentWorkflowTasks: int(env, 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', 40),
    /** Prebuilt workflow bundle (see `npm run build`); bundled at start-up when absent. */
    workflowBundlePath: env.WORKFLOW_BUNDLE || undefined,
    /**
     * The SDK's Prometheus exporter (worker and core runtime metrics) at
     * http://<host>:<port>/metrics. Port 0 turns it off; so does an empty value.
     */
    metricsHost: str(env, 'WORKER_METRICS_HOST', '127.0.0.1'),
    metricsPort: env.WORKER_METRICS_PORT === '' ? 0 : int(env, 'WORKER_METRICS_PORT', 9464),
  };
}

/**
 * OpenTelemetry tracing, off unless an OTLP endpoint is set. The standard OTEL_* variables
 * (headers, per-signal endpoints) are read by the exporter itself.
 */
export function tracingConfig(env: NodeJS.ProcessEnv = process.env, defaultServiceName = 'orders') {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
  return {
    enabled: endpoint !== undefined && env.OTEL_SDK_DISABLED !== 'true',
    endpoint,
    serviceName: str(env, 'OTEL_SERVICE_NAME', defaultServiceName),
  };
}

export function logLevel(env: NodeJS.ProcessEnv = process.env): string {
  return str(env, 'LOG_LEVEL', 'info');
}

export function riskConfig(env: NodeJS.ProcessEnv = process.env) {
  return {
    /** Orders above this total are refused by the risk check (cents). */
    maxOrderCents: int(env, 'RISK_MAX_ORDER_CENTS', 500_000),
    /** ISO country codes the risk check refuses, comma-separated. */
    blockedCountries: (env.RISK_BLOCKED_COUNTRIES ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
  };
}
