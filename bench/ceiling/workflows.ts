// The Temporal ceiling for the benchmark: a workflow with the shape of an order's happy path,
// each step a no-op: one local activity (the risk check, local since the workflow's v6), then
// activities (charge, shipment). What the server and one worker allow with no API and no
// providers, no memo, no search attributes.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';

type Noop = { noop(): Promise<void> };
const { noop } = proxyActivities<Noop>({ startToCloseTimeout: '10s' });
const { noop: localNoop } = proxyLocalActivities<Noop>({ startToCloseTimeout: '10s' });

export async function ceilingWorkflow(activities: number, localActivities = 0): Promise<void> {
  for (let i = 0; i < localActivities; i++) await localNoop();
  for (let i = 0; i < activities; i++) await noop();
}
