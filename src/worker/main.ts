// The Temporal worker process: runs order workflows and their activities.
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { sandboxPayments } from '../providers/payments';
import { localRiskRules } from '../providers/risk';
import { sandboxShipping } from '../providers/shipping';
import { providerConfig, riskConfig, temporalConfig, workerConfig } from '../shared/config';
import { connectionOptions } from '../temporal/connection-options';
import { workflowSource } from './workflow-source';

async function main() {
  const temporal = temporalConfig();
  const providers = providerConfig();
  const tuning = workerConfig();
  const connection = await NativeConnection.connect(connectionOptions(temporal));
  const worker = await Worker.create({
    connection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    ...(await workflowSource(tuning.workflowBundlePath)),
    activities: createActivities({
      payments: sandboxPayments(providers.paymentsUrl, providers.requestTimeoutMs),
      shipping: sandboxShipping(providers.shippingUrl, providers.requestTimeoutMs),
      risk: localRiskRules(riskConfig()),
    }),
    maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTasks,
  });
  // Worker.run() returns after SIGINT/SIGTERM once in-flight tasks have drained.
  await worker.run();
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
