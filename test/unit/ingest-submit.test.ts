import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessage, submitOrder } from '../../src/ingest/submit';
import { freePort } from '../../src/stack/free-port';
import { sampleOrder } from '../../src/fixtures/sample-order';

// What the ingest does with a message, per API answer: commit, DLQ, or retry the same one.

describe('parseMessage', () => {
  const order = sampleOrder();
  it('accepts a valid order keyed by its orderId, or without a key', () => {
    expect(parseMessage(order.orderId, Buffer.from(JSON.stringify(order)))).toEqual({ order });
    expect(parseMessage(undefined, Buffer.from(JSON.stringify(order)))).toEqual({ order });
  });
  it('rejects what the API would, saying why', () => {
    expect(parseMessage('k', null)).toEqual({ reason: 'invalid: empty value' });
    expect(parseMessage('k', Buffer.from('{'))).toEqual({ reason: 'invalid: value is not JSON' });
    expect(parseMessage(order.orderId, Buffer.from(JSON.stringify({ ...order, items: [] })))).toMatchObject({
      reason: expect.stringMatching(/^invalid: items: /),
    });
    expect(parseMessage('other', Buffer.from(JSON.stringify(order)))).toEqual({
      reason: `invalid: key other is not the orderId ${order.orderId}`,
    });
  });
});

describe('submitOrder', () => {
  let server: Server;
  let url: string;
  let answer = 202;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res
          .writeHead(answer, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify({ detail: `answered ${answer}` })),
      );
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(() => server.close());

  it.each([
    [202, { kind: 'done', status: 202 }],
    [200, { kind: 'done', status: 200 }],
    [409, { kind: 'reject', status: 409, reason: 'conflict: answered 409' }],
    [400, { kind: 'reject', status: 400, reason: 'invalid: answered 400' }],
    [503, { kind: 'retry', reason: 'API answered 503: answered 503' }],
    [429, { kind: 'retry', reason: 'API answered 429: answered 429' }],
    [401, { kind: 'retry', reason: 'API answered 401: answered 401' }],
  ])('API answers %i', async (status, verdict) => {
    answer = status;
    expect(await submitOrder({ url, key: 'k' }, sampleOrder())).toEqual(verdict);
  });

  it('API unreachable: retry', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    expect(await submitOrder({ url: closed, key: 'k' }, sampleOrder())).toMatchObject({
      kind: 'retry',
      reason: expect.stringMatching(/^API unreachable: .*ECONNREFUSED/),
    });
  });
});
