import { describe, expect, it } from 'vitest';
import { idempotencyKey } from '../../src/shared/idempotency-keys';
import { fingerprint } from '../../src/shared/fingerprint';

describe('idempotency keys', () => {
  it('depend only on the order and the step', () => {
    expect(idempotencyKey('o-1', 'charge')).toBe('order:o-1:charge');
    expect(idempotencyKey('o-1', 'charge')).toBe(idempotencyKey('o-1', 'charge'));
  });

  it('differ between steps and between orders', () => {
    const keys = ['o-1', 'o-2'].flatMap((id) => (['charge', 'refund', 'shipment'] as const).map((step) => idempotencyKey(id, step)));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('cannot collide across orders through the separator', () => {
    // Order IDs may contain ':'; the step is always last, so "a:charge" + refund != "a" + charge.
    expect(idempotencyKey('a:charge', 'refund')).not.toBe(idempotencyKey('a', 'charge'));
  });
});

describe('submission fingerprint', () => {
  it('ignores key order and whitespace, not values', () => {
    const a = { orderId: 'o', items: [{ sku: 's', quantity: 1 }], currency: 'EUR' };
    const b = { currency: 'EUR', items: [{ quantity: 1, sku: 's' }], orderId: 'o' };
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(a)).not.toBe(fingerprint({ ...a, currency: 'USD' }));
    expect(fingerprint(a)).not.toBe(fingerprint({ ...a, items: [{ sku: 's', quantity: 2 }] }));
  });
});
