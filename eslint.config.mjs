// Lint rules that carry meaning, not style (style is Prettier's: .prettierrc.json).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const typeScriptFiles = [
  'src/**/*.ts',
  'workflows/**/*.ts',
  'activities/**/*.ts',
  'bench/**/*.ts',
  'scripts/**/*.ts',
  'test/**/*.ts',
  '*.mts',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.tools/**',
      'test/histories/**',
      'test/artifacts/**',
      'docs/**',
      'deploy/**',
    ],
  },
  {
    files: typeScriptFiles,
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        // The configs that import vitest.config.mts by its extension are outside tsconfig.json.
        projectService: {
          allowDefaultProject: ['vitest.postgres.config.mts', 'vitest.unit.config.mts', 'vitest.launcher.config.mts'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // An unawaited promise loses its failure and its ordering: await it, or mark the
      // fire-and-forget with `void` where that is the intent.
      '@typescript-eslint/no-floating-promises': 'error',
      // Prettier wraps code at 120 columns but leaves comments alone: this holds them to it.
      // Strings are exempt: a test name or a message cannot be wrapped without changing it.
      'max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreStrings: true, ignoreTemplateLiterals: true },
      ],
      // tsc's noUnusedLocals and noUnusedParameters report these already (tsconfig.json).
      '@typescript-eslint/no-unused-vars': 'off',
    },
  },
  {
    // One module reads the environment: src/config/, with typed values and clear errors.
    // Passing it on whole to a child process (`{ ...process.env, ... }`) is not reading it.
    files: typeScriptFiles,
    ignores: ['src/config/**', 'test/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[object.name='process'][property.name='env']:not(SpreadElement > MemberExpression)",
          message: 'Read the environment through src/config/ (typed, with defaults and clear errors).',
        },
        {
          selector: "VariableDeclarator[init.name='process'] > ObjectPattern > Property[key.name='env']",
          message: 'Read the environment through src/config/ (typed, with defaults and clear errors).',
        },
      ],
    },
  },
  {
    // Tests read JSON response bodies and SDK internals whose types would add nothing.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Workflow code is replayed and must be deterministic: it may import only
    // @temporalio/workflow and the pure modules of src/shared (types from anywhere).
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: 'Node built-ins are not deterministic.' })),
          patterns: [
            {
              regex: '^(?!@temporalio/workflow$|\\.)',
              message: 'Workflow code may import only @temporalio/workflow and pure modules of src/shared.',
            },
            {
              regex: '^\\.\\./(?!src/shared/)',
              allowTypeImports: true,
              message: 'Only type imports from outside src/shared: the rest may do I/O.',
            },
            {
              regex: '/shared/fingerprint$',
              message: 'Not pure (hashing with node:crypto): keep it out of workflows.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
