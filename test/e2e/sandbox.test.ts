import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putFaults } from '../../src/sandbox/fault-switch';
import { paymentsApp } from '../../src/sandbox/payments';
import { shippingApp } from '../../src/sandbox/shipping';

// The sandbox providers over real HTTP with real SQLite files, apart from the shared
// stack so that their faults do not disturb other tests.

const dir = mkdtempSync(join(tmpdir(), 'sandbox-test-'));
const payments = paymentsApp(join(dir, 'payments.db'), {});
const shipping = shippingApp(join(dir, 'shipping.db'), {});
let paymentsUrl = '';
let shippingUrl = '';

beforeAll(async () => {
  paymentsUrl = await payments.listen({ host: '127.0.0.1', port: 0 });
  shippingUrl = await shipping.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await payments.close();
  await shipping.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(base: string, path: string, body: unknown, key?: string) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed'),
    body: (await response.json()) as any,
  };
}
const list = async (base: string, path: string, orderId: string) =>
  ((await (await fetch(`${base}${path}?orderId=${orderId}`)).json()) as { data: any[] }).data;

const charge = (orderId: string, amountCents = 500) => ({
  orderId,
  amountCents,
  currency: 'EUR',
  paymentToken: 'tok_visa',
});

describe('sandbox payments', () => {
  it('answers a repeated key with the stored response and Idempotent-Replayed, charging once', async () => {
    const first = await post(paymentsUrl, '/v1/charges', charge('p-1'), 'k-1');
    expect(first.status).toBe(201);
    expect(first.replayed).toBeNull();
    expect(first.body).toMatchObject({ orderId: 'p-1', amountCents: 500, currency: 'EUR', status: 'succeeded' });
    const again = await post(paymentsUrl, '/v1/charges', charge('p-1'), 'k-1');
    expect(again.status).toBe(201);
    expect(again.replayed).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await list(paymentsUrl, '/v1/charges', 'p-1')).toHaveLength(1);
  });

  it('rejects a repeated key with a different body with 422 and changes nothing', async () => {
    await post(paymentsUrl, '/v1/charges', charge('p-2'), 'k-2');
    const mismatch = await post(paymentsUrl, '/v1/charges', charge('p-2', 999), 'k-2');
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.type).toBe('idempotency_error');
    expect((await list(paymentsUrl, '/v1/charges', 'p-2')).map((c) => c.amountCents)).toEqual([500]);
  });

  it('answers 409 while the first request with a key is in flight, then the stored result', async () => {
    await putFaults(paymentsUrl, { latencyMs: 600 });
    try {
      const first = post(paymentsUrl, '/v1/charges', charge('p-3'), 'k-3');
      await new Promise((r) => setTimeout(r, 150));
      const concurrent = await post(paymentsUrl, '/v1/charges', charge('p-3'), 'k-3');
      expect(concurrent.status).toBe(409);
      expect((await first).status).toBe(201);
    } finally {
      await putFaults(paymentsUrl, {});
    }
    expect((await post(paymentsUrl, '/v1/charges', charge('p-3'), 'k-3')).replayed).toBe('true');
    expect(await list(paymentsUrl, '/v1/charges', 'p-3')).toHaveLength(1);
  });

  it('declines tok_declined with 402, stores that answer under the key, and charges nothing', async () => {
    const declined = await post(paymentsUrl, '/v1/charges', { ...charge('p-4'), paymentToken: 'tok_declined' }, 'k-4');
    expect(declined.status).toBe(402);
    expect(declined.body.error.type).toBe('card_declined');
    const again = await post(paymentsUrl, '/v1/charges', { ...charge('p-4'), paymentToken: 'tok_declined' }, 'k-4');
    expect(again).toMatchObject({ status: 402, replayed: 'true' });
    expect(await list(paymentsUrl, '/v1/charges', 'p-4')).toHaveLength(0);
  });

  it('refunds a charge once per key and never beyond its amount', async () => {
    const { body: ch } = await post(paymentsUrl, '/v1/charges', charge('p-5'), 'k-5');
    const refund = await post(paymentsUrl, '/v1/refunds', { chargeId: ch.id, amountCents: 500 }, 'r-5');
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ chargeId: ch.id, orderId: 'p-5', amountCents: 500 });
    expect((await post(paymentsUrl, '/v1/refunds', { chargeId: ch.id, amountCents: 500 }, 'r-5')).replayed).toBe(
      'true',
    );
    expect((await post(paymentsUrl, '/v1/refunds', { chargeId: ch.id, amountCents: 1 }, 'r-5b')).status).toBe(400);
    expect(await list(paymentsUrl, '/v1/refunds', 'p-5')).toHaveLength(1);
  });

  it('answers a charge by ID with its live status: refunded after its refund, though the stored answer said succeeded', async () => {
    const { body: ch } = await post(paymentsUrl, '/v1/charges', charge('p-7'), 'k-7');
    const get = async (id: string) => {
      const response = await fetch(`${paymentsUrl}/v1/charges/${id}`);
      return { status: response.status, body: (await response.json()) as any };
    };
    expect((await get(ch.id)).body).toEqual({ ...ch, status: 'succeeded', amountRefundedCents: 0 });
    await post(paymentsUrl, '/v1/refunds', { chargeId: ch.id, amountCents: 500 }, 'r-7');
    expect((await get(ch.id)).body).toMatchObject({ status: 'refunded', amountRefundedCents: 500 });
    expect((await post(paymentsUrl, '/v1/charges', charge('p-7'), 'k-7')).body.status).toBe('succeeded'); // the replay is history
    expect(await get('ch_none')).toMatchObject({ status: 404, body: { error: { type: 'resource_missing' } } });
  });

  it('validates bodies (400) and fault settings', async () => {
    expect((await post(paymentsUrl, '/v1/charges', { orderId: 'x' }, 'k-6')).status).toBe(400);
    expect((await putFaults(paymentsUrl, { afterCommit: 2 })).status).toBe(400);
    expect((await putFaults(paymentsUrl, { afterCommit: 0.5, latencyMs: 10 })).status).toBe(200);
    expect(await (await fetch(`${paymentsUrl}/v1/faults`)).json()).toEqual({ afterCommit: 0.5, latencyMs: 10 });
    await putFaults(paymentsUrl, {});
  });
});

describe('sandbox keys that expire (IDEMPOTENCY_KEY_TTL_S)', () => {
  const expiring = paymentsApp(join(dir, 'expiring.db'), { keyTtlS: 1 });
  let url = '';
  beforeAll(async () => {
    url = await expiring.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => expiring.close());

  it('replays a key within its lifetime, then treats it as new: a second charge, as Stripe after 24 h', async () => {
    expect((await post(url, '/v1/charges', charge('e-1'), 'ek-1')).status).toBe(201);
    expect((await post(url, '/v1/charges', charge('e-1'), 'ek-1')).replayed).toBe('true');
    await new Promise((r) => setTimeout(r, 1_100));
    const after = await post(url, '/v1/charges', charge('e-1'), 'ek-1');
    expect([after.status, after.replayed]).toEqual([201, null]);
    expect(await list(url, '/v1/charges', 'e-1')).toHaveLength(2);
  });
});

describe('sandbox shipping', () => {
  const shipment = (orderId: string, postalCode = '10115') => ({
    orderId,
    address: { name: 'A', line1: 'L', city: 'C', postalCode, country: 'DE' },
    items: [{ sku: 's', quantity: 1 }],
  });

  it('creates a shipment once per key and lists it by order', async () => {
    const first = await post(shippingUrl, '/v1/shipments', shipment('s-1'), 'sk-1');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ orderId: 's-1', status: 'created', trackingNumber: expect.any(String) });
    expect((await post(shippingUrl, '/v1/shipments', shipment('s-1'), 'sk-1')).body).toEqual(first.body);
    expect(await list(shippingUrl, '/v1/shipments', 's-1')).toHaveLength(1);
  });

  it('rejects an undeliverable address with 400 and cancels shipments idempotently', async () => {
    expect((await post(shippingUrl, '/v1/shipments', shipment('s-2', '00000'), 'sk-2')).status).toBe(400);
    const { body } = await post(shippingUrl, '/v1/shipments', shipment('s-3'), 'sk-3');
    const cancelled = await post(shippingUrl, `/v1/shipments/${body.id}/cancel`, {});
    expect(cancelled.body.status).toBe('cancelled');
    expect((await post(shippingUrl, `/v1/shipments/${body.id}/cancel`, {})).body.status).toBe('cancelled');
    expect(await (await fetch(`${shippingUrl}/v1/shipments/${body.id}`)).json()).toMatchObject({
      id: body.id,
      status: 'cancelled',
      orderId: 's-3',
    });
  });
});
