import { Client, Connection } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, inject } from 'vitest';
import { projectRoot } from '../../src/stack/stack';
import { temporalCli as cliPath } from '../../src/stack/temporal-cli';
import { forgetWorkflow as forget } from '../../src/temporal/forget-workflow';
import { decodingDataConverter } from '../../src/temporal/codec/data-converter';
import { parseEncryptionKeys } from '../../src/temporal/codec/encryption-keys';
import { waitForStartedActivity as waitUntilStarted } from '../../src/temporal/started-activity';

let client: Client | undefined;

/** A Temporal client on the test stack (decrypting with its key), closed after the file's tests. */
export async function temporal(): Promise<Client> {
  if (!client) {
    const connection = await Connection.connect({ address: inject('stack').temporal });
    client = new Client({
      connection,
      dataConverter: decodingDataConverter(parseEncryptionKeys(inject('stackEnv').ENCRYPTION_KEYS!)),
    });
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

/** Per activity type, the highest attempt number the run's history shows (1 = no retry). */
export async function activityAttempts(workflowId: string): Promise<Record<string, number>> {
  const history = await (await temporal()).workflow.getHandle(workflowId).fetchHistory();
  const typeByScheduledId = new Map<string, string>();
  const attempts: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) typeByScheduledId.set(String(event.eventId), scheduled.activityType?.name ?? '?');
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const type = typeByScheduledId.get(String(started.scheduledEventId)) ?? '?';
      attempts[type] = Math.max(attempts[type] ?? 0, started.attempt ?? 1);
    }
  }
  return attempts;
}

/** Waits until an attempt of `activityType` has started (see src/temporal/started-activity.ts). */
export async function waitForStartedActivity(workflowId: string, activityType: string) {
  const handle = (await temporal()).workflow.getHandle(workflowId);
  // A deadline, not a count: under load each describe takes longer.
  if (!(await waitUntilStarted(handle, activityType, Date.now() + 30_000)))
    throw new Error(`${activityType} never started`);
}

/** Forgets a workflow as retention does; see src/temporal/forget-workflow.ts. */
export async function forgetWorkflow(workflowId: string): Promise<void> {
  await forget(await temporal(), workflowId);
}

/** Runs the pinned Temporal CLI against the test server (e.g. `workflow reset`). */
export async function temporalCli(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    cliPath(projectRoot(__dirname)),
    [...args, '--address', inject('stack').temporal],
    { timeout: 30_000 },
  );
  return stdout;
}
