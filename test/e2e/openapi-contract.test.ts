import Ajv from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { ordersClient } from '../support/orders';

// The OpenAPI document is the contract: a request it calls valid is accepted (not 400), one
// it calls invalid is refused with 400, and every status the API answers is listed on the
// route. Edge cases on both sides of each constraint, checked against the served spec.

const { api } = ordersClient();
type Operation = {
  parameters?: { name: string; in: string; required?: boolean; schema: object }[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, unknown>;
};
let spec: { paths: Record<string, Record<string, Operation>> };
const ajv = new Ajv({ strict: false, allErrors: true });
const queryAjv = new Ajv({ strict: false, coerceTypes: true });

beforeAll(async () => {
  const response = await api('/docs/openapi.json', { headers: { authorization: '' } });
  expect(response.status).toBe(200);
  spec = response.body;
});

const operation = (path: string, method: string) => spec.paths[path]![method]!;
const bodyValid = (op: Operation, body: unknown) =>
  ajv.validate(op.requestBody!.content['application/json']!.schema, body);
const queryValid = (op: Operation, query: Record<string, string>) => {
  const parameters = (op.parameters ?? []).filter((p) => p.in === 'query');
  const schema = {
    type: 'object',
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
    required: parameters.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
  };
  return queryAjv.validate(schema, { ...query });
};

/** Asserts the API agrees with the spec on this request, and that the answer's status is documented. */
function expectAgreement(op: Operation, specValid: boolean, response: { status: number; body: unknown }, what: string) {
  expect(
    response.status === 400,
    `${what}: spec says ${specValid ? 'valid' : 'invalid'}, API answered ${response.status} ${JSON.stringify(response.body)}`,
  ).toBe(!specValid);
  expect(Object.keys(op.responses), `${what}: status ${response.status} not in the spec`).toContain(
    String(response.status),
  );
}

const long = (n: number) => 'x'.repeat(n);
const bodyCases: [string, (o: ReturnType<typeof sampleOrder>) => unknown][] = [
  ['a plain order', (o) => o],
  ['a name with surrounding spaces', (o) => ({ ...o, shippingAddress: { ...o.shippingAddress, name: '  Ada  ' } })],
  ['a blank name', (o) => ({ ...o, shippingAddress: { ...o.shippingAddress, name: '   ' } })],
  ['a name of 200 characters', (o) => ({ ...o, shippingAddress: { ...o.shippingAddress, name: long(200) } })],
  ['a name of 201 characters', (o) => ({ ...o, shippingAddress: { ...o.shippingAddress, name: long(201) } })],
  [
    '199 characters and two spaces',
    (o) => ({ ...o, shippingAddress: { ...o.shippingAddress, name: ` ${long(199)} ` } }),
  ],
  ['an optional line2', (o) => ({ ...o, shippingAddress: { ...o.shippingAddress, line2: 'Floor 2' } })],
  ['an orderId of 64 characters', (o) => ({ ...o, orderId: `${o.orderId}-${long(64)}`.slice(0, 64) })],
  ['an orderId of 65 characters', (o) => ({ ...o, orderId: `${o.orderId}-${long(65)}`.slice(0, 65) })],
  ['an orderId with a space', (o) => ({ ...o, orderId: `${o.orderId} x` })],
  ['quantity 0', (o) => ({ ...o, items: [{ ...o.items[0]!, quantity: 0 }] })],
  ['quantity 1000', (o) => ({ ...o, items: [{ ...o.items[0]!, quantity: 1000 }] })],
  ['quantity 1001', (o) => ({ ...o, items: [{ ...o.items[0]!, quantity: 1001 }] })],
  ['quantity 1.5', (o) => ({ ...o, items: [{ ...o.items[0]!, quantity: 1.5 }] })],
  ['a price as a string', (o) => ({ ...o, items: [{ ...o.items[0]!, unitPriceCents: '100' }] })],
  ['no items', (o) => ({ ...o, items: [] })],
  ['a lowercase country', (o) => ({ ...o, shippingAddress: { ...o.shippingAddress, country: 'de' } })],
  ['currency EURO', (o) => ({ ...o, currency: 'EURO' })],
  ['an extra property', (o) => ({ ...o, note: 'hi' })],
  ['no paymentToken', ({ paymentToken: _token, ...o }) => o],
  ['a paymentToken with a dash', (o) => ({ ...o, paymentToken: 'tok-visa' })],
];

describe('OpenAPI contract', () => {
  it('documents every status each route can answer, and bearer auth', () => {
    const common = ['400', '401', '403', '429', '503'];
    expect(Object.keys(operation('/orders', 'post').responses)).toEqual(
      expect.arrayContaining(['200', '202', ...common, '409', '413', '415']),
    );
    expect(Object.keys(operation('/orders', 'get').responses)).toEqual(expect.arrayContaining(['200', ...common]));
    expect(Object.keys(operation('/orders/{orderId}', 'get').responses)).toEqual(
      expect.arrayContaining(['200', ...common, '404']),
    );
    expect(Object.keys(operation('/orders/{orderId}/cancel', 'post').responses)).toEqual(
      expect.arrayContaining(['200', ...common, '404', '409']),
    );
    expect(JSON.stringify(spec)).toContain('"bearer"');
  });

  it.each(bodyCases)('POST /orders with %s: the API agrees with the spec', async (what, mutate) => {
    const op = operation('/orders', 'post');
    const body = mutate(sampleOrder());
    expectAgreement(op, bodyValid(op, body), await api('/orders', { method: 'POST', body }), what);
  });

  it.each([
    ['nothing', {}],
    ['pageSize 1', { pageSize: '1' }],
    ['pageSize 1000', { pageSize: '1000' }],
    ['pageSize 0', { pageSize: '0' }],
    ['pageSize 1001', { pageSize: '1001' }],
    ['pageSize abc', { pageSize: 'abc' }],
    ['pageSize 2.5', { pageSize: '2.5' }],
    ['status COMPLETED', { status: 'COMPLETED' }],
    ['status done', { status: 'done' }],
    ['a customerId', { customerId: 'cust-1' }],
    ['a customerId with a space', { customerId: 'cust 1' }],
  ] as [string, Record<string, string>][])('GET /orders with %s: the API agrees with the spec', async (what, query) => {
    const op = operation('/orders', 'get');
    expectAgreement(op, queryValid(op, query), await api(`/orders?${new URLSearchParams(query)}`), what);
  });

  it.each([
    ['a well-formed unknown id', 'no-such-order', true],
    ['an id with a space', 'no such order', false],
    ['an id of 65 characters', long(65), false],
  ] as const)('GET and cancel /orders/{orderId} with %s', async (what, orderId, valid) => {
    const id = encodeURIComponent(orderId);
    expectAgreement(operation('/orders/{orderId}', 'get'), valid, await api(`/orders/${id}`), what);
    expectAgreement(
      operation('/orders/{orderId}/cancel', 'post'),
      valid,
      await api(`/orders/${id}/cancel`, { method: 'POST' }),
      what,
    );
  });

  it.each([
    ['a reason', { reason: 'changed my mind' }],
    ['a blank reason', { reason: ' ' }],
    ['an extra property', { why: 'x' }],
  ] as [string, object][])(
    'POST /orders/{orderId}/cancel with %s: the API agrees with the spec',
    async (what, body) => {
      const op = operation('/orders/{orderId}/cancel', 'post');
      expectAgreement(
        op,
        bodyValid(op, body),
        await api('/orders/no-such-order/cancel', { method: 'POST', body }),
        what,
      );
    },
  );
});
