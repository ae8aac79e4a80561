import { describe, expect, it } from 'vitest';
import { idempotencyKey } from '../../src/shared/idempotency-keys';
import { fingerprint } from '../../src/shared/fingerprint';

describe('idempotency keys', () => {
  it('are the documented format, built from the order ID and the step only', () => {
    expect(idempotencyKey('o-1', 'charge')).toBe('order:o-1:charge');
    expect(idempotencyKey('o-1', 'refund')).toBe('order:o-1:refund');
  });

  it('differ between steps and between orders', () => {
    const keys = ['o-1', 'o-2'].flatMap((id) =>
      (['charge', 'refund', 'shipment'] as const).map((step) => idempotencyKey(id, step)),
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('never collide, even for order IDs that contain the separator or a step name', () => {
    // Order IDs may contain ':' and look like steps; the step is always the last segment.
    const ids = ['a', 'a:charge', 'a:refund', 'charge', 'a:charge:refund', 'shipment:a', 'order:a'];
    const steps = ['charge', 'refund', 'shipment'] as const;
    const keys = ids.flatMap((id) => steps.map((step) => idempotencyKey(id, step)));
    expect(new Set(keys).size).toBe(ids.length * steps.length);
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
