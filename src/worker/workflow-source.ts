import { readFile } from 'node:fs/promises';

/** The workflow code for Worker.create: a prebuilt bundle when given, else bundled at start-up. */
export async function workflowSource(bundlePath?: string) {
  if (bundlePath) return { workflowBundle: { code: await readFile(bundlePath, 'utf8') } };
  return { workflowsPath: require.resolve('../../workflows') };
}
