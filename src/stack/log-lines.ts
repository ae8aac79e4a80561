import { levels } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { logFormat } from '../config/launcher';

// `npm start` prints every process's output on its own stdout, one line per log record,
// named after the process: on a terminal through pino's pretty printer, elsewhere as JSON
// lines with a `name` field, so that the interleaved output of four processes stays
// readable to a person and parseable by a tool. Our processes and the Temporal CLI log JSON;
// what is not JSON (a stack trace) becomes an `info` record of its own.

export type LogFormat = ReturnType<typeof logFormat>;

function record(name: string, line: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(line);
    // The sandbox's own lines carry no time: they get the time they arrived.
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { time: Date.now(), ...parsed, name };
  } catch {
    // not JSON: below
  }
  return { level: levels.values.info, time: Date.now(), name, msg: line };
}

/** A record's level as pino's number: pino writes numbers, the Temporal CLI names ("warn"). */
function levelOf(record: Record<string, unknown>): number {
  const { level } = record;
  return typeof level === 'number' ? level : (levels.values[String(level).toLowerCase()] ?? levels.values.info);
}

/**
 * Turns one line of a named process's output into the line `npm start` prints (with its
 * newline), or '' for a record below `minLevel` (a pino level name).
 */
export function logLineFormatter(
  format: LogFormat,
  colorize: boolean,
): (name: string, line: string, minLevel?: string) => string {
  const pretty = prettyFactory({
    colorize,
    translateTime: 'HH:MM:ss.l',
    singleLine: true,
    // Same on every line (pid, host, the worker's `service`), or bulky (request headers).
    ignore: 'pid,hostname,service,req.headers,res.headers',
  });
  return (name, line, minLevel = 'trace') => {
    const parsed = record(name, line);
    if (levelOf(parsed) < levels.values[minLevel]) return '';
    return format === 'json' ? `${JSON.stringify(parsed)}\n` : pretty(parsed);
  };
}
