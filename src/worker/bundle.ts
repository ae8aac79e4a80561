// Prebuilds the workflow bundle (dist/workflow-bundle.js) so that workers start without
// running webpack; run by scripts/setup.mjs after the TypeScript build.
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { failureConverterPath } from '../temporal/codec/data-converter';

async function main() {
  const out = process.argv[2] ?? join(__dirname, '..', '..', 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    // The worker's failure converter (message and stack encrypted) runs inside the bundle too.
    failureConverterPath,
    logger: new DefaultLogger('WARN'),
  });
  await writeFile(out, code);
  console.log(`[setup] workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
