import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { type Faults, drawFaults, faultsSchema } from './faults';
import { type Db, requestHash } from './store';

// What every sandbox provider shares: Stripe-style Idempotency-Key handling, fault
// injection and error bodies. A provider adds its routes with `idempotentPost`.

export interface Outcome {
  statusCode: number;
  body: unknown;
}

interface IdempotencyRow {
  request_hash: string;
  created_at: string;
  state: 'in_flight' | 'done';
  status_code: number | null;
  response: string | null;
}

export const errorBody = (type: string, message: string) => ({ error: { type, message } });

export interface ProviderOptions {
  faults?: Faults;
  /**
   * Seconds after which a stored key is forgotten, as real providers do (Stripe: 24 h);
   * undefined keeps keys forever. A key still in flight never expires.
   */
  keyTtlS?: number;
  /** Fastify's log level (default warn). */
  logLevel?: string;
}

export function createProviderApp(db: Db, { faults: initialFaults = {}, keyTtlS, logLevel = 'warn' }: ProviderOptions) {
  const app = Fastify({ logger: { level: logLevel }, forceCloseConnections: true });
  let faults = initialFaults;

  app.get('/v1/faults', async () => faults);
  app.put('/v1/faults', async (req, reply) => {
    const parsed = faultsSchema.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(400).send(errorBody('invalid_request', parsed.error.message));
    faults = parsed.data;
    return faults;
  });
  app.get('/health', async () => ({ status: 'ok' }));

  const findKey = db.prepare<[string], IdempotencyRow>(
    'SELECT request_hash, state, status_code, response, created_at FROM idempotency WHERE key = ?',
  );
  const forget = db.prepare(`DELETE FROM idempotency WHERE key = ? AND state = 'done'`);
  /** The key's record, unless it has expired (then it is deleted: the key is new again). */
  const find = (key: string): IdempotencyRow | undefined => {
    const row = findKey.get(key);
    if (row?.state === 'done' && keyTtlS !== undefined && Date.parse(row.created_at) + keyTtlS * 1000 <= Date.now()) {
      forget.run(key);
      return undefined;
    }
    return row;
  };
  const lock = db.prepare(
    `INSERT INTO idempotency (key, request_hash, state, created_at) VALUES (?, ?, 'in_flight', ?)`,
  );
  const release = db.prepare(`DELETE FROM idempotency WHERE key = ? AND state = 'in_flight'`);
  const complete = db.prepare(`UPDATE idempotency SET state = 'done', status_code = ?, response = ? WHERE key = ?`);

  /**
   * Registers a POST whose effect runs once per idempotency key. `effect` runs inside one
   * SQLite transaction together with the write of its stored response.
   */
  function idempotentPost<S extends z.ZodType>(
    path: string,
    schema: S,
    effect: (body: z.infer<S>, req: FastifyRequest) => Outcome,
  ): void {
    const commit = db.transaction((key: string | undefined, body: z.infer<S>, req: FastifyRequest) => {
      const outcome = effect(body, req);
      if (key) complete.run(outcome.statusCode, JSON.stringify(outcome.body), key);
      return outcome;
    });

    app.post(path, async (req: FastifyRequest, reply: FastifyReply) => {
      const parsed = schema.safeParse(req.body);
      if (!parsed.success) return reply.code(400).send(errorBody('invalid_request', parsed.error.message));
      const key = req.headers['idempotency-key'];
      if (Array.isArray(key) || key === '')
        return reply.code(400).send(errorBody('invalid_request', 'one Idempotency-Key header, not empty'));

      if (key) {
        const hash = requestHash(req.method, req.url.split('?')[0], parsed.data);
        const existing = find(key);
        if (existing && existing.request_hash !== hash) {
          return reply
            .code(422)
            .send(errorBody('idempotency_error', 'this Idempotency-Key was used with a different request'));
        }
        if (existing?.state === 'in_flight') {
          return reply
            .code(409)
            .send(
              errorBody(
                'idempotency_in_flight',
                'a request with this Idempotency-Key is still in progress; retry later',
              ),
            );
        }
        if (existing) {
          return reply
            .code(existing.status_code!)
            .header('idempotent-replayed', 'true')
            .send(JSON.parse(existing.response!));
        }
        lock.run(key, hash, new Date().toISOString());
      }

      const fault = drawFaults(faults, path);
      let outcome: Outcome;
      try {
        if (fault.delayMs) await sleep(fault.delayMs);
        if (fault.failBeforeCommit) throw new Error('injected fault before commit');
        outcome = commit(key, parsed.data, req);
      } catch (err) {
        if (key) release.run(key);
        req.log.warn({ err }, 'request failed before commit');
        return reply.code(503).send(errorBody('api_error', (err as Error).message));
      }

      if (fault.dropResponse) {
        reply.hijack();
        req.raw.socket.destroy();
        return;
      }
      if (fault.failAfterCommit) return reply.code(500).send(errorBody('api_error', 'injected fault after commit'));
      return reply.code(outcome.statusCode).send(outcome.body);
    });
  }

  /** `GET path/:id` answering the resource, or 404 `resource_missing`. */
  function getById(path: string, what: string, get: (id: string) => unknown): void {
    app.get(`${path}/:id`, async (req, reply) => {
      const { id } = req.params as { id: string };
      const found = get(id);
      return found ?? reply.code(404).send(errorBody('resource_missing', `no ${what} ${id}`));
    });
  }

  /** `GET path?orderId=` answering `{ data }` from `list(orderId)`. */
  function listByOrder(path: string, list: (orderId: string | undefined) => unknown[]): void {
    app.get(path, async (req, reply) => {
      const { orderId } = req.query as { orderId?: unknown };
      if (orderId !== undefined && typeof orderId !== 'string')
        return reply.code(400).send(errorBody('invalid_request', 'one orderId'));
      return { data: list(orderId || undefined) };
    });
  }

  return { app, idempotentPost, listByOrder, getById };
}
