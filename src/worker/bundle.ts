// Prebuilds the workflow bundle (dist/workflow-bundle.js) so that workers start without
// running webpack; run by scripts/setup.mjs after the TypeScript build.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleWorkflows } from './workflow-bundle';

async function main() {
  const out = process.argv[2] ?? join(__dirname, '..', '..', 'workflow-bundle.js');
  const { code } = await bundleWorkflows();
  await writeFile(out, code);
  console.log(`[setup] workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
