import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PaymentProvider } from '../../src/providers/payments';
import { ProviderError } from '../../src/providers/provider-error';
import { stripePayments } from '../../src/providers/stripe-payments';
import { idempotencyKey } from '../../src/shared/idempotency-keys';

// The Stripe adapter's requests and its reading of the answers, with no Temporal stack.
// Every request goes through a small recording server: it either forwards to stripe-mock,
// which checks the request against Stripe's OpenAPI spec and answers with its fixtures, or
// answers itself (Stripe-shaped errors, a hung call). stripe-mock is stateless: it does not
// deduplicate idempotency keys nor keep what was created, so this test proves what is sent
// and how answers map, not exactly-once; that is proven on the sandbox provider.

const STRIPE_MOCK = join(__dirname, '..', '..', '.tools', 'bin', 'stripe-mock');
const noStripeMock = existsSync(STRIPE_MOCK)
  ? undefined
  : `${STRIPE_MOCK} is missing: run \`node scripts/setup.mjs --test\` with Go installed`;
if (noStripeMock) console.warn(`[stripe-payments.test] stripe-mock tests skipped: ${noStripeMock}`);

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
  /** stripe-mock's status for a forwarded request: 200 means the spec accepts it. */
  upstreamStatus?: number;
}
// Stripe fixtures as stripe-mock answers them, edited freely by the tests.
type Json = any;
interface Answer {
  status: number;
  body: Json;
  headers?: Record<string, string>;
}

const ORDER = 'o-1';
const seen: Seen[] = [];
let answer: (request: Seen) => Answer | Promise<Answer> | 'hang';
let stripeMockUrl: string | undefined;
let recorder: Server;
let payments: PaymentProvider;

/** stripe-mock's answer to the same request. */
async function forward(request: Seen): Promise<Answer> {
  const search = request.query.size ? `?${request.query}` : '';
  const response = await fetch(`${stripeMockUrl}${request.path}${search}`, {
    method: request.method,
    headers: {
      authorization: String(request.headers.authorization),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: request.method === 'POST' ? request.form.toString() : undefined,
  });
  request.upstreamStatus = response.status;
  return { status: response.status, body: await response.json() };
}

/** Makes a stripe-mock fixture intent what a confirmed card payment of the order is. */
function succeeded(intent: Json, orderId = ORDER): Json {
  return { ...intent, status: 'succeeded', metadata: { orderId } };
}

const stripeError = (status: number, error: Json) => () => ({
  status,
  body: { error: { message: 'refused', ...error } },
});

async function expectKind(call: Promise<unknown>, kind: ProviderError['kind'], detail?: ProviderError['detail']) {
  const error = await call.then(
    () => expect.fail('expected a ProviderError'),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as ProviderError).kind).toBe(kind);
  if (detail) expect((error as ProviderError).detail).toEqual(detail);
}

beforeAll(async () => {
  recorder = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url!, 'http://recorder');
    const request: Seen = {
      method: req.method!,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      form: new URLSearchParams(Buffer.concat(chunks).toString()),
    };
    seen.push(request);
    const reply = await answer(request);
    if (reply === 'hang') return;
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  const { port } = recorder.address() as AddressInfo;
  payments = stripePayments({ apiKey: 'sk_test_123', baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 1_000 });
});

afterAll(async () => {
  recorder.closeAllConnections();
  await new Promise((resolve) => recorder.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
  answer = forward;
});

describe.skipIf(noStripeMock)('stripePayments requests, checked by stripe-mock', () => {
  let stripeMock: ChildProcess;

  beforeAll(async () => {
    // Ports chosen by the system (an empty port), read from its log: no clash with another run.
    stripeMock = spawn(STRIPE_MOCK, ['-http-addr', '127.0.0.1:', '-https-addr', '127.0.0.1:'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stripeMockUrl = await new Promise<string>((resolve, reject) => {
      let log = '';
      const read = (chunk: Buffer) => {
        log += chunk.toString();
        const address = /Listening for HTTP at address: (\S+)/.exec(log)?.[1];
        if (address) resolve(`http://${address}`);
      };
      stripeMock.stdout!.on('data', read);
      stripeMock.stderr!.on('data', read);
      stripeMock.once('exit', (code) => reject(new Error(`stripe-mock exited with ${code}: ${log}`)));
    });
  });

  afterAll(() => {
    stripeMock?.kill();
  });

  it('charge: one confirmed PaymentIntent with the key, the order ID, the amount and the lower-case currency', async () => {
    answer = async (request) => {
      const reply = await forward(request);
      return { ...reply, body: succeeded(reply.body) };
    };
    const key = idempotencyKey(ORDER, 'charge');
    const { value, replayed } = await payments.charge(key, {
      orderId: ORDER,
      amountCents: 1234,
      currency: 'EUR',
      paymentToken: 'pm_card_visa',
    });

    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/payment_intents', upstreamStatus: 200 });
    expect(request.headers['idempotency-key']).toBe(key);
    expect(request.headers['stripe-version']).toBe('2026-10-28.endive');
    expect(Object.fromEntries(request.form)).toEqual({
      amount: '1234',
      currency: 'eur',
      payment_method: 'pm_card_visa',
      'allowed_payment_method_types[0]': 'card',
      confirm: 'true',
      error_on_requires_action: 'true',
      'metadata[orderId]': ORDER,
      'expand[0]': 'latest_charge',
    });
    // stripe-mock reflects amount and currency; the rest of the mapping is Stripe's shape.
    expect(value).toEqual({
      id: expect.stringMatching(/^pi_/),
      orderId: ORDER,
      amountCents: 1234,
      currency: 'EUR',
      status: 'succeeded',
      amountRefundedCents: 0,
    });
    expect(replayed).toBe(false);
  });

  it("charge: an answer from Stripe's idempotency store is flagged as replayed", async () => {
    answer = async (request) => {
      const reply = await forward(request);
      return { ...reply, body: succeeded(reply.body), headers: { 'idempotent-replayed': 'true' } };
    };
    const { replayed } = await payments.charge('k', {
      orderId: ORDER,
      amountCents: 100,
      currency: 'USD',
      paymentToken: 'pm_card_visa',
    });
    expect(replayed).toBe(true);
  });

  it('charge: an intent that did not succeed is not reported as a charge', async () => {
    // stripe-mock's own fixture is `requires_payment_method`.
    await expectKind(
      payments.charge('k', { orderId: ORDER, amountCents: 100, currency: 'USD', paymentToken: 'pm_card_visa' }),
      'transient',
    );
  });

  it('refund: the PaymentIntent, the amount and its own key; the order ID from the expanded intent', async () => {
    answer = async (request) => {
      const reply = await forward(request);
      // stripe-mock does not expand the intent of a refund; Stripe does.
      const intent = { id: request.form.get('payment_intent'), object: 'payment_intent', metadata: { orderId: ORDER } };
      return { ...reply, body: { ...reply.body, payment_intent: intent } };
    };
    const key = idempotencyKey(ORDER, 'refund');
    const { value, replayed } = await payments.refund(key, { chargeId: 'pi_123', amountCents: 500 });

    const [request] = seen;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/refunds', upstreamStatus: 200 });
    expect(request.headers['idempotency-key']).toBe(key);
    expect(Object.fromEntries(request.form)).toEqual({
      payment_intent: 'pi_123',
      amount: '500',
      'expand[0]': 'payment_intent',
    });
    expect(value).toEqual({ id: expect.stringMatching(/^re_/), chargeId: 'pi_123', orderId: ORDER, amountCents: 500 });
    expect(replayed).toBe(false);
  });

  it('getCharge: the intent with its latest charge, whose refund state is the live one', async () => {
    answer = async (request) => {
      const reply = await forward(request);
      const intent = succeeded(reply.body);
      return {
        ...reply,
        body: { ...intent, latest_charge: { ...intent.latest_charge, refunded: true, amount_refunded: intent.amount } },
      };
    };
    const charge = await payments.getCharge('pi_123');

    expect(seen[0]).toMatchObject({ method: 'GET', path: '/v1/payment_intents/pi_123', upstreamStatus: 200 });
    expect(seen[0].query.get('expand[0]')).toBe('latest_charge');
    expect(charge).toMatchObject({ id: 'pi_123', orderId: ORDER, status: 'refunded' });
    expect(charge!.amountRefundedCents).toBe(charge!.amountCents);
  });

  it('chargesForOrder: a search by metadata, keeping the succeeded intents of that order only', async () => {
    answer = async (request) => {
      const reply = await forward(request);
      const [intent] = reply.body.data;
      const others = [
        succeeded({ ...intent, id: 'pi_other' }, 'o-2'),
        { ...intent, id: 'pi_declined', metadata: { orderId: ORDER } },
      ];
      return { ...reply, body: { ...reply.body, data: [succeeded(intent), ...others] } };
    };
    const charges = await payments.chargesForOrder(ORDER);

    expect(seen[0]).toMatchObject({ method: 'GET', path: '/v1/payment_intents/search', upstreamStatus: 200 });
    expect(seen[0].query.get('query')).toBe(`metadata['orderId']:'${ORDER}'`);
    expect(seen[0].query.get('expand[0]')).toBe('data.latest_charge');
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ orderId: ORDER, status: 'succeeded' });
  });

  it("refundsForOrder: the refunds of each of the order's intents, without failed ones", async () => {
    answer = async (request) => {
      const reply = await forward(request);
      if (request.path === '/v1/payment_intents/search')
        return { ...reply, body: { ...reply.body, data: [succeeded({ ...reply.body.data[0], id: 'pi_1' })] } };
      const [refund] = reply.body.data;
      return { ...reply, body: { ...reply.body, data: [refund, { ...refund, id: 're_failed', status: 'failed' }] } };
    };
    const refunds = await payments.refundsForOrder(ORDER);

    expect(seen.map((r) => [r.path, r.upstreamStatus])).toEqual([
      ['/v1/payment_intents/search', 200],
      ['/v1/refunds', 200],
    ]);
    expect(seen[1].query.get('payment_intent')).toBe('pi_1');
    expect(refunds).toEqual([
      { id: expect.stringMatching(/^re_/), chargeId: 'pi_1', orderId: ORDER, amountCents: expect.any(Number) },
    ]);
  });
});

describe('stripePayments errors as ProviderError kinds', () => {
  const charge = () =>
    payments.charge('k', { orderId: ORDER, amountCents: 100, currency: 'USD', paymentToken: 'pm_card_visa' });

  it.each([
    ['a declined card (402 card_error) is final', 402, { type: 'card_error', code: 'card_declined' }, 'declined'],
    [
      'a key reused with other parameters (400 idempotency_error) is looked up',
      400,
      { type: 'idempotency_error' },
      'key-reused',
    ],
    ['the same key still in flight (409) is retried', 409, { type: 'idempotency_error' }, 'transient'],
    ['a rotated API key (401) is retried', 401, { type: 'invalid_request_error' }, 'transient'],
    ['a missing permission (403) is retried', 403, { type: 'invalid_request_error' }, 'transient'],
    [
      'a wrong base URL (404) is retried',
      404,
      { type: 'invalid_request_error', code: 'resource_missing' },
      'transient',
    ],
    ['a rate limit (429) is retried', 429, { type: 'invalid_request_error', code: 'rate_limit' }, 'transient'],
    ['an API error (500) is retried', 500, { type: 'api_error' }, 'transient'],
    [
      'an invalid request not named final is retried',
      400,
      { type: 'invalid_request_error', code: 'parameter_unknown' },
      'transient',
    ],
    ['an error type we do not know is retried', 400, { type: 'brand_new_error' }, 'transient'],
  ] as const)('%s', async (_name, status, error, kind) => {
    answer = stripeError(status, error);
    await expectKind(charge(), kind, { status, type: 'code' in error ? error.code : error.type });
  });

  it('a named refusal of an invalid request (amount_too_large) is final', async () => {
    answer = stripeError(400, { type: 'invalid_request_error', code: 'amount_too_large' });
    await expectKind(payments.refund('k', { chargeId: 'pi_1', amountCents: 1 }), 'rejected');
  });

  it("an answer that is not Stripe's is retried", async () => {
    answer = () => ({ status: 200, body: '<html>proxy</html>' });
    await expectKind(charge(), 'transient');
    answer = () => ({
      status: 200,
      body: {
        id: 'pi_1',
        object: 'payment_intent',
        status: 'succeeded',
        amount: 100,
        currency: 'usd',
        metadata: {},
        latest_charge: { refunded: false, amount_refunded: 0 },
      },
    });
    await expectKind(charge(), 'transient');
  });

  it('a call with no answer within the timeout is retried', async () => {
    answer = () => 'hang';
    await expectKind(charge(), 'transient');
  });

  it('getCharge: no such intent is null, a refused lookup is an error, not "no charge"', async () => {
    answer = stripeError(404, { type: 'invalid_request_error', code: 'resource_missing' });
    expect(await payments.getCharge('pi_gone')).toBeNull();
    answer = stripeError(401, { type: 'invalid_request_error' });
    await expectKind(payments.getCharge('pi_1'), 'transient');
  });
});
