import type { Order } from './order-schema';

// The order lifecycle's vocabulary, shared by the workflow (which imports only pure
// modules) and the API. PENDING -> PAID -> SHIPPED -> COMPLETED, or one of the endings;
// REJECTED: refused by the risk check before any charge. NEEDS_REVIEW: the providers'
// ledgers contradict the order (an effect made for another body, a shipment that stands
// where a refund was due): no further effect, a person settles it.
export const ORDER_STATUSES = [
  'PENDING',
  'PAID',
  'SHIPPED',
  'COMPLETED',
  'CANCELLED',
  'PAYMENT_DECLINED',
  'REJECTED',
  'FAILED',
  'NEEDS_REVIEW',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

// The statuses an order passes through on its way; every other one is an ending.
const IN_PROGRESS: readonly OrderStatus[] = ['PENDING', 'PAID', 'SHIPPED'];
const TERMINAL: ReadonlySet<OrderStatus> = new Set(ORDER_STATUSES.filter((s) => !IN_PROGRESS.includes(s)));
export const isTerminal = (status: OrderStatus): boolean => TERMINAL.has(status);

/** What the workflow knows about its order; answered by the query and returned as the result. */
export interface OrderState {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  totalCents: number;
  currency: string;
  payment: { chargeId: string; refundId?: string } | null;
  shipment: { shipmentId: string; trackingNumber: string } | null;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * The submission's fingerprint (from the memo), so a finished run's result alone tells a
   * resubmission from a conflict.
   */
  fingerprint: string | null;
}

/**
 * What the API stores in the run's memo when it starts it: the submission's fingerprint
 * (see fingerprint.ts), a one-line summary for the UI, when the API accepted the order, and
 * its currency.
 */
export interface OrderMemo {
  fingerprint: string;
  summary: string;
  receivedAt: string;
  /** So that a view can be answered from Temporal alone while no worker is up. */
  currency: string;
  /**
   * Unique per POST: after a `Prefer: wait` that ran out, it tells whether this call started
   * the run (202) or another one did (200).
   */
  submissionId: string;
}

/** A run's memo read as OrderMemo; runs not started by the API may lack any of it. */
export const orderMemo = (memo: Record<string, unknown> | undefined): Partial<OrderMemo> => memo ?? {};

export function orderTotalCents(order: Pick<Order, 'items'>): number {
  return order.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
}

/** The state a new order's workflow starts from; the API answers a 202 with it too. */
export function initialOrderState(order: Order, receivedAt: string, fingerprint: string | null): OrderState {
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    status: 'PENDING',
    totalCents: orderTotalCents(order),
    currency: order.currency,
    payment: null,
    shipment: null,
    failureReason: null,
    createdAt: receivedAt,
    updatedAt: receivedAt,
    fingerprint,
  };
}
