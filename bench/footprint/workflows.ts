// The ceiling's shape (bench/ceiling) with what an order asks of Temporal switched on piece by
// piece, for `npm run bench:footprint`: every step still a no-op, so what it costs beyond the
// bare ceiling is Temporal's work for the order's footprint, not ours.
import {
  patched,
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { idempotencyKey } from '../../src/shared/idempotency-keys';
import { orderEvent } from '../../src/shared/order-events';
import type { Order } from '../../src/shared/order-schema';
import type { OrderStatus } from '../../src/shared/order-state';
import { ORDER_STATUS } from '../../src/shared/search-attributes';

export interface Footprint {
  /** A `patched()` marker (and the SDK's TemporalChangeVersion upsert) and the PAID and COMPLETED upserts. */
  upserts?: boolean;
  /** The four status announcements, one local activity each, one after another as the outbox sends them. */
  announcements?: boolean;
  /** Inputs and answers the size of the service's, and a final state as the result. */
  payloads?: boolean;
}

export type FootprintActivities = Record<'risk' | 'charge' | 'ship' | 'publish', (input?: unknown) => Promise<unknown>>;

const { charge, ship } = proxyActivities<FootprintActivities>({ startToCloseTimeout: '10s' });
const { risk, publish } = proxyLocalActivities<FootprintActivities>({ startToCloseTimeout: '10s' });

export async function footprintWorkflow(order: Order, footprint: Footprint): Promise<unknown> {
  if (footprint.upserts) patched('footprint');
  const o = footprint.payloads ? order : undefined;
  let announced = Promise.resolve<unknown>(undefined);
  const announce = (status: OrderStatus) => {
    if (!footprint.announcements) return;
    const event = o && orderEvent(o.orderId, status, new Date().toISOString());
    announced = announced.then(() => publish(event));
  };
  const setStatus = (status: OrderStatus) => {
    if (footprint.upserts) upsertSearchAttributes([{ key: ORDER_STATUS, value: status }]);
    announce(status);
  };

  announce('PENDING');
  await risk(
    o && { orderId: o.orderId, customerId: o.customerId, currency: o.currency, country: o.shippingAddress.country },
  );
  const payment = await charge(
    o && {
      idempotencyKey: idempotencyKey(o.orderId, 'charge'),
      orderId: o.orderId,
      currency: o.currency,
      paymentToken: o.paymentToken,
    },
  );
  setStatus('PAID');
  const shipment = await ship(
    o && {
      idempotencyKey: idempotencyKey(o.orderId, 'shipment'),
      orderId: o.orderId,
      address: o.shippingAddress,
      items: o.items,
    },
  );
  announce('SHIPPED');
  setStatus('COMPLETED');
  await announced;
  return o && { ...o, status: 'COMPLETED', payment, shipment, receivedAt: workflowInfo().startTime.toISOString() };
}
