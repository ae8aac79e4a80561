import { z } from 'zod';
import type { Address, OrderItem } from '../shared/order-schema';
import { getJson, postIdempotent } from './http-json';
import type { ProviderAnswer } from './provider-answer';

export const shipmentSchema = z.object({
  id: z.string().min(1),
  orderId: z.string().min(1),
  trackingNumber: z.string().min(1),
  status: z.enum(['created', 'cancelled']),
});
export type Shipment = z.infer<typeof shipmentSchema>;

/** A shipment as the carrier's ledger lists it, with what it was created for. */
export const shipmentRecordSchema = shipmentSchema.extend({
  address: z.record(z.string(), z.unknown()),
  items: z.array(z.record(z.string(), z.unknown())),
});
export type ShipmentRecord = z.infer<typeof shipmentRecordSchema>;

export interface ShipmentRequest {
  orderId: string;
  address: Address;
  items: OrderItem[];
}

/** What the worker needs from a carrier: a shipment under an idempotency key, and lookups. */
export interface ShippingProvider {
  createShipment(idempotencyKey: string, request: ShipmentRequest): Promise<ProviderAnswer<Shipment>>;
  shipmentsForOrder(orderId: string): Promise<ShipmentRecord[]>;
}

export function sandboxShipping(baseUrl: string, timeoutMs: number): ShippingProvider {
  const http = { baseUrl, timeoutMs };
  return {
    createShipment: (idempotencyKey, body) =>
      postIdempotent({ ...http, path: '/v1/shipments', idempotencyKey, body, schema: shipmentSchema }),
    shipmentsForOrder: async (orderId) =>
      (
        await getJson({
          ...http,
          path: `/v1/shipments?orderId=${encodeURIComponent(orderId)}`,
          schema: z.object({ data: z.array(shipmentRecordSchema) }),
        })
      )?.data ?? [],
  };
}
