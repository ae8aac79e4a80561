import { z } from 'zod';
import { type ProviderOptions, createProviderApp, errorBody } from './provider-app';
import { newId, openStore } from './store';

// Sandbox payment provider. `paymentToken: "tok_declined"` is refused with 402.

const LEDGER = `
  CREATE TABLE IF NOT EXISTS charges (
    id TEXT PRIMARY KEY, order_id TEXT NOT NULL, amount_cents INTEGER NOT NULL, currency TEXT NOT NULL,
    status TEXT NOT NULL, idempotency_key TEXT, created_at TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS charges_order ON charges (order_id);
  CREATE TABLE IF NOT EXISTS refunds (
    id TEXT PRIMARY KEY, charge_id TEXT NOT NULL REFERENCES charges (id), order_id TEXT NOT NULL,
    amount_cents INTEGER NOT NULL, idempotency_key TEXT, created_at TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS refunds_order ON refunds (order_id);`;

export const DECLINED_TOKEN = 'tok_declined';

// Strict: an unknown field is refused rather than dropped, so that it counts in the request
// hash (same key, different body -> 422).
const chargeRequest = z
  .object({
    orderId: z.string().min(1).max(64),
    amountCents: z.number().int().positive(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    paymentToken: z.string().min(1).max(128),
  })
  .strict();

const refundRequest = z.object({ chargeId: z.string().min(1), amountCents: z.number().int().positive() }).strict();

interface ChargeRow {
  id: string;
  orderId: string;
  amountCents: number;
  currency: string;
  status: 'succeeded' | 'refunded';
  amountRefundedCents: number;
  idempotencyKey: string | null;
  createdAt: string;
}

export function paymentsApp(dbFile: string, options: ProviderOptions = {}) {
  const db = openStore(dbFile, LEDGER);
  const provider = createProviderApp(db, options);

  // A charge's status and refunded amount are live, from its refunds (as Stripe's
  // `amount_refunded` and `refunded`): a replayed creation answer still says 'succeeded'.
  const refunded = '(SELECT COALESCE(SUM(r.amount_cents), 0) FROM refunds r WHERE r.charge_id = charges.id)';
  const chargeColumns = `id, order_id AS orderId, amount_cents AS amountCents, currency,
    CASE WHEN ${refunded} >= amount_cents THEN 'refunded' ELSE 'succeeded' END AS status,
    ${refunded} AS amountRefundedCents, idempotency_key AS idempotencyKey, created_at AS createdAt`;
  const refundColumns = `id, charge_id AS chargeId, order_id AS orderId, amount_cents AS amountCents,
    idempotency_key AS idempotencyKey, created_at AS createdAt`;
  const insertCharge = db.prepare(
    `INSERT INTO charges (id, order_id, amount_cents, currency, status, idempotency_key, created_at) VALUES (?, ?, ?, ?, 'succeeded', ?, ?)`,
  );
  const findCharge = db.prepare<[string], ChargeRow>(`SELECT ${chargeColumns} FROM charges WHERE id = ?`);
  const insertRefund = db.prepare(
    'INSERT INTO refunds (id, charge_id, order_id, amount_cents, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const keyOf = (headers: Record<string, unknown>) => (headers['idempotency-key'] as string | undefined) ?? null;

  provider.idempotentPost('/v1/charges', chargeRequest, (body, req) => {
    if (body.paymentToken === DECLINED_TOKEN) {
      return { statusCode: 402, body: errorBody('card_declined', 'Your card was declined.') };
    }
    const id = newId('ch');
    insertCharge.run(id, body.orderId, body.amountCents, body.currency, keyOf(req.headers), new Date().toISOString());
    return { statusCode: 201, body: publicCharge(findCharge.get(id)) };
  });

  provider.idempotentPost('/v1/refunds', refundRequest, (body, req) => {
    const charge = findCharge.get(body.chargeId);
    if (!charge) return { statusCode: 404, body: errorBody('resource_missing', `no charge ${body.chargeId}`) };
    const left = charge.amountCents - charge.amountRefundedCents;
    if (body.amountCents > left) {
      return {
        statusCode: 400,
        body: errorBody('amount_too_large', `refund of ${body.amountCents} exceeds the ${left} left on ${charge.id}`),
      };
    }
    const id = newId('re');
    insertRefund.run(id, charge.id, charge.orderId, body.amountCents, keyOf(req.headers), new Date().toISOString());
    return {
      statusCode: 201,
      body: { id, chargeId: charge.id, orderId: charge.orderId, amountCents: body.amountCents },
    };
  });

  const listCharges = db.prepare(
    `SELECT ${chargeColumns} FROM charges WHERE (@orderId IS NULL OR order_id = @orderId) ORDER BY created_at`,
  );
  const listRefunds = db.prepare(
    `SELECT ${refundColumns} FROM refunds WHERE (@orderId IS NULL OR order_id = @orderId) ORDER BY created_at`,
  );
  provider.listByOrder('/v1/charges', (orderId) => listCharges.all({ orderId: orderId ?? null }));
  provider.getById('/v1/charges', 'charge', (id) => publicCharge(findCharge.get(id)));
  provider.listByOrder('/v1/refunds', (orderId) => listRefunds.all({ orderId: orderId ?? null }));

  provider.app.addHook('onClose', async () => db.close());
  return provider.app;
}

/** A charge as the API answers it: without the audit columns. */
function publicCharge(row: ChargeRow | undefined) {
  if (!row) return undefined;
  const { idempotencyKey: _key, createdAt: _at, ...charge } = row;
  return charge;
}
