import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/stack/stack';

// Every committed history (recorded from real runs by `npm run histories:export`) must
// replay against the current workflow code: a change that would break runs in flight
// fails here, naming the history.

const root = projectRoot(__dirname);
const historiesDir = join(root, 'test', 'histories');
const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json')).sort();
const load = (file: string) => historyFromJSON(JSON.parse(readFileSync(join(historiesDir, file), 'utf8')));
const shippedBundle = { codePath: join(root, 'dist', 'workflow-bundle.js') };

beforeAll(() => Runtime.install({ logger: new DefaultLogger('WARN') }));

describe('replay of recorded histories', () => {
  it('has histories for every path', () => {
    expect(files.length).toBeGreaterThanOrEqual(13);
  });

  it.each(files)('%s replays against the current workflow', async (file) => {
    await expect(Worker.runReplayHistory({ workflowBundle: shippedBundle }, load(file), file)).resolves.toBeUndefined();
  });
});

describe('the replay guard can fail', () => {
  let swapped: { code: string };
  beforeAll(async () => {
    swapped = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'steps-swapped.ts'), logger: new DefaultLogger('WARN') });
  }, 120_000);

  it.each(files)('%s does not replay once the steps are reordered without a patch', async (file) => {
    const results = Worker.runReplayHistories({ workflowBundle: swapped }, [{ workflowId: file, history: load(file) }]);
    const errors = [];
    for await (const result of results) errors.push(result.error);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.name).toBe('DeterminismViolationError');
  });
});
