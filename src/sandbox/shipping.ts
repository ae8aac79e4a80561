import { z } from 'zod';
import { type ProviderOptions, createProviderApp, errorBody } from './provider-app';
import { newId, openStore } from './store';

// Sandbox carrier. An address with postal code "00000" is rejected for good (400).

const LEDGER = `
  CREATE TABLE IF NOT EXISTS shipments (
    id TEXT PRIMARY KEY, order_id TEXT NOT NULL, tracking_number TEXT NOT NULL, status TEXT NOT NULL,
    address TEXT NOT NULL, items TEXT NOT NULL, idempotency_key TEXT, created_at TEXT NOT NULL, cancelled_at TEXT);
  CREATE INDEX IF NOT EXISTS shipments_order ON shipments (order_id);`;

export const UNDELIVERABLE_POSTAL_CODE = '00000';

const shipmentRequest = z.object({
  orderId: z.string().min(1).max(64),
  address: z.object({ postalCode: z.string().min(1), country: z.string().min(2) }).passthrough(),
  items: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() }).passthrough()).min(1),
});

interface ShipmentRow {
  id: string;
  orderId: string;
  trackingNumber: string;
  status: string;
  address: string;
  items: string;
  idempotencyKey: string | null;
  createdAt: string;
  cancelledAt: string | null;
}

export function shippingApp(dbFile: string, options: ProviderOptions = {}) {
  const db = openStore(dbFile, LEDGER);
  const provider = createProviderApp(db, options);

  const columns = `id, order_id AS orderId, tracking_number AS trackingNumber, status, address, items,
    idempotency_key AS idempotencyKey, created_at AS createdAt, cancelled_at AS cancelledAt`;
  const insert = db.prepare(
    `INSERT INTO shipments (id, order_id, tracking_number, status, address, items, idempotency_key, created_at)
     VALUES (?, ?, ?, 'created', ?, ?, ?, ?)`,
  );
  const find = db.prepare<[string], ShipmentRow>(`SELECT ${columns} FROM shipments WHERE id = ?`);
  const cancel = db.prepare(
    `UPDATE shipments SET status = 'cancelled', cancelled_at = ? WHERE id = ? AND status = 'created'`,
  );
  const list = db.prepare<{ orderId: string | null }, ShipmentRow>(
    `SELECT ${columns} FROM shipments WHERE (@orderId IS NULL OR order_id = @orderId) ORDER BY created_at`,
  );

  const view = ({ id, orderId, trackingNumber, status }: ShipmentRow) => ({ id, orderId, trackingNumber, status });

  provider.idempotentPost('/v1/shipments', shipmentRequest, (body, req) => {
    if (body.address.postalCode === UNDELIVERABLE_POSTAL_CODE) {
      return {
        statusCode: 400,
        body: errorBody('address_rejected', `the carrier cannot deliver to postal code ${UNDELIVERABLE_POSTAL_CODE}`),
      };
    }
    const id = newId('shp');
    const trackingNumber = `TRK${id.slice(4, 16).toUpperCase()}`;
    const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
    insert.run(
      id,
      body.orderId,
      trackingNumber,
      JSON.stringify(body.address),
      JSON.stringify(body.items),
      key,
      new Date().toISOString(),
    );
    return { statusCode: 201, body: view(find.get(id)!) };
  });

  provider.idempotentPost('/v1/shipments/:id/cancel', z.object({}).passthrough().optional(), (_body, req) => {
    const { id } = req.params as { id: string };
    cancel.run(new Date().toISOString(), id);
    const shipment = find.get(id);
    if (!shipment) return { statusCode: 404, body: errorBody('resource_missing', `no shipment ${id}`) };
    return { statusCode: 200, body: view(shipment) };
  });

  const record = (row: ShipmentRow) => ({ ...row, address: JSON.parse(row.address), items: JSON.parse(row.items) });
  provider.listByOrder('/v1/shipments', (orderId) => list.all({ orderId: orderId ?? null }).map(record));
  provider.getById('/v1/shipments', 'shipment', (id) => {
    const row = find.get(id);
    return row && record(row);
  });

  provider.app.addHook('onClose', async () => db.close());
  return provider.app;
}
