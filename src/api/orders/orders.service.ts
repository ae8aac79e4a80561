import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WithStartWorkflowOperation,
  type WorkflowStartOptions,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Order } from '../../shared/order-schema';
import {
  CUSTOMER_ID,
  ORDER_STATUS,
  ORDER_TOTAL_CENTS,
  ORDER_WORKFLOW_TYPE,
  type OrderMemo,
  type OrderWorkflow,
  cancelOrderUpdate,
  getOrderQuery,
  orderIdOf,
  orderMemo,
  paymentDecidedUpdate,
  workflowIdFor,
} from '../../shared/order-contract';
import { type OrderState, initialOrderState } from '../../shared/order-state';
import type { ApiPrincipal } from '../auth/api-keys';
import { type RunOutcome, closedWhileUpdating, runOutcome } from '../../temporal/workflow-reads';
import { TemporalClient } from '../temporal.module';
import { type OrderSummary, type OrderView, temporalUiLink } from './order-view';
import type { ListOrdersQuery } from './orders.schemas';
import { orderStart } from './order-start';
import { publicFailureReason } from './public-failure-reason';

type OrderHandle = WorkflowHandle<OrderWorkflow>;
type Outcome = RunOutcome<OrderState>;
/** How long a view waits for the worker's answer before answering from Temporal alone. */
const QUERY_DEADLINE_MS = 2_000;

@Injectable()
export class OrdersService {
  constructor(private readonly temporal: TemporalClient) {}

  /**
   * Starts the order's workflow, or finds the one already there. Dedup is Temporal's (see
   * orderStart): a 202 means this call started the run, on however many API replicas.
   *
   * With `waitS` (`Prefer: wait`), the start carries the paymentDecided update
   * (Update-with-Start, one round trip, same policies) and the answer comes once the payment
   * is decided or the wait runs out, never later.
   */
  async submit(order: Order, caller: ApiPrincipal, waitS?: number): Promise<{ created: boolean; view: OrderView }> {
    if (caller.customerId !== undefined && caller.customerId !== order.customerId) {
      throw new ForbiddenException({
        detail: `API key ${caller.id} may submit orders for customer ${caller.customerId} only`,
      });
    }
    const { memo, options } = orderStart(order, this.temporal.config.taskQueue);
    const workflowId = options.workflowId;
    const deadline = waitS === undefined ? undefined : Date.now() + waitS * 1000;
    try {
      if (deadline !== undefined) return await this.startAndWait(options, memo, deadline);
      await this.temporal.workflow.start<OrderWorkflow>(ORDER_WORKFLOW_TYPE, options);
      // The run was just accepted: its state is the initial one, which the workflow builds
      // from the same memo; no further call to Temporal or the worker.
      return {
        created: true,
        view: this.toView(workflowId, initialOrderState(order, memo.receivedAt, memo.fingerprint)),
      };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      try {
        const handle = this.handle(order.orderId);
        const outcome = await this.outcome(handle);
        // A completed run's result carries the fingerprint. Otherwise (running, ended by an
        // operator, or completed before results carried it) the memo decides, before any
        // worker is asked: a conflict is answered at once, with or without a worker up.
        const description = outcome.result?.fingerprint ? undefined : await this.describe(handle);
        const submitted = outcome.result?.fingerprint ?? orderMemo(description?.memo).fingerprint;
        if (submitted !== memo.fingerprint) {
          throw new ConflictException({
            detail: `order ${order.orderId} was already submitted with a different body; nothing was started`,
            workflowId,
          });
        }
        const decided =
          !outcome.closed && deadline !== undefined ? await this.paymentDecided(handle, deadline) : undefined;
        return {
          created: false,
          view: this.toView(workflowId, decided ?? (await this.stateAfter(handle, outcome, description))),
        };
      } catch (lookup) {
        // Temporal refused the start because the run exists, yet reading it found none: a
        // passing state (seen on the Temporal server around a PostgreSQL restart), not an
        // unknown order. 503 with Retry-After, so the client asks again.
        if (!(lookup instanceof NotFoundException)) throw lookup;
        throw new ServiceUnavailableException({
          detail: `order ${order.orderId} exists but cannot be read yet; retry the request`,
        });
      }
    }
  }

  /**
   * Update-with-Start: starts the run (or fails as a duplicate, like a plain start) and
   * waits for the payment decision, until `deadline`. The update ID is this submission's:
   * a retried RPC attaches to the same update instead of sending a second one.
   */
  private async startAndWait(options: WorkflowStartOptions<OrderWorkflow>, memo: OrderMemo, deadline: number) {
    // FAIL, as for a plain start: a run already there makes this throw, so it is answered as a duplicate.
    const workflowId = options.workflowId;
    const start = new WithStartWorkflowOperation<OrderWorkflow>(ORDER_WORKFLOW_TYPE, {
      ...options,
      workflowIdConflictPolicy: 'FAIL',
    });
    try {
      const state = await this.temporal.withDeadline(deadline, () =>
        this.temporal.workflow.executeUpdateWithStart(paymentDecidedUpdate, {
          updateId: memo.submissionId,
          startWorkflowOperation: start,
        }),
      );
      return { created: true, view: this.toView(workflowId, state) };
    } catch (err) {
      if (!(err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) throw err;
      // The wait ran out (no worker to take the update, or a slow payment). Whether this call
      // started the run is in its memo; the view is what Temporal knows, without a query
      // that would wait longer still.
      const handle = this.handle(orderIdOf(workflowId));
      const description = await this.describe(handle);
      if (orderMemo(description.memo).submissionId !== memo.submissionId)
        throw new WorkflowExecutionAlreadyStartedError(
          'started by another submission',
          workflowId,
          ORDER_WORKFLOW_TYPE,
        );
      return { created: true, view: this.toView(workflowId, this.knownWithoutWorker(handle, description, {})) };
    }
  }

  /** A running order's state once its payment is decided, or undefined when the wait runs out. */
  private async paymentDecided(handle: OrderHandle, deadline: number): Promise<OrderState | undefined> {
    return this.temporal
      .withDeadline(deadline, () => handle.executeUpdate(paymentDecidedUpdate))
      .catch(() => undefined); // out of time, or a run from before the update existed
  }

  async get(orderId: string, caller: ApiPrincipal): Promise<OrderView> {
    const handle = this.handle(orderId);
    const state = await this.currentState(handle);
    if (!mayAccess(caller, state.customerId)) throw this.notFound(handle);
    return this.toView(handle.workflowId, state);
  }

  /** Cancels through the workflow's Update; its validator refuses once shipping has begun. */
  async cancel(orderId: string, reason: string, caller: ApiPrincipal): Promise<OrderView> {
    const handle = this.handle(orderId);
    const description = await this.describe(handle);
    if (!mayAccess(caller, description.typedSearchAttributes.get(CUSTOMER_ID))) throw this.notFound(handle);
    let view: OrderView | undefined;
    if (description.status.name === 'RUNNING') {
      try {
        view = this.toView(handle.workflowId, await handle.executeUpdate(cancelOrderUpdate, { args: [reason] }));
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          throw new ConflictException({
            detail: `order ${orderId} cannot be cancelled: ${err.cause?.message ?? err.message}`,
          });
        }
        if (!closedWhileUpdating(err)) throw err;
      }
    }
    view ??= this.toView(handle.workflowId, await this.currentState(handle));
    if (view.status !== 'CANCELLED') {
      const why = view.failureReason ? ` (${view.failureReason})` : '';
      throw new ConflictException({
        detail: `order ${orderId} cannot be cancelled: it is ${view.status}${why}`,
        orderStatus: view.status,
      });
    }
    return view;
  }

  async list(query: ListOrdersQuery, caller: ApiPrincipal): Promise<OrderSummary[]> {
    // A customer-bound key lists its customer's orders only; asking for another's finds none.
    if (!mayAccess(caller, query.customerId ?? caller.customerId)) return [];
    const customerId = caller.customerId ?? query.customerId;
    const filters = [`WorkflowType = '${ORDER_WORKFLOW_TYPE}'`];
    // Both values are validated (enum / ID charset), so quoting them is safe.
    if (query.status) filters.push(`${ORDER_STATUS.name} = '${query.status}'`);
    if (customerId) filters.push(`${CUSTOMER_ID.name} = '${customerId}'`);
    const orders: OrderSummary[] = [];
    for await (const run of this.temporal.workflow.list({ query: filters.join(' AND '), pageSize: query.pageSize })) {
      const attributes = run.typedSearchAttributes;
      orders.push({
        orderId: orderIdOf(run.workflowId),
        customerId: attributes.get(CUSTOMER_ID) ?? null,
        status: (attributes.get(ORDER_STATUS) as OrderState['status'] | undefined) ?? null,
        totalCents: attributes.get(ORDER_TOTAL_CENTS) ?? null,
        workflowId: run.workflowId,
        createdAt: orderMemo(run.memo).receivedAt ?? run.startTime.toISOString(),
        closedAt: run.closeTime?.toISOString() ?? null,
        links: { temporalUi: this.uiLink(run.workflowId) },
      });
      if (orders.length >= query.pageSize) break;
    }
    return orders;
  }

  private handle(orderId: string): OrderHandle {
    return this.temporal.workflow.getHandle<OrderWorkflow>(workflowIdFor(orderId));
  }

  private describe(handle: OrderHandle): Promise<WorkflowExecutionDescription> {
    return this.orNotFound(handle, handle.describe());
  }

  /** An unknown workflow is an unknown order: 404. */
  private async orNotFound<T>(handle: OrderHandle, read: Promise<T>): Promise<T> {
    try {
      return await read;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw this.notFound(handle);
      throw err;
    }
  }

  private notFound(handle: OrderHandle): NotFoundException {
    return new NotFoundException({ detail: `no order ${orderIdOf(handle.workflowId)}` });
  }

  /** The order's state now: a completed order's from its result, else from the worker. */
  private async currentState(handle: OrderHandle): Promise<OrderState> {
    return this.stateAfter(handle, await this.outcome(handle));
  }

  private async stateAfter(
    handle: OrderHandle,
    { closed, result }: Outcome,
    known?: WorkflowExecutionDescription,
  ): Promise<OrderState> {
    if (result) return result;
    if (!closed) {
      // A running order is answered by its worker; with none up (or all busy) the query would
      // wait, so after QUERY_DEADLINE_MS the answer is what Temporal itself knows.
      const live = await this.queryWithDeadline(handle);
      return live ?? this.knownWithoutWorker(handle, known ?? (await this.describe(handle)), {});
    }
    return this.endedOutsideLifecycle(handle, known ?? (await this.describe(handle)));
  }

  private queryWithDeadline(handle: OrderHandle): Promise<OrderState | undefined> {
    return this.temporal
      .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(getOrderQuery))
      .catch(() => undefined);
  }

  /** Whether the run has closed and, if it completed, its result (which carries its state). */
  private async outcome(handle: OrderHandle): Promise<Outcome> {
    return this.orNotFound(handle, runOutcome<OrderState>(this.temporal, handle.workflowId));
  }

  /**
   * Terminated, timed out or failed outside the lifecycle (an operator's action): reported as
   * FAILED, with what the run knew (payment, shipment) when a worker can replay it.
   */
  private async endedOutsideLifecycle(
    handle: OrderHandle,
    description: WorkflowExecutionDescription,
  ): Promise<OrderState> {
    const failureReason = `workflow ${description.status.name.toLowerCase()}`;
    const known = await this.queryWithDeadline(handle);
    if (known) return { ...known, status: 'FAILED', failureReason };
    return this.knownWithoutWorker(handle, description, {
      status: 'FAILED',
      failureReason,
      updatedAt: (description.closeTime ?? description.startTime).toISOString(),
    });
  }

  /** The order as Temporal alone knows it: search attributes and the memo the API wrote. */
  private knownWithoutWorker(
    handle: OrderHandle,
    description: WorkflowExecutionDescription,
    overrides: Partial<OrderState>,
  ): OrderState {
    const attributes = description.typedSearchAttributes;
    const memo = orderMemo(description.memo);
    const createdAt = memo.receivedAt ?? description.startTime.toISOString();
    return {
      orderId: orderIdOf(handle.workflowId),
      customerId: attributes.get(CUSTOMER_ID) ?? '',
      status: (attributes.get(ORDER_STATUS) as OrderState['status'] | undefined) ?? 'PENDING',
      totalCents: attributes.get(ORDER_TOTAL_CENTS) ?? 0,
      currency: memo.currency ?? '',
      payment: null,
      shipment: null,
      failureReason: null,
      createdAt,
      updatedAt: createdAt,
      fingerprint: memo.fingerprint ?? null,
      ...overrides,
    };
  }

  private toView(workflowId: string, { fingerprint: _internal, ...state }: OrderState): OrderView {
    const failureReason = publicFailureReason(state.status, state.failureReason);
    return { ...state, failureReason, workflowId, links: { temporalUi: this.uiLink(workflowId) } };
  }

  private uiLink(workflowId: string): string {
    return temporalUiLink(this.temporal.config.uiUrl, this.temporal.config.namespace, workflowId);
  }
}

/** A key bound to a customer reaches that customer's orders only; an unbound key, all. */
function mayAccess(caller: ApiPrincipal, customerId: string | undefined): boolean {
  return caller.customerId === undefined || caller.customerId === customerId;
}
