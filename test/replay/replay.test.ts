import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptHistory } from '../../scripts/encrypt-histories';
import { projectRoot } from '../../src/stack/stack';
import { decodingDataConverter } from '../../src/temporal/codec/data-converter';
import { parseEncryptionKeys } from '../../src/temporal/codec/encryption-keys';
import { bundleWorkflows } from '../../src/worker/workflow-bundle';

// Every committed history (recorded from real runs by `npm run histories:export`) must
// replay against the current workflow code: a change that would break runs in flight
// fails here, naming the history. Their payloads are encrypted with the test-only key
// test/histories/test-key (scripts/encrypt-histories.ts), and decrypted here as the worker would.

const root = projectRoot(__dirname);
const historiesDir = join(root, 'test', 'histories');
const files = readdirSync(historiesDir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (file: string) => historyFromJSON(JSON.parse(readFileSync(join(historiesDir, file), 'utf8')));
const dataConverter = decodingDataConverter(parseEncryptionKeys(readFileSync(join(historiesDir, 'test-key'), 'utf8')));

// Bundled from workflows/ here, not read from dist/: an edit replays without a rebuild.
let currentBundle: { code: string };
beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  currentBundle = await bundleWorkflows();
});

describe('replay of recorded histories', () => {
  it('has histories for every path', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
    expect(files.filter((f) => f.includes('needs-review'))).not.toHaveLength(0);
    expect(files.filter((f) => f.includes('checkout'))).not.toHaveLength(0);
    expect(files.filter((f) => f.startsWith('v5-'))).not.toHaveLength(0);
    expect(files.filter((f) => f.startsWith('v6-'))).not.toHaveLength(0);
  });

  it.each(files)('%s holds no plaintext payload or failure message (else: npm run histories:encrypt)', async (file) => {
    const json = JSON.parse(readFileSync(join(historiesDir, file), 'utf8'));
    expect(await encryptHistory(json)).toEqual(json);
  });

  it.each(files)('%s replays against the current workflow', async (file) => {
    await expect(
      Worker.runReplayHistory({ workflowBundle: currentBundle, dataConverter }, load(file), file),
    ).resolves.toBeUndefined();
  });
});

/**
 * The real workflow with one patch check (`patched(id)`, or `since(id)` for the patches v6's
 * marker stands for) replaced by a fixed branch, bundled.
 */
async function withoutPatch(patchId: string, branch: 'true' | 'false', name: string) {
  const source = readFileSync(join(root, 'workflows', 'order.ts'), 'utf8');
  const edited = source
    .replace(new RegExp(`(patched|since)\\('${patchId}'\\)`), branch)
    .replace(/from '\.\.\//g, "from '../../../")
    .replace(/from '\.\//g, "from '../../../workflows/");
  expect(edited).not.toContain(`('${patchId}')`);
  const dir = join(root, 'test', 'artifacts', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'order.ts'), edited);
  return bundleWorkflowCode({ workflowsPath: join(dir, 'order.ts'), logger: new DefaultLogger('WARN') });
}

async function replayError(workflowBundle: { code: string }, file: string) {
  const errors = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle, dataConverter }, [
    { workflowId: file, history: load(file) },
  ]))
    errors.push(result.error);
  expect(errors).toHaveLength(1);
  return errors[0];
}

describe('the replay guard can fail', () => {
  // The change a developer might deploy without patched(): the risk check always runs.
  // Every history recorded before the risk check existed must then fail to replay.
  let riskCheckAlways: { code: string };
  // The ledger change taken back without its patch: every shipping failure compensated
  // again. Histories in which shipping ended NEEDS_REVIEW (no refund) must then fail.
  let compensateAlways: { code: string };
  // Synchronous checkout taken back without its patch: no paymentDecided handler. Histories
  // with that update accepted must then fail.
  let noCheckoutUpdate: { code: string };
  // Order events added without their patch, and taken back without it: histories from
  // before them must fail in the first case, histories with them in the second.
  let eventsAlways: { code: string };
  let eventsNever: { code: string };
  // v6 (one marker, the risk check local, no SHIPPED upsert) without its patch, and taken
  // back without it.
  let v6Always: { code: string };
  let v6Never: { code: string };
  beforeAll(async () => {
    riskCheckAlways = await withoutPatch('risk-check-before-charge', 'true', 'unpatched-risk-check');
    compensateAlways = await withoutPatch('ledger-is-truth', 'false', 'unpatched-ledger');
    noCheckoutUpdate = await withoutPatch('payment-decided-update', 'false', 'unpatched-checkout');
    eventsAlways = await withoutPatch('order-events', 'true', 'unpatched-events-always');
    eventsNever = await withoutPatch('order-events', 'false', 'unpatched-events-never');
    v6Always = await withoutPatch('v6-local-risk-check', 'true', 'unpatched-v6-always');
    v6Never = await withoutPatch('v6-local-risk-check', 'false', 'unpatched-v6-never');
  }, 300_000);

  it.each(files.filter((f) => f.startsWith('v1-')))(
    '%s does not replay once the risk check is added without a patch',
    async (file) => {
      expect((await replayError(riskCheckAlways, file))?.name).toBe('DeterminismViolationError');
    },
  );

  it.each(files.filter((f) => f.includes('needs-review')))(
    '%s does not replay once the ledger branch is dropped',
    async (file) => {
      expect((await replayError(compensateAlways, file))?.name).toBe('DeterminismViolationError');
    },
  );

  it.each(files.filter((f) => f.includes('checkout')))(
    '%s does not replay without the paymentDecided handler',
    async (file) => {
      expect(await replayError(noCheckoutUpdate, file)).toBeDefined();
    },
  );

  it.each(files.filter((f) => f.startsWith('v4-')))(
    '%s does not replay once order events are added without a patch',
    async (file) => {
      expect(await replayError(eventsAlways, file)).toBeDefined();
    },
  );

  it.each(files.filter((f) => f.startsWith('v5-')))(
    '%s does not replay once order events are dropped without a patch',
    async (file) => {
      expect(await replayError(eventsNever, file)).toBeDefined();
    },
  );

  it.each(files.filter((f) => f.startsWith('v5-')))(
    '%s does not replay once v6 is deployed without a patch',
    async (file) => {
      expect(await replayError(v6Always, file)).toBeDefined();
    },
  );

  it.each(files.filter((f) => f.startsWith('v6-')))(
    '%s does not replay once v6 is taken back without a patch',
    async (file) => {
      expect(await replayError(v6Never, file)).toBeDefined();
    },
  );
});
