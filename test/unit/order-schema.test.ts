import { describe, expect, it } from 'vitest';
import { sampleOrder } from '../../src/fixtures/sample-order';
import { listOrdersQuerySchema } from '../../src/api/orders/orders.schemas';
import { MAX_QUANTITY, MAX_UNIT_PRICE_CENTS, orderSchema } from '../../src/shared/order-schema';
import { orderTotalCents } from '../../src/shared/order-state';

// An order ID with every kind of character the schema allows.
const valid = sampleOrder({ orderId: 'A-1_b.c:d', items: [{ sku: 'x', quantity: 3, unitPriceCents: 250 }] });

const fields = (input: unknown) => {
  const result = orderSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
};

describe('order validation', () => {
  it('accepts a valid order and computes its total', () => {
    const order = orderSchema.parse(valid);
    expect(orderTotalCents(order)).toBe(750);
  });

  it.each([
    ['orderId', { orderId: '' }],
    ['orderId', { orderId: 'x'.repeat(65) }],
    ['orderId', { orderId: 'a/b' }],
    ['customerId', { customerId: 'ü' }],
    ['currency', { currency: 'EURO' }],
    ['paymentToken', { paymentToken: 'tok visa' }],
    ['items', { items: [] }],
    ['items.0.quantity', { items: [{ sku: 'x', quantity: MAX_QUANTITY + 1, unitPriceCents: 1 }] }],
    ['items.0.quantity', { items: [{ sku: 'x', quantity: -1, unitPriceCents: 1 }] }],
    ['items.0.unitPriceCents', { items: [{ sku: 'x', quantity: 1, unitPriceCents: MAX_UNIT_PRICE_CENTS + 1 }] }],
    ['items.0.unitPriceCents', { items: [{ sku: 'x', quantity: 1, unitPriceCents: '5' }] }],
    ['shippingAddress.country', { shippingAddress: { ...valid.shippingAddress, country: 'Germany' } }],
    ['shippingAddress.city', { shippingAddress: { ...valid.shippingAddress, city: '   ' } }],
  ])('names %s when it is wrong', (field, change) => {
    expect(fields({ ...valid, ...change })).toContain(field);
  });

  it('rejects unknown fields instead of ignoring them', () => {
    expect(orderSchema.safeParse({ ...valid, discount: 10 }).success).toBe(false);
  });

  it('bounds the largest possible total to a safe integer', () => {
    expect(Number.isSafeInteger(100 * MAX_QUANTITY * MAX_UNIT_PRICE_CENTS)).toBe(true);
  });
});

describe('list query validation', () => {
  it('accepts known statuses and rejects anything that could change the visibility query', () => {
    expect(listOrdersQuerySchema.parse({ status: 'COMPLETED' })).toMatchObject({ status: 'COMPLETED', pageSize: 100 });
    expect(listOrdersQuerySchema.safeParse({ status: 'DONE' }).success).toBe(false);
    expect(listOrdersQuerySchema.safeParse({ customerId: "x' OR '1'='1" }).success).toBe(false);
  });
});
