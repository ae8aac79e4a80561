import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Forgets a workflow the way namespace retention does (`temporal workflow delete`) and waits
 * until Temporal no longer knows it: deletion is asynchronous. For tests, the chaos run and
 * the history export, which need orders that Temporal has forgotten and the ledgers have not.
 */
export async function forgetWorkflow(client: Client, workflowId: string): Promise<void> {
  await client.workflowService.deleteWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId },
  });
  // Up to a minute: the server deletes once its transfer queue saves its ack level, every
  // 30 s by default (the dev server `npm start` runs is set to 1 s; the PostgreSQL engine is not).
  for (let i = 0; i < 600; i++) {
    const gone = await client.workflow
      .getHandle(workflowId)
      .describe()
      .then(
        () => false,
        (err) => err instanceof WorkflowNotFoundError,
      );
    if (gone) return;
    await sleep(100);
  }
  throw new Error(`${workflowId} still known to Temporal after its deletion`);
}
