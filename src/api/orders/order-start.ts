import type { WorkflowStartOptions } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { fingerprint } from '../../shared/fingerprint';
import type { Order } from '../../shared/order-schema';
import {
  CUSTOMER_ID,
  ORDER_STATUS,
  ORDER_TOTAL_CENTS,
  type OrderMemo,
  type OrderWorkflow,
  workflowIdFor,
} from '../../shared/order-contract';
import { orderTotalCents } from '../../shared/order-state';

/**
 * What the API sends Temporal to start an order's run: the memo (fingerprint, summary, time
 * received, this submission's ID) and the start options. Dedup is Temporal's: the workflow
 * ID is the order ID, REJECT_DUPLICATE refuses a closed run with that ID and the FAIL
 * conflict policy a running one, both with WorkflowExecutionAlreadyStartedError.
 */
export function orderStart(
  order: Order,
  taskQueue: string,
): { memo: OrderMemo; options: WorkflowStartOptions<OrderWorkflow> } {
  const memo: OrderMemo = {
    fingerprint: fingerprint(order),
    summary: orderSummary(order),
    receivedAt: new Date().toISOString(),
    currency: order.currency,
    submissionId: randomUUID(),
  };
  const options: WorkflowStartOptions<OrderWorkflow> = {
    workflowId: workflowIdFor(order.orderId),
    taskQueue,
    args: [order],
    memo: { ...memo },
    staticSummary: memo.summary,
    typedSearchAttributes: [
      { key: ORDER_STATUS, value: 'PENDING' },
      { key: CUSTOMER_ID, value: order.customerId },
      { key: ORDER_TOTAL_CENTS, value: orderTotalCents(order) },
    ],
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    workflowIdConflictPolicy: 'FAIL',
  };
  return { memo, options };
}

function orderSummary(order: Order): string {
  const total = (orderTotalCents(order) / 100).toFixed(2);
  return `Order ${order.orderId} for ${order.customerId}: ${order.items.length} line(s), ${total} ${order.currency}`;
}
