import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { isTerminal, type OrderStatus } from '../shared/order-state';
import {
  ORDER_STATUS,
  ORDER_TOTAL_CENTS,
  ORDER_WORKFLOW_TYPE,
  orderIdOf,
  workflowIdFor,
} from '../shared/order-contract';

/** An order as Temporal knows it, from visibility (confirmed with describe where it lags). */
export interface KnownOrder {
  status: OrderStatus;
  totalCents: number;
  closed: boolean;
  /** Closed by an operator (terminate, timeout) rather than by its lifecycle. */
  endedOutsideLifecycle: boolean;
}

function toOrder(run: Pick<WorkflowExecutionInfo, 'typedSearchAttributes' | 'status'>): KnownOrder {
  const closed = run.status.name !== 'RUNNING';
  const endedOutsideLifecycle = closed && run.status.name !== 'COMPLETED';
  return {
    // As the API reports it: a run ended outside its lifecycle is FAILED.
    status: endedOutsideLifecycle ? 'FAILED' : (run.typedSearchAttributes.get(ORDER_STATUS) as OrderStatus),
    totalCents: run.typedSearchAttributes.get(ORDER_TOTAL_CENTS) ?? 0,
    closed,
    endedOutsideLifecycle,
  };
}

export async function ordersInTemporal(client: Client): Promise<Map<string, KnownOrder>> {
  const orders = new Map<string, KnownOrder>();
  for await (const run of client.workflow.list({ query: `WorkflowType = '${ORDER_WORKFLOW_TYPE}'` })) {
    orders.set(orderIdOf(run.workflowId), toOrder(run));
  }
  // Visibility lags behind (more so after a server restart): ask the run itself before
  // calling an order unfinished.
  for (const [orderId, order] of orders) {
    if (!order.closed || !isTerminal(order.status))
      orders.set(orderId, toOrder(await client.workflow.getHandle(workflowIdFor(orderId)).describe()));
  }
  return orders;
}
