import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import { cancelOrderUpdate, getOrderQuery, orderWorkflow } from '../../../workflows/order';
import { fingerprint } from '../../shared/fingerprint';
import type { ListOrdersQuery, Order } from '../../shared/order-schema';
import { type OrderState, initialOrderState, orderTotalCents } from '../../shared/order-state';
import { CUSTOMER_ID, ORDER_STATUS, ORDER_TOTAL_CENTS } from '../../shared/search-attributes';
import { TemporalClient } from '../temporal.module';
import { orderIdOf, workflowIdFor } from '../../shared/workflow-ids';
import { type OrderSummary, type OrderView, temporalUiLink } from './order-view';

type OrderHandle = WorkflowHandle<typeof orderWorkflow>;

/** Stored in the run's memo: how a resubmission is told apart from a conflicting one. */
interface OrderMemo {
  fingerprint: string;
  summary: string;
}

@Injectable()
export class OrdersService {
  constructor(private readonly temporal: TemporalClient) {}

  /**
   * Starts the order's workflow, or finds the one already there. Dedup is Temporal's: the
   * workflow ID is the order ID, REJECT_DUPLICATE refuses a closed run with that ID and the
   * FAIL conflict policy a running one, both with WorkflowExecutionAlreadyStartedError. So
   * a 202 means this call started the run, on however many API replicas.
   */
  async submit(order: Order): Promise<{ created: boolean; view: OrderView }> {
    const workflowId = workflowIdFor(order.orderId);
    const memo: OrderMemo = { fingerprint: fingerprint(order), summary: orderSummary(order) };
    try {
      const handle = await this.temporal.workflow.start(orderWorkflow, {
        workflowId,
        taskQueue: this.temporal.config.taskQueue,
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
      });
      // The run was just accepted: its state is the initial one; no need to ask the worker.
      const { startTime } = await handle.describe();
      return { created: true, view: this.toView(workflowId, initialOrderState(order, startTime.toISOString())) };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const handle = this.handle(order.orderId);
      const description = await this.describe(handle);
      if ((description.memo as Partial<OrderMemo> | undefined)?.fingerprint !== memo.fingerprint) {
        throw new ConflictException({
          detail: `order ${order.orderId} was already submitted with a different body; nothing was started`,
          workflowId,
        });
      }
      return { created: false, view: await this.view(handle, description) };
    }
  }

  async get(orderId: string): Promise<OrderView> {
    return this.view(this.handle(orderId));
  }

  /** Cancels through the workflow's Update; its validator refuses once shipping has begun. */
  async cancel(orderId: string, reason: string): Promise<OrderView> {
    const handle = this.handle(orderId);
    const description = await this.describe(handle);
    let view: OrderView | undefined;
    if (description.status.name === 'RUNNING') {
      try {
        view = this.toView(handle.workflowId, await handle.executeUpdate(cancelOrderUpdate, { args: [reason] }));
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          throw new ConflictException({ detail: `order ${orderId} cannot be cancelled: ${err.cause?.message ?? err.message}` });
        }
        if (!isClosedWhileUpdating(err)) throw err;
      }
    }
    view ??= await this.view(handle);
    if (view.status !== 'CANCELLED') {
      const why = view.failureReason ? ` (${view.failureReason})` : '';
      throw new ConflictException({ detail: `order ${orderId} cannot be cancelled: it is ${view.status}${why}`, orderStatus: view.status });
    }
    return view;
  }

  async list(query: ListOrdersQuery): Promise<OrderSummary[]> {
    const filters = [`WorkflowType = '${orderWorkflow.name}'`];
    // Both values are validated (enum / ID charset), so quoting them is safe.
    if (query.status) filters.push(`${ORDER_STATUS.name} = '${query.status}'`);
    if (query.customerId) filters.push(`${CUSTOMER_ID.name} = '${query.customerId}'`);
    const orders: OrderSummary[] = [];
    for await (const run of this.temporal.workflow.list({ query: filters.join(' AND '), pageSize: query.pageSize })) {
      const attributes = run.typedSearchAttributes;
      orders.push({
        orderId: orderIdOf(run.workflowId),
        customerId: attributes.get(CUSTOMER_ID) ?? null,
        status: (attributes.get(ORDER_STATUS) as OrderState['status'] | undefined) ?? null,
        totalCents: attributes.get(ORDER_TOTAL_CENTS) ?? null,
        workflowId: run.workflowId,
        createdAt: run.startTime.toISOString(),
        closedAt: run.closeTime?.toISOString() ?? null,
        links: { temporalUi: this.uiLink(run.workflowId) },
      });
      if (orders.length >= query.pageSize) break;
    }
    return orders;
  }

  private handle(orderId: string): OrderHandle {
    return this.temporal.workflow.getHandle<typeof orderWorkflow>(workflowIdFor(orderId));
  }

  private async describe(handle: OrderHandle): Promise<WorkflowExecutionDescription> {
    try {
      return await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new NotFoundException({ detail: `no order ${orderIdOf(handle.workflowId)}` });
      throw err;
    }
  }

  /** A running order answers its query; a finished one is read from its result. */
  private async view(handle: OrderHandle, known?: WorkflowExecutionDescription): Promise<OrderView> {
    const description = known ?? (await this.describe(handle));
    const state =
      description.status.name === 'RUNNING' ? await handle.query(getOrderQuery) : await this.finalState(handle, description);
    return this.toView(handle.workflowId, state);
  }

  private async finalState(handle: OrderHandle, description: WorkflowExecutionDescription): Promise<OrderState> {
    if (description.status.name === 'COMPLETED') return handle.result();
    // Terminated, timed out or failed outside the lifecycle (an operator's action): report it
    // as FAILED, with what the run knew (payment, shipment) when a worker can replay it.
    const failureReason = `workflow ${description.status.name.toLowerCase()}`;
    const known = await this.temporal
      .withDeadline(Date.now() + 2_000, () => handle.query(getOrderQuery))
      .catch(() => undefined);
    if (known) return { ...known, status: 'FAILED', failureReason };
    const attributes = description.typedSearchAttributes;
    return {
      orderId: orderIdOf(handle.workflowId),
      customerId: attributes.get(CUSTOMER_ID) ?? '',
      status: 'FAILED',
      totalCents: attributes.get(ORDER_TOTAL_CENTS) ?? 0,
      currency: '',
      payment: null,
      shipment: null,
      failureReason,
      createdAt: description.startTime.toISOString(),
      updatedAt: (description.closeTime ?? description.startTime).toISOString(),
    };
  }

  private toView(workflowId: string, state: OrderState): OrderView {
    return { ...state, workflowId, links: { temporalUi: this.uiLink(workflowId) } };
  }

  private uiLink(workflowId: string): string {
    return temporalUiLink(this.temporal.config.uiUrl, this.temporal.config.namespace, workflowId);
  }
}

function orderSummary(order: Order): string {
  const total = (orderTotalCents(order) / 100).toFixed(2);
  return `Order ${order.orderId} for ${order.customerId}: ${order.items.length} line(s), ${total} ${order.currency}`;
}

/** The run closed between our describe and the update: answer from its final state instead. */
function isClosedWhileUpdating(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || /already completed|not found/i.test((err as Error)?.message ?? '');
}
