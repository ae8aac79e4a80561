import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, inject } from 'vitest';
import type { Faults } from '../../src/sandbox/faults';
import { freePort } from '../../src/stack/free-port';
import { type Stack, startStack } from '../../src/stack/stack';

// A sandbox, worker and API of a test file's own, on the shared Temporal server but on
// their own task queue and ports: faults and crashes stay inside the file.

export async function isolatedStack(name: string, env: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const shared = inject('stack');
  const dataDir = mkdtempSync(join(tmpdir(), `orders-${name}-`));
  const stack = await startStack({
    dataDir,
    ports: { temporal: 0, temporalUi: 0, api: await freePort(), payments: await freePort(), shipping: await freePort() },
    namespace: 'default',
    retention: '24h',
    logDir: join(__dirname, '..', 'artifacts', 'logs', name),
    services: ['sandbox', 'worker', 'api'],
    temporalAddress: shared.temporal,
    env: { TEMPORAL_TASK_QUEUE: `orders-${name}`, TEMPORAL_UI_URL: shared.temporalUi, ...env },
  });
  afterAll(async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return stack;
}

export async function setFaults(providerUrl: string, faults: Faults): Promise<void> {
  const response = await fetch(`${providerUrl}/v1/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (!response.ok) throw new Error(`PUT faults answered ${response.status}`);
}
