import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import {
  type CancelOrder,
  type ListOrdersQuery,
  type Order,
  cancelOrderSchema,
  listOrdersQuerySchema,
  orderIdSchema,
  orderSchema,
} from './orders.schemas';
import { ApiKeyGuard } from '../auth/api-key.guard';
import type { ApiPrincipal } from '../auth/api-keys';
import { Caller } from '../auth/caller.decorator';
import { RequireScope } from '../auth/scopes';
import { ApiProblems, ApiZodBody, ApiZodParam, ApiZodQuery } from '../http/openapi';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import type { OrderSummary, OrderView } from './order-view';
import { OrdersService } from './orders.service';
import { MAX_WAIT_S, preferredWait } from './prefer-wait';

const PREFERENCE_APPLIED = {
  'Preference-Applied': { description: 'wait=<seconds> when a wait was honoured', schema: { type: 'string' } },
};

// The key is checked before the rate limit, so the limit counts per key.
@ApiTags('orders')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard, ThrottlerGuard)
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @RequireScope('orders:write')
  @ApiOperation({ summary: 'Submit an order: starts its workflow once, however often it is sent' })
  @ApiZodBody(orderSchema)
  @ApiHeader({
    name: 'Prefer',
    required: false,
    description: `RFC 7240 \`wait=<seconds>\` (at most ${MAX_WAIT_S}): answer once the payment is decided (PAID or an ending) or the wait runs out; answered with \`Preference-Applied\``,
  })
  @ApiResponse({
    status: 202,
    description:
      'New order: its workflow was started (with Prefer: wait, the view once the payment is decided or the wait ran out)',
    headers: PREFERENCE_APPLIED,
  })
  @ApiResponse({
    status: 200,
    description: 'Same order and body again: the existing order, header Idempotent-Replayed: true',
    headers: PREFERENCE_APPLIED,
  })
  @ApiProblems([400, 401, 403, 409, 413, 415, 429, 503], 'Same orderId with a different body; nothing started')
  async submit(
    @Caller() caller: ApiPrincipal,
    @Body(new ZodValidationPipe(orderSchema, 'order')) order: Order,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderView> {
    const waitS = preferredWait(prefer);
    const { created, view } = await this.orders.submit(order, caller, waitS);
    if (waitS !== undefined) reply.header('preference-applied', `wait=${waitS}`);
    reply.status(created ? 202 : 200);
    if (!created) reply.header('idempotent-replayed', 'true');
    return view;
  }

  @Get()
  @RequireScope('orders:read')
  @ApiOperation({ summary: 'List orders from Temporal visibility, filtered by status and customer' })
  @ApiZodQuery(listOrdersQuerySchema)
  @ApiResponse({ status: 200, description: "`{ data: [...] }`; a customer-bound key sees its customer's orders only" })
  @ApiProblems([400, 401, 403, 429, 503])
  async list(
    @Caller() caller: ApiPrincipal,
    @Query(new ZodValidationPipe(listOrdersQuerySchema, 'query')) query: ListOrdersQuery,
  ): Promise<{ data: OrderSummary[] }> {
    return { data: await this.orders.list(query, caller) };
  }

  @Get(':orderId')
  @RequireScope('orders:read')
  @ApiOperation({ summary: 'The order view, from the running workflow or its result' })
  @ApiZodParam('orderId', orderIdSchema)
  @ApiResponse({ status: 200, description: 'The order view' })
  @ApiProblems([400, 401, 403, 404, 429, 503])
  async get(
    @Caller() caller: ApiPrincipal,
    @Param('orderId', new ZodValidationPipe(orderIdSchema, 'orderId')) orderId: string,
  ): Promise<OrderView> {
    return this.orders.get(orderId, caller);
  }

  @Post(':orderId/cancel')
  @HttpCode(200)
  @RequireScope('orders:cancel')
  @ApiOperation({ summary: 'Cancel an order not yet shipped (refunding any charge); idempotent' })
  @ApiZodParam('orderId', orderIdSchema)
  @ApiZodBody(cancelOrderSchema, false)
  @ApiResponse({ status: 200, description: 'The final CANCELLED view, also on repeats' })
  @ApiProblems([400, 401, 403, 404, 409, 413, 415, 429, 503], 'Too late: shipped, or already ended otherwise')
  async cancel(
    @Caller() caller: ApiPrincipal,
    @Param('orderId', new ZodValidationPipe(orderIdSchema, 'orderId')) orderId: string,
    @Body(new ZodValidationPipe(cancelOrderSchema, 'body')) body: CancelOrder,
  ): Promise<OrderView> {
    return this.orders.cancel(orderId, body.reason ?? '', caller);
  }
}
