import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/stack/stack';

// The lint rules that carry meaning bite: snippets linted with eslint.config.mjs as if they
// were files of the repo, expecting the rule's error by name. The probe paths exist nowhere,
// so the type-aware rules get them a default TypeScript project.

const root = projectRoot(__dirname);
const WORKFLOW_FILE = 'workflows/lint-probe.ts';
const OTHER_FILE = 'src/shared/lint-probe.ts';
const CONFIG_FILE = 'src/config/lint-probe.ts';
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: [WORKFLOW_FILE, OTHER_FILE, CONFIG_FILE] } },
    },
  },
});

async function ruleIds(code: string, path: string) {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return result.messages.map((m) => m.ruleId);
}

describe('lint rules', { timeout: 120_000 }, () => {
  it('workflow code may not import Node built-ins', async () => {
    const code = "import { readFileSync } from 'node:fs';\nexport const read = () => readFileSync('x');\n";
    expect(await ruleIds(code, WORKFLOW_FILE)).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('workflow code may not import the client, the activity context or I/O modules', async () => {
    for (const module of ['@temporalio/client', '@temporalio/activity', 'undici', 'fs']) {
      const code = `import * as m from '${module}';\nexport const used = m;\n`;
      expect(await ruleIds(code, WORKFLOW_FILE), module).toContain('@typescript-eslint/no-restricted-imports');
    }
  });

  it('workflow code may import @temporalio/workflow, pure shared modules and activity types', async () => {
    const code = [
      "import { sleep } from '@temporalio/workflow';",
      "import type { OrderActivities } from '../activities';",
      "import { workflowIdFor } from '../src/shared/order-contract';",
      'export const ok = (a: OrderActivities) => [a, sleep, workflowIdFor];',
      '',
    ].join('\n');
    expect(await ruleIds(code, WORKFLOW_FILE)).toEqual([]);
  });

  it('workflow code may not import impure shared modules or activity code', async () => {
    for (const module of ['../src/shared/fingerprint', '../activities']) {
      const code = `import * as m from '${module}';\nexport const used = m;\n`;
      expect(await ruleIds(code, WORKFLOW_FILE), module).toContain('@typescript-eslint/no-restricted-imports');
    }
  });

  it('the same imports are fine outside workflows/', async () => {
    const code = "import { readFileSync } from 'node:fs';\nexport const read = () => readFileSync('x');\n";
    expect(await ruleIds(code, OTHER_FILE)).toEqual([]);
  });

  it('a floating promise is an error', async () => {
    const code = 'async function work() {}\nexport function caller() {\n  work();\n}\n';
    expect(await ruleIds(code, OTHER_FILE)).toContain('@typescript-eslint/no-floating-promises');
  });

  it('only src/config/ reads the environment', async () => {
    for (const code of [
      "export const port = process.env.PORT ?? '3000';\n",
      "export const port = process.env['PORT'];\n",
      'const { env } = process;\nexport const port = env.PORT;\n',
    ]) {
      expect(await ruleIds(code, OTHER_FILE), code).toContain('no-restricted-syntax');
      expect(await ruleIds(code, CONFIG_FILE), code).toEqual([]);
    }
  });

  it('passing the environment on whole to a child process is allowed', async () => {
    const code = "export const childEnv = { ...process.env, LOG_LEVEL: 'warn' };\n";
    expect(await ruleIds(code, OTHER_FILE)).toEqual([]);
  });
});
