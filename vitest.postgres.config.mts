import { defineConfig } from 'vitest/config';
import base from './vitest.config.mts';

// `npm run test:postgres`: the end-to-end suite on the production engine (PostgreSQL, the
// Temporal server and UI server built from Go), with two workers and two API replicas, and
// the chaos run with the Temporal server and PostgreSQL restarted mid-run. The lists replace
// the base config's (mergeConfig would append to them).
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'test/e2e/orders.test.ts',
      'test/e2e/failure-paths.test.ts',
      'test/e2e/faults.test.ts',
      'test/e2e/worker-crash.test.ts',
      'test/e2e/chaos.test.ts',
      'test/replicas/*.test.ts',
    ],
    exclude: [],
    globalSetup: ['test/support/global-setup-postgres.ts'],
    // The Temporal server takes about 10 s to start, more on a busy machine.
    hookTimeout: 180_000,
  },
});
