import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal core bridge is a native module: run files in child processes, not threads.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    // Several workers and API replicas, and the launcher's faults (it needs the production
    // engine's tools): the production engine's suite (vitest.postgres.config.mts).
    exclude: [...configDefaults.exclude, 'test/replicas/**', 'test/launcher/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
