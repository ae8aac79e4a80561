import { z } from 'zod';
import { id, text } from '../../shared/order-schema';
import { ORDER_STATUSES } from '../../shared/order-state';

// What the /orders routes accept besides the order itself: validated by ZodValidationPipe,
// and the same schemas generate the OpenAPI document. The order body is the shared schema,
// re-exported here: the Kafka ingest validates with it too.
export { type Order, orderSchema } from '../../shared/order-schema';

export const orderIdSchema = id('orderId');

export const listOrdersQuerySchema = z
  .object({
    status: z.enum(ORDER_STATUSES).optional(),
    customerId: id('customerId').optional(),
    pageSize: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;

export const cancelOrderSchema = z.object({ reason: text(500).optional() }).strict();
export type CancelOrder = z.infer<typeof cancelOrderSchema>;
