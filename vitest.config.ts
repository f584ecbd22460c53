import { defineConfig } from 'vitest/config';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with the plain line `N passed, N failed` (and `, N skipped`), which CI reads
 * whatever the runner; vitest's own summary is decorated and spread over several lines.
 */
const closingLine: Reporter = {
  onTestRunEnd(testModules: readonly TestModule[]) {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
    }
    const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed${skipped}\n`);
  },
};

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The CLI suites spawn the built binary; a slow machine must not turn them flaky.
    testTimeout: 30_000,
    reporters: ['default', closingLine],
    // The sandbox applies Twenty's API rate limit by default; the suite's many requests are not
    // what it tests, so it raises the limit the way a Twenty operator would (rate-limit tests set
    // their own). Spawned CLI processes inherit it.
    env: { API_RATE_LIMITING_SHORT_LIMIT: '1000000', API_RATE_LIMITING_LONG_LIMIT: '1000000' },
  },
});
