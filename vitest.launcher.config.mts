import { defineConfig } from 'vitest/config';
import base from './vitest.config.mts';

// The launcher's faults (test/launcher), run by `npm run test:postgres` after that suite: each
// test starts stacks of its own (the production engine among them), so they run alone rather
// than beside the chaos run, whose restarted server needs its ports back and its CPU budget.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/launcher/*.test.ts'],
    exclude: [],
    globalSetup: [],
  },
});
