import type { Address, OrderItem } from '../shared/order-schema';
import { postIdempotent } from './http-json';

export interface Shipment {
  id: string;
  orderId: string;
  trackingNumber: string;
  status: string;
}

/** What the worker needs from a carrier. */
export interface ShippingProvider {
  createShipment(idempotencyKey: string, request: { orderId: string; address: Address; items: OrderItem[] }): Promise<Shipment>;
}

export function sandboxShipping(baseUrl: string, timeoutMs: number): ShippingProvider {
  return {
    createShipment: (idempotencyKey, body) =>
      postIdempotent<Shipment>({ baseUrl, path: '/v1/shipments', idempotencyKey, body, timeoutMs }),
  };
}
