import { describe, expect, it } from 'vitest';
import { publicFailureReason } from '../../src/api/orders/public-failure-reason';

// The workflow's reasons quote the providers; a client gets the business reason only.
describe('publicFailureReason', () => {
  it.each([
    ['PAYMENT_DECLINED', 'Your card was declined.', 'the payment was declined'],
    ['FAILED', 'payment failed: POST /v1/charges answered 422: key reused', 'the payment could not be taken'],
    [
      'FAILED',
      'shipping failed: POST /v1/shipments answered 400: the carrier cannot deliver to postal code 00000; payment refunded',
      'the carrier refused the shipment; payment refunded',
    ],
    [
      'FAILED',
      'shipping failed: POST /v1/shipments answered 400: x; refund of ch_1 refused: POST /v1/refunds answered 400: y',
      'the carrier refused the shipment; the refund needs review',
    ],
    [
      'FAILED',
      'cancelled (customer), but refund of ch_1 refused: POST /v1/refunds answered 400',
      'cancelled, but the refund needs review',
    ],
    ['FAILED', 'workflow terminated', 'workflow terminated'],
    ['FAILED', 'something new from the provider at /v1/x', 'the order could not be completed'],
    [
      'REJECTED',
      'risk check: total 6000.00 EUR is above the 5000.00 limit',
      'risk check: total 6000.00 EUR is above the 5000.00 limit',
    ],
    ['CANCELLED', 'customer changed mind', 'customer changed mind'],
  ] as const)('%s %s', (status, reason, expected) => {
    expect(publicFailureReason(status, reason)).toBe(expected);
    expect(publicFailureReason(status, reason)).not.toMatch(/\/v1\/|answered \d{3}/);
  });

  it('keeps null', () => expect(publicFailureReason('COMPLETED', null)).toBeNull());
});
