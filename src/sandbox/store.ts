import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import stableStringify from 'safe-stable-stringify';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

// A provider's SQLite store: its ledger tables plus the idempotency records. An effect and
// the response stored under its key are written in one transaction.

export type Db = Database.Database;

const IDEMPOTENCY_SCHEMA = `
  CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
    status_code INTEGER,
    response TEXT,
    created_at TEXT NOT NULL
  );`;

export function openStore(file: string, ledgerSchema: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(IDEMPOTENCY_SCHEMA + ledgerSchema);
  // No request survives a restart: keys left in flight by a killed process are free again.
  db.prepare(`DELETE FROM idempotency WHERE state = 'in_flight'`).run();
  return db;
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${stableStringify(body ?? null)}`)
    .digest('hex');
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(10).toString('hex')}`;
}
