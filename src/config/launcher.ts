// What the launcher (src/stack) and the tools run beside a stack (audit, reconcile, ingest
// by hand) read from the environment. Defaults shared with a service process come from its
// config, so each variable has one default.
import { resolve } from 'node:path';
import { type Env, optional, port, str } from './env-values';
import { sandboxConfig } from './sandbox';
import { apiConfig, codecServerConfig, temporalConfig } from './service';

/** DATA_DIR, resolved; undefined when unset (the launcher then uses .data/ in the project). */
export function dataDirSetting(env: Env = process.env): string | undefined {
  const dataDir = optional(env, 'DATA_DIR');
  return dataDir === undefined ? undefined : resolve(dataDir);
}

/** `npm start`'s ports, namespace and retention (how long closed orders are kept). */
export function stackConfig(env: Env = process.env) {
  const sandbox = sandboxConfig(env);
  return {
    ports: {
      temporal: port(env, 'TEMPORAL_PORT', 7233),
      temporalUi: port(env, 'TEMPORAL_UI_PORT', 8233),
      codec: codecServerConfig(env).port,
      api: apiConfig(env).port,
      payments: sandbox.payments.port,
      shipping: sandbox.shipping.port,
      postgres: port(env, 'POSTGRES_PORT', 5432),
    },
    namespace: temporalConfig(env).namespace,
    retention: str(env, 'TEMPORAL_RETENTION', '720h'),
  };
}

/** TEMPORAL_CLI: the Temporal CLI to run instead of the pinned one; undefined when unset. */
export function temporalCliSetting(env: Env = process.env): string | undefined {
  return optional(env, 'TEMPORAL_CLI');
}

/** The production engine's PostgreSQL password (its cluster is local and made by the launcher). */
export function postgresPassword(env: Env = process.env): string {
  return str(env, 'POSTGRES_PASSWORD', 'temporal');
}

/**
 * How `npm start` prints its processes' logs: `pretty` (pino-pretty, coloured, one line each
 * with the process name) on a terminal, `json` (one JSON object a line) elsewhere; LOG_FORMAT
 * overrides either way.
 */
export function logFormat(env: Env = process.env, terminal = process.stdout.isTTY === true) {
  const format = str(env, 'LOG_FORMAT', terminal ? 'pretty' : 'json');
  if (format !== 'pretty' && format !== 'json')
    throw new Error(`LOG_FORMAT must be "pretty" or "json", got "${format}"`);
  return format;
}

/**
 * NODE_OPTIONS of the API replicas and the workers: a V8 heap limit first (docker-compose.yml
 * sets the same), then the caller's own NODE_OPTIONS, which win. Without a limit V8 sizes
 * each heap from the host's memory (about 4 GiB here) and lets garbage pile up between
 * collections, so resident memory grew with the work served (API 186 to 316 MiB over 10,000
 * duplicates; worker 347 to 482 MiB from 1,000 to 10,000 orders). The limit applies to each
 * V8 heap of the process: the API holds about 40 MiB of live objects under load; the
 * worker's main thread 45-60 MiB, 71 when a provider outage keeps 1,000 orders retrying,
 * and its workflow thread 24 MiB, 76 with 1,000 runs in its cache (WORKER_MAX_CACHED_WORKFLOWS;
 * a larger cache needs a larger limit). See docs/benchmarks.md, "Memory".
 */
export const NODE_HEAP_LIMIT = '--max-old-space-size=192';
export function serviceNodeOptions(env: Env = process.env): string {
  return [NODE_HEAP_LIMIT, optional(env, 'NODE_OPTIONS')].filter(Boolean).join(' ');
}
