// Configuration from the environment, with the defaults of docs/configuration.md. This
// folder is the one place that reads process.env (ESLint enforces it): every process, the
// launcher and the tools take typed values from here. This file holds the service's
// processes' part (API, worker, codec server, ingest); launcher.ts the launcher's and the
// tools'; sandbox.ts the sandbox providers'.
import { type Env, int, list, optional, port, str } from './env-values';

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

export function temporalConfig(env: Env = process.env): TemporalConfig {
  const apiKey = optional(env, 'TEMPORAL_API_KEY');
  const tlsCertPath = optional(env, 'TEMPORAL_TLS_CERT');
  const tlsKeyPath = optional(env, 'TEMPORAL_TLS_KEY');
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

export function apiConfig(env: Env = process.env) {
  return {
    host: str(env, 'HOST', '127.0.0.1'),
    port: port(env, 'PORT', 3000),
  };
}

const isPaymentsProvider = (value: string): value is 'sandbox' | 'stripe' => value === 'sandbox' || value === 'stripe';
export function codecServerConfig(env: Env = process.env) {
  return {
    host: str(env, 'CODEC_HOST', '127.0.0.1'),
    port: port(env, 'CODEC_PORT', 8888),
    /** The Temporal UI's origins (comma-separated): the browser calls the codec server from there. */
    corsOrigins: list(env, 'CODEC_CORS_ORIGINS', 'http://127.0.0.1:8233,http://localhost:8233'),
    authToken: optional(env, 'CODEC_AUTH_TOKEN'),
  };
}

/** Requests per API key per window, counted by each API process. */
export function rateLimitConfig(env: Env = process.env) {
  return {
    limit: int(env, 'API_RATE_LIMIT', 6_000),
    windowMs: int(env, 'API_RATE_LIMIT_WINDOW_S', 60) * 1000,
  };
}

export function providerConfig(env: Env = process.env) {
  const paymentsProvider = str(env, 'PAYMENTS_PROVIDER', 'sandbox');
  if (!isPaymentsProvider(paymentsProvider)) {
    throw new Error(`PAYMENTS_PROVIDER must be "sandbox" or "stripe", got "${paymentsProvider}"`);
  }
  return {
    /** Which PaymentProvider the worker uses; see docs/payment-providers.md. */
    paymentsProvider,
    paymentsUrl: str(env, 'PAYMENTS_URL', 'http://127.0.0.1:4001'),
    /** Only read with PAYMENTS_PROVIDER=stripe; the factory refuses to start without it. */
    stripeApiKey: optional(env, 'STRIPE_API_KEY'),
    /** Another Stripe API host (stripe-mock, a proxy); Stripe's own when unset. */
    stripeBaseUrl: optional(env, 'STRIPE_BASE_URL'),
    shippingUrl: str(env, 'SHIPPING_URL', 'http://127.0.0.1:4002'),
    /** Per-request HTTP timeout; shorter than the activity's start-to-close timeout. */
    requestTimeoutMs: int(env, 'PROVIDER_TIMEOUT_MS', 5_000),
  };
}

export function workerConfig(env: Env = process.env) {
  return {
    maxConcurrentActivities: int(env, 'WORKER_MAX_CONCURRENT_ACTIVITIES', 100),
    maxConcurrentWorkflowTasks: int(env, 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', 40),
    /**
     * Runs kept in memory between their workflow tasks (an evicted run is replayed from its
     * history at its next task). Fixed rather than the SDK's default, which grows with the
     * heap limit (about 2,300 runs on a 24 GiB host): the worker's memory follows this number,
     * not the backlog or the machine. See docs/benchmarks.md, "Memory".
     */
    maxCachedWorkflows: int(env, 'WORKER_MAX_CACHED_WORKFLOWS', 1000),
    /** Prebuilt workflow bundle (see `npm run build`); bundled at start-up when absent. */
    workflowBundlePath: optional(env, 'WORKFLOW_BUNDLE'),
    /**
     * The SDK's Prometheus exporter (worker and core runtime metrics) at
     * http://<host>:<port>/metrics. Port 0 turns it off; so does an empty value.
     */
    metricsHost: str(env, 'WORKER_METRICS_HOST', '127.0.0.1'),
    metricsPort: env.WORKER_METRICS_PORT === '' ? 0 : port(env, 'WORKER_METRICS_PORT', 9464),
  };
}

/**
 * OpenTelemetry tracing, off unless an OTLP endpoint is set. The standard OTEL_* variables
 * (headers, per-signal endpoints) are read by the exporter itself.
 */
export function tracingConfig(env: Env = process.env, defaultServiceName = 'orders') {
  const endpoint = optional(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? optional(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  return {
    enabled: endpoint !== undefined && env.OTEL_SDK_DISABLED !== 'true',
    endpoint,
    serviceName: str(env, 'OTEL_SERVICE_NAME', defaultServiceName),
  };
}

export function logLevel(env: Env = process.env): string {
  return str(env, 'LOG_LEVEL', 'info');
}

export function riskConfig(env: Env = process.env) {
  return {
    /** Orders above this total are refused by the risk check (cents). */
    maxOrderCents: int(env, 'RISK_MAX_ORDER_CENTS', 500_000),
    /** ISO country codes the risk check refuses, comma-separated. */
    blockedCountries: list(env, 'RISK_BLOCKED_COUNTRIES', ''),
  };
}

/**
 * The secrets as given, undefined where unset: ENCRYPTION_KEYS (`id:base64key,...`, parsed by
 * src/temporal/codec/encryption-keys.ts) and API_KEYS_FILE (src/api/auth/api-keys.ts). The
 * processes that need them refuse to start without; the launcher makes development ones.
 */
export function secretsConfig(env: Env = process.env) {
  return { encryptionKeys: optional(env, 'ENCRYPTION_KEYS'), apiKeysFile: optional(env, 'API_KEYS_FILE') };
}

/** The Kafka broker: the launcher starts it on these ports; clients connect to `brokers`. */
export function kafkaConfig(env: Env = process.env) {
  const brokerPort = port(env, 'KAFKA_PORT', 9092);
  return {
    port: brokerPort,
    controllerPort: port(env, 'KAFKA_CONTROLLER_PORT', brokerPort + 1),
    brokers: list(env, 'KAFKA_BROKERS', `127.0.0.1:${brokerPort}`),
  };
}

/**
 * Where the worker publishes order events (KAFKA_BROKERS); unset: nowhere. No default
 * broker here, unlike kafkaConfig: a worker without Kafka must not wait for one.
 */
export function orderEventBrokers(env: Env = process.env): string[] | undefined {
  const brokers = list(env, 'KAFKA_BROKERS', '');
  return brokers.length > 0 ? brokers : undefined;
}

/** The Kafka ingest's way into the API. */
export function ingestConfig(env: Env = process.env) {
  return {
    apiUrl: str(env, 'INGEST_API_URL', `http://127.0.0.1:${apiConfig(env).port}`),
    /** A key with orders:write; unset, the development key `npm start` keeps in its data folder. */
    apiKey: optional(env, 'INGEST_API_KEY'),
  };
}
