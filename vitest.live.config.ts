import { defineConfig } from 'vitest/config';

/** The host contract against a live Twenty only (see "Running the host contract against a real Twenty"). */
export default defineConfig({
  test: {
    include: ['test/contract/**/*.live.ts'],
    // A real server over the network; one workspace, so one file at a time.
    testTimeout: 60_000,
    fileParallelism: false,
  },
});
