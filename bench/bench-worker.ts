import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { workerConfig } from '../src/config/service';

/**
 * A worker in the benchmark's own process for its ceiling runs, with the service worker's
 * tuning (same environment), on a connection of its own: it runs until `until` settles, and
 * answers what `until` answers, with the CPU this process (client and worker) and the engine
 * (`engineCpu`: its CPU seconds so far) used from the worker's start to its shutdown; the
 * worker's creation is not counted.
 */
export async function runBenchWorker<T>(
  options: {
    address: string;
    taskQueue: string;
    dataConverter: DataConverter;
    workflowBundle: { code: string };
    activities: object;
    engineCpu: () => number;
  },
  until: () => Promise<T>,
): Promise<{ value: T; clientAndWorkerCpuSeconds: number; engineCpuSeconds: number }> {
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
    let cpuBefore = process.cpuUsage();
    let engineBefore = 0;
    const value = await worker.runUntil(() => {
      cpuBefore = process.cpuUsage();
      engineBefore = options.engineCpu();
      return until();
    });
    const used = process.cpuUsage(cpuBefore);
    return {
      value,
      clientAndWorkerCpuSeconds: (used.user + used.system) / 1e6,
      engineCpuSeconds: options.engineCpu() - engineBefore,
    };
  } finally {
    await connection.close();
  }
}
