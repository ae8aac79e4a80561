import type { WorkflowHandle } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until an attempt of `activityType` has started in the run: in flight on a worker, or
 * retrying after one (attempt 2+; an attempt that fails fast is back to scheduled, without a
 * start time, between two polls). For the tests and the chaos run, which act on a run caught
 * mid-activity. False if `deadline` (epoch ms) passes first.
 */
export async function waitForStartedActivity(
  handle: WorkflowHandle,
  activityType: string,
  deadline: number,
): Promise<boolean> {
  while (Date.now() < deadline) {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    if (pending.some((a) => a.activityType?.name === activityType && (a.lastStartedTime || (a.attempt ?? 1) > 1)))
      return true;
    await sleep(100);
  }
  return false;
}
