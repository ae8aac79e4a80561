import { Client, Connection } from '@temporalio/client';
import { afterAll } from 'vitest';
import { urls } from './orders';

let client: Client | undefined;

/** A Temporal client on the test stack, closed after the file's tests. */
export async function temporal(): Promise<Client> {
  if (!client) {
    const connection = await Connection.connect({ address: urls().temporal });
    client = new Client({ connection });
    afterAll(() => connection.close());
  }
  return client;
}

/** How many runs Temporal holds for a workflow ID: dedup means at most one per order. */
export async function runCount(workflowId: string): Promise<number> {
  const c = await temporal();
  let count = 0;
  for await (const _ of c.workflow.list({ query: `WorkflowId = '${workflowId}'` })) count++;
  return count;
}
