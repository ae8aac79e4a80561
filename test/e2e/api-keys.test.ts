import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/api/auth/api-keys';
import { useIsolatedStack } from '../support/isolated-stack';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { ordersClient } from '../support/orders';

// Who may call the API (DESIGN.md): bearer keys with scopes, a customer binding, and a rate
// limit per key, on an API of this file's own with a key file of its own.

const secret = () => `k_${randomBytes(24).toString('base64url')}`;
const keys = { admin: secret(), reader: secret(), alice: secret(), other: secret() };
const keyDir = mkdtempSync(join(tmpdir(), 'orders-keys-'));
const keyFile = join(keyDir, 'api-keys.json');
afterAll(() => rmSync(keyDir, { recursive: true, force: true }));
writeFileSync(
  keyFile,
  JSON.stringify([
    { id: 'admin', secretSha256: sha256Hex(keys.admin), scopes: ['orders:write', 'orders:read', 'orders:cancel'] },
    { id: 'reader', secretSha256: sha256Hex(keys.reader), scopes: ['orders:read'] },
    {
      id: 'alice',
      secretSha256: sha256Hex(keys.alice),
      scopes: ['orders:write', 'orders:read', 'orders:cancel'],
      customerId: 'cust-alice',
    },
    // Its own small limit: the 429 test spends it without touching the others'.
    { id: 'other', secretSha256: sha256Hex(keys.other), scopes: ['orders:read'] },
  ]),
  { mode: 0o600 },
);
const RATE_LIMIT = 40;
const isolated = useIsolatedStack('api-keys', {
  API_KEYS_FILE: keyFile,
  API_RATE_LIMIT: String(RATE_LIMIT),
  API_RATE_LIMIT_WINDOW_S: '60',
});
const as = (key: string) => ordersClient(isolated.stack.urls, key);

describe('API keys', () => {
  it('answers 401 problem+json with WWW-Authenticate without a key or with an unknown one', async () => {
    const api = as(keys.admin);
    for (const authorization of [undefined, 'Bearer nope', 'Basic YWxpY2U6eA==', `Bearer ${keys.admin}x`]) {
      const response = await api.api('/orders', { headers: authorization ? { authorization } : { authorization: '' } });
      expect(response.status, authorization).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="orders"/);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 401, title: 'unauthorized' });
    }
  });

  it('leaves health and readiness open', async () => {
    const api = as('');
    expect((await api.api('/health', { headers: { authorization: '' } })).status).toBe(200);
    expect((await api.api('/ready', { headers: { authorization: '' } })).status).toBe(200);
  });

  it('answers 403 for a key without the scope, and nothing starts', async () => {
    const order = sampleOrder();
    const reader = as(keys.reader);
    const refused = await reader.submit(order);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/orders:write/);
    expect((await reader.cancel(order.orderId)).status).toBe(403);
    expect((await as(keys.admin).api(`/orders/${order.orderId}`)).status).toBe(404);
  });

  it("binds a key to its customer: another customer's orders are 404, lists show its own only, submitting for another is 403", async () => {
    const admin = as(keys.admin);
    const alice = as(keys.alice);
    const hers = sampleOrder({ customerId: 'cust-alice' });
    const theirs = sampleOrder({ customerId: 'cust-bob' });
    expect((await alice.submit(hers)).status).toBe(202);
    expect((await admin.submit(theirs)).status).toBe(202);
    await admin.waitForOrder(hers.orderId);
    await admin.waitForOrder(theirs.orderId);

    expect((await alice.submit(sampleOrder({ customerId: 'cust-bob' }))).status).toBe(403);
    expect((await alice.api(`/orders/${hers.orderId}`)).status).toBe(200);
    const hidden = await alice.api(`/orders/${theirs.orderId}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.detail).toBe(`no order ${theirs.orderId}`); // the same answer as for an order that does not exist
    expect((await alice.cancel(theirs.orderId)).status).toBe(404);
    expect((await admin.api(`/orders/${theirs.orderId}`)).body.status).toBe('COMPLETED'); // not cancelled

    await expect
      .poll(async () => (await alice.api('/orders')).body.data.map((o: { orderId: string }) => o.orderId), {
        timeout: 10_000,
      })
      .toContain(hers.orderId);
    const listed = (await alice.api('/orders')).body.data as { customerId: string }[];
    expect(new Set(listed.map((o) => o.customerId))).toEqual(new Set(['cust-alice']));
    expect((await alice.api('/orders?customerId=cust-bob')).body.data).toEqual([]);
    await expect
      .poll(async () => (await admin.api('/orders?customerId=cust-bob')).body.data.length, { timeout: 10_000 })
      .toBeGreaterThan(0);
  });

  it('limits requests per key with 429 and Retry-After, without slowing other keys', async () => {
    const other = as(keys.other);
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof other.api>> | undefined;
    for (let i = 0; i <= RATE_LIMIT && !limited; i++) {
      const response = await other.api('/orders?pageSize=1');
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(limited, `statuses ${statuses.join(',')}`).toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited!.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await as(keys.reader).api('/orders?pageSize=1')).status).toBe(200);
  });

  it('answers 405 with Allow for a known path and an unsupported method', async () => {
    const admin = as(keys.admin);
    const response = await admin.api('/orders', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('POST');
    expect((await admin.api('/orders/some-order', { method: 'PUT' })).status).toBe(405);
    expect((await admin.api('/nowhere')).status).toBe(404);
  });
});
