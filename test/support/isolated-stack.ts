import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import type { Faults } from '../../src/sandbox/faults';
import { putFaults } from '../../src/sandbox/fault-switch';
import { freePort, freePortBlock } from '../../src/stack/free-port';
import { type ScratchOptions, type Stack, startStack } from '../../src/stack/stack';
import { ordersClient } from './orders';

// A sandbox, worker and API of a test file's own, on the shared Temporal server but on
// their own task queue and ports: faults and crashes stay inside the file. Call at the top
// level of a test file: it registers the hooks that start and stop the stack. `shape` asks
// for several workers or API replicas (the engine is always the shared stack's). `env` may
// be a function, read when the stack starts (after hooks registered before this call ran).

export function useIsolatedStack(
  name: string,
  env: NodeJS.ProcessEnv | (() => NodeJS.ProcessEnv) = {},
  shape: Pick<ScratchOptions, 'workers' | 'apis'> = {},
) {
  let stack: Stack | undefined;
  let client: ReturnType<typeof ordersClient> | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    const shared = inject('stack');
    dataDir = mkdtempSync(join(tmpdir(), `orders-${name}-`));
    stack = await startStack({
      dataDir,
      ports: {
        temporal: 0,
        temporalUi: 0,
        codec: 0,
        postgres: 0,
        api: await freePortBlock(shape.apis ?? 1),
        payments: await freePort(),
        shipping: await freePort(),
      },
      namespace: 'default',
      retention: '24h',
      logDir: join(__dirname, '..', 'artifacts', 'logs', name),
      services: ['sandbox', 'worker', 'api'],
      ...shape,
      temporalAddress: shared.temporal,
      // A task queue of this run's own: no other run on the same server can take its tasks.
      // The shared server's encryption key, so the test files' Temporal clients read these runs too.
      env: {
        TEMPORAL_TASK_QUEUE: `orders-${name}-${randomUUID().slice(0, 8)}`,
        TEMPORAL_UI_URL: shared.temporalUi,
        WORKER_METRICS_PORT: '0',
        ENCRYPTION_KEYS: inject('stackEnv').ENCRYPTION_KEYS,
        ...(typeof env === 'function' ? env() : env),
      },
    });
    // With a key file of the test's own (API_KEYS_FILE in env), the test makes its own clients.
    client = ordersClient(stack.urls, stack.apiKey?.secret ?? '');
  });
  afterAll(async () => {
    await stack?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    get stack(): Stack {
      if (!stack) throw new Error('the isolated stack starts in beforeAll');
      return stack;
    },
    get client(): ReturnType<typeof ordersClient> {
      return client!;
    },
  };
}

export async function setFaults(providerUrl: string, faults: Faults): Promise<void> {
  const response = await putFaults(providerUrl, faults);
  if (!response.ok) throw new Error(`PUT faults answered ${response.status}`);
}
