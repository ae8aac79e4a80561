// The workflow code as the worker runs it, bundled by webpack: prebuilt into
// dist/workflow-bundle.js by bundle.ts, and built afresh by the tests that run or replay the
// workflow, so that they test workflows/ as it is now and never a stale prebuilt bundle.
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { join } from 'node:path';
import { failureConverterPath } from '../temporal/codec/data-converter';

export function bundleWorkflows() {
  return bundleWorkflowCode({
    // A folder (webpack picks its index), so the path holds from src/ under vitest and from dist/.
    workflowsPath: join(__dirname, '..', '..', 'workflows'),
    // The worker's failure converter (message and stack encrypted) runs inside the bundle too.
    failureConverterPath,
    logger: new DefaultLogger('WARN'),
  });
}
