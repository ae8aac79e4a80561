import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargeSchema } from '../../src/providers/payments';
import { getJson, postIdempotent } from '../../src/providers/http-json';
import { ProviderError } from '../../src/providers/provider-error';

// Only a provider's named business refusals are final. A rotated key (401), a wrong base
// URL (404 without the provider's body), an unknown error type or an unreadable answer are
// retried, so that a misconfiguration stalls orders instead of failing and refunding them.

const app = Fastify();
const error = (type: string) => ({ error: { type, message: `provider says ${type}` } });
const answers: Record<string, [number, unknown]> = {
  declined: [402, error('card_declined')],
  address: [400, error('address_rejected')],
  reused: [422, error('idempotency_error')],
  unauthorized: [401, error('authentication_error')],
  forbidden: [403, { message: 'forbidden' }],
  'wrong-url': [404, '<html>not found</html>'],
  unknown: [400, error('something_new')],
  unreadable: [200, { not: 'a charge' }],
  missing: [404, error('resource_missing')],
};
let baseUrl = '';

beforeAll(async () => {
  app.all('/:case', async (req, reply) => {
    const [status, body] = answers[(req.params as { case: string }).case];
    return reply.code(status).send(body);
  });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => app.close());

const post = (path: string) =>
  postIdempotent({ baseUrl, path: `/${path}`, idempotencyKey: 'k', body: {}, timeoutMs: 2_000, schema: chargeSchema });
const kindOf = (call: Promise<unknown>) =>
  call.then(
    () => 'success',
    (err: ProviderError) => err.kind,
  );

describe('provider answers', () => {
  it.each([
    ['declined', 'declined'],
    ['address', 'rejected'],
    ['reused', 'key-reused'],
    ['unauthorized', 'transient'],
    ['forbidden', 'transient'],
    ['wrong-url', 'transient'],
    ['unknown', 'transient'],
    ['unreadable', 'transient'],
  ])('%s is %s', async (path, kind) => {
    expect(await kindOf(post(path))).toBe(kind);
  });

  it("a final refusal carries the provider's own words for the order's reason", async () => {
    const err = (await post('declined').catch((e: unknown) => e)) as ProviderError;
    expect(err.detail).toEqual({ status: 402, type: 'card_declined', reason: 'provider says card_declined' });
  });

  it('a lookup of a resource the provider does not have is null; a 404 from elsewhere is not', async () => {
    expect(await getJson({ baseUrl, path: '/missing', timeoutMs: 2_000, schema: chargeSchema })).toBeNull();
    expect(await kindOf(getJson({ baseUrl, path: '/wrong-url', timeoutMs: 2_000, schema: chargeSchema }))).toBe(
      'transient',
    );
  });
});
