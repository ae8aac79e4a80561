// Structured logs of the worker and the API: one JSON line per event on stdout, through pino.
// The Temporal Runtime logger (see temporal-runtime.ts) receives everything the SDK logs: Rust
// core (forwarded), the worker itself, activities (`log` from @temporalio/activity) and
// workflows (`log` from @temporalio/workflow, carried out of the sandbox by the SDK's logger
// sink). This module maps those calls onto pino lines.
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { hostname } from 'node:os';
import pino from 'pino';
import { orderIdIn } from '../shared/order-contract';

/** The SDK's own key for the event's time (nanoseconds since epoch, a bigint). */
const LOG_TIMESTAMP = Symbol.for('log_timestamp');

const PINO_LEVELS: Record<LogLevel, pino.Level> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Temporal's level names for a pino level (`LOG_LEVEL`), used as the core log filter. */
export function temporalLogLevel(level: string): LogLevel {
  switch (level) {
    case 'trace':
      return 'TRACE';
    case 'debug':
      return 'DEBUG';
    case 'warn':
      return 'WARN';
    case 'error':
    case 'fatal':
      return 'ERROR';
    default:
      return 'INFO';
  }
}

/** Attributes the SDK adds that say nothing to a reader and would only lengthen each line. */
const DROPPED = new Set(['taskToken']);

export interface LogRecord {
  level: pino.Level;
  msg: string;
  fields: Record<string, unknown>;
}

/**
 * One SDK log call as a pino record: the SDK's timestamp becomes `time` (epoch ms), an
 * `error` becomes pino's `err` (serialised with its stack), and a workflow ID of an order
 * run (workflowIdFor) also yields `orderId`, the key the API's lines use.
 */
export function toLogRecord(level: LogLevel, message: string, meta: LogMetadata = {}): LogRecord {
  const fields: Record<string, unknown> = {};
  const timestamp = meta[LOG_TIMESTAMP];
  if (typeof timestamp === 'bigint') fields.time = Number(timestamp / 1_000_000n);
  for (const [key, value] of Object.entries(meta)) {
    if (DROPPED.has(key) || value === undefined) continue;
    if (key === 'error') fields.err = value;
    else fields[key] = typeof value === 'bigint' ? value.toString() : value;
  }
  const workflowId = fields.workflowId;
  if (typeof workflowId === 'string' && fields.orderId === undefined) {
    const orderId = orderIdIn(workflowId);
    if (orderId !== undefined) fields.orderId = orderId;
  }
  return { level: PINO_LEVELS[level] ?? 'info', msg: message, fields };
}

/** The fields on every line of a process's logs; `service` names its part ("worker", "api"). */
export function logBase(service: string) {
  return { service, pid: process.pid, hostname: hostname() };
}

/**
 * The process's pino logger. `service`: the process's part ("worker", "api"), on every line;
 * `destination` is for tests, stdout otherwise.
 */
export function createPino(service: string, level: string, destination?: pino.DestinationStream): pino.Logger {
  return pino(
    {
      level,
      base: logBase(service),
      // `time` comes first on every line; an SDK event's own time overrides the time of writing
      // (the Runtime buffers forwarded logs for ~100 ms to sort them).
      timestamp: false,
      mixin: () => ({ time: Date.now() }),
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

/** The Temporal `Logger` interface on top of pino: what `Runtime.install({ logger })` takes. */
export class PinoTemporalLogger implements Logger {
  constructor(readonly pino: pino.Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const record = toLogRecord(level, message, meta);
    this.pino[record.level](record.fields, record.msg);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
