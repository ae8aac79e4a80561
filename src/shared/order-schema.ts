import { z } from 'zod';

// Validation of an order as it arrives, over HTTP or from Kafka (src/ingest). The parsed
// result is the canonical order: the workflow receives it, the fingerprint is computed over
// it. The API's other request schemas sit beside its controller (src/api/orders/).

const ID = /^[A-Za-z0-9\-_.:]{1,64}$/;
/** An identifier as the order and the API's routes and queries take it. */
export const id = (what: string) => z.string().regex(ID, `${what} must be 1-64 characters of letters, digits and -_.:`);
// The length limit applies as sent, and "not blank" is a pattern rather than trim-then-min(1):
// both are what the OpenAPI document (generated from these schemas) states, so what it
// calls valid the API accepts, and the reverse. The value is then stored trimmed.
export const text = (max: number) => z.string().max(max).trim().regex(/\S/, 'must not be blank');

export const MAX_ITEMS = 100;
export const MAX_QUANTITY = 1_000;
export const MAX_UNIT_PRICE_CENTS = 1_000_000;

export const orderItemSchema = z
  .object({
    sku: id('sku'),
    quantity: z.number().int().min(1).max(MAX_QUANTITY),
    unitPriceCents: z.number().int().min(1).max(MAX_UNIT_PRICE_CENTS),
  })
  .strict();

export const addressSchema = z
  .object({
    name: text(200),
    line1: text(200),
    line2: text(200).optional(),
    city: text(100),
    postalCode: text(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code such as "DE"'),
  })
  .strict();

export const orderSchema = z
  .object({
    orderId: id('orderId'),
    customerId: id('customerId'),
    items: z.array(orderItemSchema).min(1).max(MAX_ITEMS),
    currency: z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as "EUR"'),
    shippingAddress: addressSchema,
    paymentToken: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,128}$/, 'paymentToken must be 1-128 characters of letters, digits and _'),
  })
  .strict();

export type Order = z.infer<typeof orderSchema>;
export type OrderItem = z.infer<typeof orderItemSchema>;
export type Address = z.infer<typeof addressSchema>;
