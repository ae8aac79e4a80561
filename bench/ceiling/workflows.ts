// The Temporal ceiling for the benchmark: a workflow with as many activities as an order
// has, each a no-op. What the server and one worker allow with no API and no providers.
import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '10s' });

export async function ceilingWorkflow(activities: number): Promise<void> {
  for (let i = 0; i < activities; i++) await noop();
}
