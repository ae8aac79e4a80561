import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sha256Hex } from '../../src/api/auth/api-keys';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { Child, httpOk } from '../../src/stack/child-process';
import { freePort } from '../../src/stack/free-port';
import { projectRoot } from '../../src/stack/stack';

// The API connects to Temporal at first use (src/temporal/lazy-native-connection.ts): it
// starts without Temporal, answers 503 while Temporal cannot be reached, and connects once it
// can. Temporal here is the shared server behind a TCP relay of this file's own, opened only
// when the test says so.

const secret = `k_${randomBytes(24).toString('base64url')}`;
const dir = mkdtempSync(join(tmpdir(), 'orders-unreachable-'));
let api: Child;
let apiUrl: string;
let relayPort: number;
let relay: Server | undefined;
const sockets = new Set<Socket>();

const call = (path: string, init: RequestInit = {}) =>
  fetch(`${apiUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...init.headers },
  });

/** Opens the relay: the API's Temporal address now leads to the shared server. */
function openRelay(): Promise<void> {
  const [host, port] = inject('stack').temporal.split(':');
  relay = createServer((client) => {
    const server = connect(Number(port), host);
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(server).pipe(client);
  });
  return new Promise((resolve) => relay!.listen(relayPort, '127.0.0.1', resolve));
}

beforeAll(async () => {
  const keyFile = join(dir, 'api-keys.json');
  writeFileSync(
    keyFile,
    JSON.stringify([{ id: 'admin', secretSha256: sha256Hex(secret), scopes: ['orders:write', 'orders:read'] }]),
  );
  relayPort = await freePort();
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  api = new Child(
    {
      name: 'api',
      command: process.execPath,
      args: [join(projectRoot(__dirname), 'dist', 'src', 'api', 'main.js')],
      env: {
        ...inject('stackEnv'),
        HOST: '127.0.0.1',
        PORT: String(port),
        TEMPORAL_ADDRESS: `127.0.0.1:${relayPort}`,
        API_KEYS_FILE: keyFile,
        LOG_LEVEL: 'warn',
      },
      ready: httpOk(`${apiUrl}/health`),
    },
    join(__dirname, '..', 'artifacts', 'logs', 'temporal-unreachable'),
  );
  await api.start();
});

afterAll(async () => {
  await api?.stop();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => (relay ? relay.close(resolve) : resolve(undefined)));
  rmSync(dir, { recursive: true, force: true });
});

describe('Temporal unreachable, then reachable', () => {
  it('starts without Temporal: live, not ready, and a new order is answered 503 with Retry-After', async () => {
    expect((await call('/health')).status).toBe(200);
    const ready = await call('/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ details: { temporal: { status: 'down' } } });
    const response = await call('/orders', { method: 'POST', body: JSON.stringify(sampleOrder()) });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('connects once Temporal can be reached: ready, and the order is accepted', async () => {
    await openRelay();
    expect((await call('/ready')).status).toBe(200);
    const response = await call('/orders', { method: 'POST', body: JSON.stringify(sampleOrder()) });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'PENDING' });
  });
});
