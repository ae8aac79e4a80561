import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptHistory } from '../../scripts/encrypt-histories';
import { projectRoot } from '../../src/stack/stack';
import { decodingDataConverter } from '../../src/temporal/codec/data-converter';
import { parseEncryptionKeys } from '../../src/temporal/codec/encryption-keys';

// Every committed history (recorded from real runs by `npm run histories:export`) must
// replay against the current workflow code: a change that would break runs in flight
// fails here, naming the history. Their payloads are encrypted with the test-only key
// test/histories/test-key (scripts/encrypt-histories.ts), and decrypted here as the worker would.

const root = projectRoot(__dirname);
const historiesDir = join(root, 'test', 'histories');
const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json')).sort();
const load = (file: string) => historyFromJSON(JSON.parse(readFileSync(join(historiesDir, file), 'utf8')));
const shippedBundle = { codePath: join(root, 'dist', 'workflow-bundle.js') };
const dataConverter = decodingDataConverter(parseEncryptionKeys(readFileSync(join(historiesDir, 'test-key'), 'utf8')));

beforeAll(() => Runtime.install({ logger: new DefaultLogger('WARN') }));

describe('replay of recorded histories', () => {
  it('has histories for every path', () => {
    expect(files.length).toBeGreaterThanOrEqual(13);
  });

  it.each(files)('%s holds no plaintext payload or failure message (else: npm run histories:encrypt)', async (file) => {
    const json = JSON.parse(readFileSync(join(historiesDir, file), 'utf8'));
    expect(await encryptHistory(json)).toEqual(json);
  });

  it.each(files)('%s replays against the current workflow', async (file) => {
    await expect(Worker.runReplayHistory({ workflowBundle: shippedBundle, dataConverter }, load(file), file)).resolves.toBeUndefined();
  });
});

describe('the replay guard can fail', () => {
  // The real workflow with its one patch removed (the risk check always runs): exactly the
  // change a developer might deploy without patched(). Every history recorded before the
  // risk check existed must then fail to replay.
  let unpatched: { code: string };
  beforeAll(async () => {
    const source = readFileSync(join(root, 'workflows', 'order.ts'), 'utf8');
    const edited = source.replace("patched('risk-check-before-charge')", 'true').replace(/from '\.\.\//g, "from '../../../");
    expect(edited).not.toContain('patched(');
    const dir = join(root, 'test', 'artifacts', 'unpatched-workflow');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'order.ts'), edited);
    unpatched = await bundleWorkflowCode({ workflowsPath: join(dir, 'order.ts'), logger: new DefaultLogger('WARN') });
  }, 120_000);

  it.each(files.filter((f) => f.startsWith('v1-')))('%s does not replay once the risk check is added without a patch', async (file) => {
    const results = Worker.runReplayHistories({ workflowBundle: unpatched, dataConverter }, [{ workflowId: file, history: load(file) }]);
    const errors = [];
    for await (const result of results) errors.push(result.error);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.name).toBe('DeterminismViolationError');
  });
});
