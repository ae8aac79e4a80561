// Prebuilds the workflow bundle (dist/workflow-bundle.js) so that workers start without
// running webpack; run by scripts/setup.mjs after the TypeScript build.
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

async function main() {
  const out = process.argv[2] ?? join(__dirname, '..', '..', 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  await writeFile(out, code);
  console.log(`[setup] workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
