import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox } from '../sandbox/sandbox.js';
import { startSandboxServer, type RunningSandbox } from '../sandbox/server.js';
import { fakeRuntime } from './fake-runtime.test-support.js';
import { connectHost } from './host.js';
import { allRecords } from './paging.js';

let running: RunningSandbox | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const COMPANIES = `query Companies($first: Int, $after: String) {
  companies(first: $first, after: $after) {
    edges { node { id } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe("a long read against a host enforcing Twenty's rate limit", () => {
  it('completes, learning the limit from the refusals instead of failing', async () => {
    // The sandbox and the client share one fake clock, so the waits cost no time.
    const runtime = fakeRuntime(Date.parse('2026-06-30T12:00:00Z'), 0.5);
    const sandbox = await createSandbox({
      rls: false,
      seed: 'default',
      seedCounts: { members: 15, companies: 120, people: 1, opportunities: 1 },
      adminKey: 'admin-key',
      now: () => new Date(runtime.now()),
      rateLimitClock: () => runtime.now(),
      rateLimit: { short: { limit: 5, ttlMs: 1000 }, long: { limit: 10, ttlMs: 60_000 } },
    });
    running = await startSandboxServer(sandbox.serverOptions);
    let refusals = 0;
    const counting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if ((await response.clone().text()).includes('LIMIT_REACHED')) refusals++;
      return response;
    };
    // Configured far above what the host allows: only the host's answers can slow it down.
    const host = connectHost({
      baseUrl: running.url,
      token: 'admin-key',
      runtime,
      fetch: counting,
      rateLimit: { requests: 1000, windowMs: 60_000 },
    });

    const ids: unknown[] = [];
    for await (const company of allRecords(host.core, {
      operation: 'Companies',
      document: COMPANIES,
      resolver: 'companies',
      pageSize: 5,
    }))
      ids.push(company.id);

    expect(ids).toHaveLength(Object.keys(sandbox.state().records.company ?? {}).length);
    expect(ids.length).toBeGreaterThanOrEqual(120);
    expect(new Set(ids).size).toBe(ids.length);
    // The two buckets refused once each; from then on the client kept to them.
    expect(refusals).toBeLessThanOrEqual(3);
    expect(host.core.rateLimits).toEqual(
      expect.arrayContaining([
        { requests: 5, windowMs: 1000 },
        { requests: 10, windowMs: 60_000 },
      ]),
    );
  });
});
