import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { type ListOrdersQuery, type Order, listOrdersQuerySchema, orderIdSchema, orderSchema } from '../../shared/order-schema';
import { ORDER_STATUSES } from '../../shared/order-state';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import type { OrderSummary, OrderView } from './order-view';
import { OrdersService } from './orders.service';
import { MAX_WAIT_S, preferredWait } from './prefer-wait';

const cancelBodySchema = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();
const openApi = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'openapi-3.0' }) as Record<string, unknown>;
const problem = { content: { 'application/problem+json': {} } };

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @ApiOperation({ summary: 'Submit an order: starts its workflow once, however often it is sent' })
  @ApiBody({ schema: openApi(orderSchema) })
  @ApiResponse({ status: 202, description: 'New order: its workflow was started (with Prefer: wait, the view once the payment is decided or the wait ran out)', headers: { 'Preference-Applied': { description: 'wait=<seconds> when a wait was honoured', schema: { type: 'string' } } } })
  @ApiResponse({ status: 200, description: 'Same order and body again: the existing order, header Idempotent-Replayed: true', headers: { 'Preference-Applied': { description: 'wait=<seconds> when a wait was honoured', schema: { type: 'string' } } } })
  @ApiResponse({ status: 400, description: 'Invalid body; names the field', ...problem })
  @ApiResponse({ status: 409, description: 'Same orderId with a different body; nothing started', ...problem })
  @ApiHeader({
    name: 'Prefer',
    required: false,
    description: `RFC 7240 \`wait=<seconds>\` (at most ${MAX_WAIT_S}): answer once the payment is decided (PAID or an ending) or the wait runs out; answered with \`Preference-Applied\``,
  })
  async submit(
    @Body(new ZodValidationPipe(orderSchema, 'order')) order: Order,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderView> {
    const waitS = preferredWait(prefer);
    const { created, view } = await this.orders.submit(order, waitS);
    if (waitS !== undefined) reply.header('preference-applied', `wait=${waitS}`);
    reply.status(created ? 202 : 200);
    if (!created) reply.header('idempotent-replayed', 'true');
    return view;
  }

  @Get()
  @ApiOperation({ summary: 'List orders from Temporal visibility, filtered by status and customer' })
  @ApiQuery({ name: 'status', required: false, enum: ORDER_STATUSES })
  @ApiQuery({ name: 'customerId', required: false })
  @ApiQuery({ name: 'pageSize', required: false, type: Number })
  async list(@Query(new ZodValidationPipe(listOrdersQuerySchema, 'query')) query: ListOrdersQuery): Promise<{ data: OrderSummary[] }> {
    return { data: await this.orders.list(query) };
  }

  @Get(':orderId')
  @ApiOperation({ summary: 'The order view, from the running workflow or its result' })
  @ApiParam({ name: 'orderId' })
  @ApiResponse({ status: 404, description: 'Unknown order', ...problem })
  async get(@Param('orderId', new ZodValidationPipe(orderIdSchema, 'orderId')) orderId: string): Promise<OrderView> {
    return this.orders.get(orderId);
  }

  @Post(':orderId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an order not yet shipped (refunding any charge); idempotent' })
  @ApiBody({ schema: openApi(cancelBodySchema), required: false })
  @ApiResponse({ status: 409, description: 'Too late: shipped, or already ended otherwise', ...problem })
  async cancel(
    @Param('orderId', new ZodValidationPipe(orderIdSchema, 'orderId')) orderId: string,
    @Body(new ZodValidationPipe(cancelBodySchema, 'body')) body: z.infer<typeof cancelBodySchema>,
  ): Promise<OrderView> {
    return this.orders.cancel(orderId, body.reason ?? '');
  }
}
