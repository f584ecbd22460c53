import { describe, expect, it } from 'vitest';
import {
  rateLimitFromEnv,
  TWENTY_DEFAULT_RATE_LIMIT,
  type SandboxRateLimitSettings,
} from './rate-limit.js';
import { createSandbox, type Sandbox } from './sandbox.js';
import { answer, type SandboxAnswer } from './server.js';

const START = Date.parse('2026-06-30T12:00:00Z');

async function sandboxAt(
  clock: { ms: number },
  rateLimit: SandboxRateLimitSettings = TWENTY_DEFAULT_RATE_LIMIT,
): Promise<Sandbox> {
  return createSandbox({
    rls: false,
    seed: 'default',
    seedCounts: { members: 15, companies: 3, people: 3, opportunities: 1 },
    adminKey: 'admin-key',
    now: () => new Date(clock.ms),
    rateLimitClock: () => clock.ms,
    rateLimit,
  });
}

function graphql(
  sandbox: Sandbox,
  query: string,
  token = 'admin-key',
  path = '/graphql',
): Promise<SandboxAnswer> {
  return answer(sandbox.serverOptions, {
    method: 'POST',
    path,
    authorization: `Bearer ${token}`,
    readBody: () => Promise.resolve(JSON.stringify({ query })),
  });
}

function rest(sandbox: Sandbox, path: string): Promise<SandboxAnswer> {
  return answer(sandbox.serverOptions, {
    method: 'GET',
    path,
    search: '',
    authorization: 'Bearer admin-key',
    readBody: () => Promise.resolve(''),
  });
}

const COMPANIES = '{ companies(first: 1) { edges { node { id } } } }';
const errorsOf = (a: SandboxAnswer): unknown => (a.body as { errors?: unknown }).errors;

describe("the sandbox's API rate limit, as Twenty 2.43 configures it", () => {
  it("reads Twenty's variables, defaulting to 100 a second and 100 a minute", () => {
    expect(rateLimitFromEnv({})).toEqual({
      short: { limit: 100, ttlMs: 1000 },
      long: { limit: 100, ttlMs: 60_000 },
    });
    expect(
      rateLimitFromEnv({
        API_RATE_LIMITING_LONG_LIMIT: '500',
        API_RATE_LIMITING_SHORT_TTL_IN_MS: '2000',
      }),
    ).toEqual({ short: { limit: 100, ttlMs: 2000 }, long: { limit: 500, ttlMs: 60_000 } });
    expect(() => rateLimitFromEnv({ API_RATE_LIMITING_LONG_LIMIT: 'lots' })).toThrow(
      /API_RATE_LIMITING_LONG_LIMIT="lots" is not a positive number of requests; set it to one/,
    );
  });

  it("refuses the 101st GraphQL call of a second with Twenty's error, and lets it pass later", async () => {
    const clock = { ms: START };
    const sandbox = await sandboxAt(clock);
    for (let i = 0; i < 100; i++)
      expect(errorsOf(await graphql(sandbox, COMPANIES))).toBeUndefined();
    const refused = await graphql(sandbox, COMPANIES);
    expect(refused).toEqual({
      status: 200,
      body: {
        data: null,
        errors: [
          {
            message: 'Limit reached (100 tokens per 1000 ms)',
            path: ['companies'],
            extensions: { subCode: 'LIMIT_REACHED', code: 'BAD_USER_INPUT' },
          },
        ],
      },
    });
    // A second on, the short bucket is full again, but the minute's bucket has earned back one
    // token (one per 600 ms, whole tokens only; the other 400 ms are lost when it is taken).
    clock.ms += 1000;
    expect(errorsOf(await graphql(sandbox, COMPANIES))).toBeUndefined();
    expect(errorsOf(await graphql(sandbox, COMPANIES))).toEqual([
      expect.objectContaining({ message: 'Limit reached (100 tokens per 60000 ms)' }),
    ]);
    clock.ms += 599;
    expect(errorsOf(await graphql(sandbox, COMPANIES))).toHaveLength(1);
    clock.ms += 1;
    expect(errorsOf(await graphql(sandbox, COMPANIES))).toBeUndefined();
    expect(errorsOf(await graphql(sandbox, COMPANIES))).toEqual([
      expect.objectContaining({ extensions: { subCode: 'LIMIT_REACHED', code: 'BAD_USER_INPUT' } }),
    ]);
  });

  it('takes a token per root field: the admitted ones answer, the refused ones are null', async () => {
    const clock = { ms: START };
    const sandbox = await sandboxAt(clock, {
      short: { limit: 100, ttlMs: 1000 },
      long: { limit: 1, ttlMs: 60_000 },
    });
    const both = await graphql(
      sandbox,
      'query Two($n: Int, $m: Int) { companies(first: $n) { edges { node { id } } } people: people(first: $m) { edges { node { id } } } }',
    );
    const body = both.body as { data: Record<string, unknown>; errors: unknown[] };
    expect(body.data.companies).not.toBeNull();
    expect(body.data.people).toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'Limit reached (1 tokens per 60000 ms)',
        path: ['people'],
      }),
    ]);
  });

  it('answers a REST call past the limit with 429 and the REST error body, no Retry-After', async () => {
    const clock = { ms: START };
    const sandbox = await sandboxAt(clock, {
      short: { limit: 100, ttlMs: 1000 },
      long: { limit: 2, ttlMs: 60_000 },
    });
    expect((await rest(sandbox, '/rest/companies')).status).toBe(200);
    expect((await graphql(sandbox, COMPANIES)).status).toBe(200);
    expect(await rest(sandbox, '/rest/companies')).toEqual({
      status: 429,
      body: {
        statusCode: 429,
        error: 'HttpException',
        messages: ['Limit reached (2 tokens per 60000 ms)'],
      },
    });
  });

  it("throttles API keys only: a member's token and the metadata API are not counted", async () => {
    const clock = { ms: START };
    const sandbox = await sandboxAt(clock, {
      short: { limit: 100, ttlMs: 1000 },
      long: { limit: 1, ttlMs: 60_000 },
    });
    const member = sandbox.state().members[0];
    if (!member) throw new Error('the seed has members');
    for (let i = 0; i < 3; i++) {
      expect(errorsOf(await graphql(sandbox, COMPANIES, member.token))).toBeUndefined();
      const roles = await graphql(sandbox, '{ getRoles { id } }', 'admin-key', '/metadata');
      expect(errorsOf(roles)).toBeUndefined();
    }
    expect(errorsOf(await graphql(sandbox, COMPANIES))).toBeUndefined();
    expect(errorsOf(await graphql(sandbox, COMPANIES))).toEqual([
      expect.objectContaining({ message: 'Limit reached (1 tokens per 60000 ms)' }),
    ]);
  });
});
