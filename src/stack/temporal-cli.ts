import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { temporalCliSetting } from '../config/launcher';
import { ORDER_SEARCH_ATTRIBUTES } from '../shared/order-contract';

const run = promisify(execFile);

/** The Temporal CLI: $TEMPORAL_CLI, else the pinned one scripts/setup.mjs installs, else `temporal` on PATH. */
export function temporalCli(root: string): string {
  const given = temporalCliSetting();
  if (given) return given;
  const local = join(root, '.tools', 'venv', 'bin', 'temporal');
  return existsSync(local) ? local : 'temporal';
}

export interface DevServerOptions {
  dbFile: string;
  port: number;
  uiPort: number;
  /** The codec server the UI decrypts payloads through. */
  codecEndpoint: string;
}

export function devServerArgs({ dbFile, port, uiPort, codecEndpoint }: DevServerOptions): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--db-filename',
    dbFile,
    '--ui-codec-endpoint',
    codecEndpoint,
    '--log-level',
    'warn',
    // JSON like our processes' logs: `npm start` shows each line with its level (log-lines.ts).
    '--log-format',
    'json',
    // WAL with synchronous=NORMAL: durable across a crash of the process (not of the machine),
    // and about twice the throughput of SQLite's default rollback journal (docs/benchmarks.md).
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    // A deleted workflow (`temporal workflow delete`, what retention does) is gone once the
    // transfer queue's ack level is saved: every 30 s by default, every second here, so the
    // tests and the chaos run that forget orders need not wait half a minute each time.
    '--dynamic-config-value',
    'history.transferProcessorUpdateAckInterval="1s"',
    // The CLI turns this on so that new search attributes are usable at once; with SQL
    // visibility it only re-reads a table at every lookup (see deploy/temporal/dynamicconfig).
    // prepareNamespace waits until the attributes resolve instead.
    '--dynamic-config-value',
    'system.forceSearchAttributesCacheRefreshOnRead=false',
  ];
}

export async function isServing(cli: string, address: string): Promise<boolean> {
  const { stdout } = await run(cli, ['operator', 'cluster', 'health', '--address', address], { timeout: 5_000 });
  return stdout.includes('SERVING');
}

/** The CLI's name of each search attribute type (`--type`), as deploy/ registers them too. */
export const CLI_TYPES = {
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  TEXT: 'Text',
  KEYWORD_LIST: 'KeywordList',
};

/**
 * Registers the project's search attributes (a no-op for those already there, so it also
 * upgrades an existing database) and sets the namespace's retention: how long closed
 * orders, and with them workflow-level dedup and their status, are kept.
 */
export async function prepareNamespace(
  cli: string,
  address: string,
  namespace: string,
  retention: string,
): Promise<void> {
  const attributes = ORDER_SEARCH_ATTRIBUTES.flatMap((key) => ['--name', key.name, '--type', CLI_TYPES[key.type]]);
  await run(cli, [
    'operator',
    'search-attribute',
    'create',
    '--address',
    address,
    '--namespace',
    namespace,
    ...attributes,
  ]);
  await run(cli, [
    'operator',
    'namespace',
    'update',
    '--address',
    address,
    '--namespace',
    namespace,
    '--retention',
    retention,
  ]);
  await untilAttributesResolve(cli, address, namespace);
}

/** A visibility query on every search attribute answers once the frontend's namespace cache has them (every 2 s). */
async function untilAttributesResolve(cli: string, address: string, namespace: string): Promise<void> {
  const query = ORDER_SEARCH_ATTRIBUTES.map((key) => `${key.name} = ${key.type === 'INT' ? '0' : "'-'"}`).join(' AND ');
  const args = ['workflow', 'count', '--address', address, '--namespace', namespace, '--query', query];
  for (let attempt = 1; ; attempt++) {
    try {
      await run(cli, args, { timeout: 5_000 });
      return;
    } catch (err) {
      if (attempt >= 40) throw err;
      await sleep(250);
    }
  }
}
