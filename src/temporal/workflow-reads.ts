// What the API needs of Temporal that the client's public surface does not give, in one
// place: a run's outcome in a single call, and what a failed call means. Everything here
// leans on SDK internals (a raw history read, the internal payload decoder, gRPC status
// codes, an error's wording), so an SDK upgrade is checked here and in its test
// (test/e2e/workflow-reads.test.ts), not across the service.
import { type Client, ServiceError, WorkflowNotFoundError, isGrpcServiceError } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { status as GrpcStatus } from '@grpc/grpc-js';

export interface RunOutcome<Result> {
  /** The run has ended: completed, failed, timed out, cancelled or terminated. */
  closed: boolean;
  /** The decoded result, only for a run that completed. */
  result?: Result;
}

const { EventType } = temporal.api.enums.v1;
const CLOSE_EVENT_TYPES: ReadonlySet<temporal.api.enums.v1.EventType> = new Set([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
]);

/**
 * Whether the latest run of `workflowId` has closed and, if it completed, its result; throws
 * WorkflowNotFoundError when Temporal knows no such workflow. One call for the common case
 * (duplicates and GETs are most of the API's traffic): the history's last event, read
 * backwards, is the close event and carries the result. `handle.result()` would wait for a
 * running run to close, and `describe()` does not carry the result.
 */
export async function runOutcome<Result>(client: Client, workflowId: string): Promise<RunOutcome<Result>> {
  let last: temporal.api.history.v1.IHistoryEvent | undefined;
  try {
    const { history } = await client.workflowService.getWorkflowExecutionHistoryReverse({
      namespace: client.options.namespace,
      execution: { workflowId },
      maximumPageSize: 1,
    });
    last = history?.events?.[0];
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === GrpcStatus.NOT_FOUND)
      throw new WorkflowNotFoundError(err.details ?? 'workflow not found', workflowId, undefined);
    throw err;
  }
  if (last?.eventType == null || !CLOSE_EVENT_TYPES.has(last.eventType)) return { closed: false };
  const completed = last.workflowExecutionCompletedEventAttributes;
  if (!completed) return { closed: true };
  return {
    closed: true,
    result: await decodeFromPayloadsAtIndex<Result>(client.options.loadedDataConverter, 0, completed.result?.payloads),
  };
}

/**
 * An update that failed because the run closed (or was gone) by the time it arrived, as
 * opposed to one the workflow refused: the caller answers from the run's final state.
 * Besides the SDK's own class, the server's wording decides, which reaches us under other
 * classes too.
 */
export function closedWhileUpdating(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || /already completed|not found/i.test((err as Error)?.message ?? '');
}

// Temporal is down, restarting or overloaded. A request that failed so changed nothing that
// cannot be found again, so the client may retry it.
const RETRYABLE_GRPC_CODES: ReadonlySet<number> = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
]);

/** Whether a client call failed because Temporal could not be reached or did not answer in time. */
export function isTemporalUnavailable(err: unknown): boolean {
  const cause = err instanceof ServiceError ? err.cause : err;
  return isGrpcServiceError(cause) && RETRYABLE_GRPC_CODES.has(cause.code);
}
