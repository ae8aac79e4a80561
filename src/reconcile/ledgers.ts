// The sandbox providers' audit views: every charge, refund and shipment, with the order it
// belongs to and when it was made. The audit and the reconciliation read the books here.

export interface LedgerRow {
  id: string;
  orderId: string;
  amountCents: number;
  createdAt: string;
  chargeId?: string;
  /** Charges: live refunded amount. */
  amountRefundedCents?: number;
  /** Shipments: 'created' or 'cancelled'. */
  status?: string;
}

export interface Ledgers {
  charges: LedgerRow[];
  refunds: LedgerRow[];
  shipments: LedgerRow[];
}

async function rows(base: string, path: string): Promise<LedgerRow[]> {
  const response = await fetch(`${base}${path}`);
  if (!response.ok) throw new Error(`GET ${base}${path} answered ${response.status}`);
  return ((await response.json()) as { data: LedgerRow[] }).data;
}

export async function readLedgers(paymentsUrl: string, shippingUrl: string): Promise<Ledgers> {
  const [charges, refunds, shipments] = await Promise.all([
    rows(paymentsUrl, '/v1/charges'),
    rows(paymentsUrl, '/v1/refunds'),
    rows(shippingUrl, '/v1/shipments'),
  ]);
  return { charges, refunds, shipments };
}

export const byOrder = (rows: LedgerRow[]) =>
  rows.reduce(
    (map, row) => map.set(row.orderId, [...(map.get(row.orderId) ?? []), row]),
    new Map<string, LedgerRow[]>(),
  );

export const isStandingCharge = (charge: LedgerRow) => (charge.amountRefundedCents ?? 0) < charge.amountCents;
export const isStandingShipment = (shipment: LedgerRow) => shipment.status !== 'cancelled';
