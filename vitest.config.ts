import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The CLI suites spawn the built binary; a slow machine must not turn them flaky.
    testTimeout: 30_000,
  },
});
