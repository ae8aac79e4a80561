import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type Stack, freeStackPorts, startStack } from '../../src/stack/stack';

// One real stack for the whole run, on free ports (so it never meets `npm start` or another
// test run) and with a fresh data folder. Its logs are kept under test/artifacts/logs.

declare module 'vitest' {
  export interface ProvidedContext {
    stack: Stack['urls'];
    /** The bearer secret of the stack's API key (every scope). */
    apiKey: string;
    stackEnv: Record<string, string>;
  }
}

let stack: Stack | undefined;
let dataDir: string | undefined;

export async function setup(project: TestProject) {
  dataDir = mkdtempSync(join(tmpdir(), 'orders-test-'));
  stack = await startStack({
    dataDir,
    ports: await freeStackPorts(),
    namespace: 'default',
    retention: '24h',
    logDir: join(__dirname, '..', 'artifacts', 'logs'),
    env: { WORKER_METRICS_PORT: '0' },
  });
  project.provide('stack', stack.urls);
  project.provide('apiKey', stack.apiKey!.secret);
  project.provide('stackEnv', Object.fromEntries(Object.entries(stack.env).filter((e): e is [string, string] => e[1] !== undefined)));
}

export async function teardown() {
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
