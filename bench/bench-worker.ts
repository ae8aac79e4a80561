import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { workerConfig } from '../src/config/service';

/**
 * A worker in the benchmark's own process for its ceiling runs, with the service worker's
 * tuning (same environment), on a connection of its own: it runs until `until` settles, and
 * answers what `until` answers.
 */
export async function runBenchWorker<T>(
  options: {
    address: string;
    taskQueue: string;
    dataConverter: DataConverter;
    workflowBundle: { code: string };
    activities: object;
  },
  until: () => Promise<T>,
): Promise<T> {
  const tuning = workerConfig();
  const connection = await NativeConnection.connect({ address: options.address });
  try {
    const worker = await Worker.create({
      connection,
      taskQueue: options.taskQueue,
      dataConverter: options.dataConverter,
      workflowBundle: options.workflowBundle,
      activities: options.activities,
      maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivities,
      maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTasks,
      maxCachedWorkflows: tuning.maxCachedWorkflows,
    });
    return await worker.runUntil(until);
  } finally {
    await connection.close();
  }
}
