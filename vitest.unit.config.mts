import { defineConfig } from 'vitest/config';
import base from './vitest.config.mts';

// `npm run test:unit`: the tests that need no stack (unit, the workflow on the time-skipping
// test server, replay of the committed histories), in seconds. `npm test` runs these too.
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/unit/**/*.test.ts', 'test/workflow/**/*.test.ts', 'test/replay/**/*.test.ts'],
    globalSetup: [],
  },
});
