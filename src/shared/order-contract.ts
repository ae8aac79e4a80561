// The order workflow's names, in one place: what the API, the tools and the tests use to
// find, start, query and update an order's run, and what the workflow itself registers.
// Imported by workflows/order.ts, so it stays deterministic: only @temporalio/workflow and
// pure modules (enforced by the workflows/ rule in eslint.config.mjs).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { OrderState } from './order-state';

/** The workflow's type, for callers that must not load its code (the API, the tools). */
export type OrderWorkflow = typeof import('../../workflows/order').orderWorkflow;
/** Its registered name (the function's name; test/workflow checks they agree). */
export const ORDER_WORKFLOW_TYPE = 'orderWorkflow';

export const getOrderQuery = defineQuery<OrderState>('getOrder');
export const cancelOrderUpdate = defineUpdate<OrderState, [reason: string]>('cancelOrder');
/**
 * Answers once the payment is decided: PAID, or any ending. The API sends it with the start
 * (Update-with-Start) for `Prefer: wait`, and bounds the wait itself.
 */
export const paymentDecidedUpdate = defineUpdate<OrderState>('paymentDecided');

export { workflowIdFor, orderIdIn, orderIdOf } from './workflow-ids';
export { ORDER_STATUS, CUSTOMER_ID, ORDER_TOTAL_CENTS, ORDER_SEARCH_ATTRIBUTES } from './search-attributes';
export { FAILURE_TYPES } from './failure-types';
export { type OrderMemo, orderMemo } from './order-state';
