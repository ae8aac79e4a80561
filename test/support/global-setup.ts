import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type Engine, type ScratchOptions, type Stack, freeStackPorts, startStack } from '../../src/stack/stack';

// One real stack for the whole run, on free ports (so it never meets `npm start` or another
// test run) and with a fresh data folder. Its logs are kept under test/artifacts/logs.
// `npm test` runs it on the dev server; `npm run test:postgres` (vitest.postgres.config.mts)
// on the production engine with two workers and two API replicas.

declare module 'vitest' {
  export interface ProvidedContext {
    stack: Stack['urls'];
    /** The bearer secret of the stack's API key (every scope). */
    apiKey: string;
    stackEnv: Record<string, string>;
    engine: Engine;
  }
}

export function sharedStack(shape: Omit<ScratchOptions, 'kafka'>) {
  let stack: Stack | undefined;
  let dataDir: string | undefined;
  return {
    async setup(project: TestProject) {
      dataDir = mkdtempSync(join(tmpdir(), 'orders-test-'));
      stack = await startStack({
        dataDir,
        ports: await freeStackPorts(shape.apis),
        namespace: 'default',
        retention: '24h',
        logDir: join(__dirname, '..', 'artifacts', 'logs'),
        env: { WORKER_METRICS_PORT: '0' },
        ...shape,
      });
      project.provide('stack', stack.urls);
      project.provide('apiKey', stack.apiKey!.secret);
      project.provide(
        'stackEnv',
        Object.fromEntries(Object.entries(stack.env).filter((e): e is [string, string] => e[1] !== undefined)),
      );
      project.provide('engine', shape.engine ?? 'dev');
    },
    async teardown() {
      await stack?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const { setup, teardown } = sharedStack({ engine: 'dev' });
