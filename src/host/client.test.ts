import { delay, graphql, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { mswServer } from './msw-server.test-support.js';
import { HostClient } from './client.js';
import { HostError } from './host-error.js';
import { fakeRuntime } from './fake-runtime.test-support.js';

const URL = 'http://twenty.test/graphql';
const TOKEN = 'secret-api-token-do-not-log';
const QUERY = 'query CurrentMember { currentUser { id } }';

const server = mswServer();

/** Answers each call with the next of `responses`, counting the calls. */
function sequence(responses: (() => Response | Promise<Response>)[]): { calls: () => number } {
  let calls = 0;
  server.use(
    http.post(URL, () => {
      const respond = responses[Math.min(calls, responses.length - 1)];
      calls++;
      if (!respond) throw new Error('no response configured');
      return respond();
    }),
  );
  return { calls: () => calls };
}

const ok = () => HttpResponse.json({ data: { currentUser: { id: 'u1' } } });

function client(
  runtime = fakeRuntime(),
  extra: Partial<ConstructorParameters<typeof HostClient>[0]> = {},
) {
  return new HostClient({ url: URL, token: TOKEN, runtime, ...extra });
}

async function failure(promise: Promise<unknown>): Promise<HostError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HostError) return error;
    throw error;
  }
  throw new Error('the request succeeded');
}

describe('HostClient', () => {
  it('sends the token as a bearer and returns the data', async () => {
    let authorization: string | null = null;
    server.use(
      graphql.query('CurrentMember', ({ request }) => {
        authorization = request.headers.get('authorization');
        return HttpResponse.json({ data: { currentUser: { id: 'u1' } } });
      }),
    );
    await expect(client().request(QUERY)).resolves.toEqual({ currentUser: { id: 'u1' } });
    expect(authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('turns GraphQL errors into a HostError with the operation, status and codes, without retrying', async () => {
    const calls = sequence([
      () =>
        HttpResponse.json({
          errors: [
            {
              message: 'Forbidden resource',
              extensions: { code: 'FORBIDDEN', subCode: 'PERMISSION_DENIED' },
            },
          ],
          data: null,
        }),
    ]);
    const error = await failure(client().request(QUERY));
    expect(error.message).toBe(
      'CurrentMember (HTTP 200) [FORBIDDEN, PERMISSION_DENIED]: Forbidden resource',
    );
    expect(error.has('FORBIDDEN')).toBe(true);
    expect(error.has('PERMISSION_DENIED')).toBe(true);
    expect(error.retryable).toBe(false);
    expect(calls.calls()).toBe(1);
  });

  it('retries a 503 with exponential backoff and full jitter, then succeeds', async () => {
    const runtime = fakeRuntime();
    const calls = sequence([
      () => new HttpResponse(null, { status: 503 }),
      () => new HttpResponse(null, { status: 503 }),
      ok,
    ]);
    await expect(client(runtime).request(QUERY)).resolves.toEqual({ currentUser: { id: 'u1' } });
    expect(calls.calls()).toBe(3);
    // random() = 0.5 of a ceiling of 250 ms, then 500 ms.
    expect(runtime.sleeps).toEqual([125, 250]);
  });

  it('waits as long as Retry-After says on a 429', async () => {
    const runtime = fakeRuntime();
    sequence([() => new HttpResponse(null, { status: 429, headers: { 'retry-after': '7' } }), ok]);
    await client(runtime).request(QUERY);
    expect(runtime.sleeps).toEqual([7000]);
  });

  it('caps a Retry-After longer than the maximum delay', async () => {
    const runtime = fakeRuntime();
    sequence([
      () => new HttpResponse(null, { status: 429, headers: { 'retry-after': '86400' } }),
      ok,
    ]);
    await client(runtime).request(QUERY);
    expect(runtime.sleeps).toEqual([30_000]);
  });

  it('retries network errors and gives up after the set number of attempts', async () => {
    const runtime = fakeRuntime();
    const calls = sequence([() => HttpResponse.error()]);
    const error = await failure(client(runtime, { retry: { attempts: 3 } }).request(QUERY));
    expect(calls.calls()).toBe(3);
    expect(error.retryable).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/^CurrentMember: no answer from the host/);
  });

  it('does not retry a 400 or a 401', async () => {
    for (const status of [400, 401]) {
      const calls = sequence([() => new HttpResponse('{"message":"bad"}', { status })]);
      const error = await failure(client().request(QUERY));
      expect(error.status).toBe(status);
      expect(calls.calls()).toBe(1);
      server.resetHandlers();
    }
  });

  it('abandons an attempt that takes longer than the timeout, and retries it', async () => {
    const calls = sequence([
      async () => {
        await delay(500);
        return ok();
      },
      ok,
    ]);
    await expect(client(fakeRuntime(), { timeoutMs: 50 }).request(QUERY)).resolves.toEqual({
      currentUser: { id: 'u1' },
    });
    expect(calls.calls()).toBe(2);
  });

  it('never puts the token in an error', async () => {
    sequence([() => new HttpResponse(null, { status: 500 })]);
    const error = await failure(client(fakeRuntime(), { retry: { attempts: 1 } }).request(QUERY));
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain(TOKEN);
  });

  it('keeps to its rate limit, waiting for the window to move on', async () => {
    const runtime = fakeRuntime();
    sequence([ok]);
    const limited = client(runtime, { rateLimit: { requests: 2, windowMs: 1000 } });
    await Promise.all([limited.request(QUERY), limited.request(QUERY), limited.request(QUERY)]);
    expect(runtime.sleeps).toEqual([1000]);
  });

  describe("Twenty's rate-limit refusals", () => {
    const limitReached =
      (message: string, data: unknown = null) =>
      () =>
        HttpResponse.json({
          data,
          errors: [{ message, extensions: { subCode: 'LIMIT_REACHED', code: 'BAD_USER_INPUT' } }],
        });

    it('waits for the next token of the bucket the refusal names, then succeeds', async () => {
      const runtime = fakeRuntime(undefined, 0);
      const calls = sequence([limitReached('Limit reached (100 tokens per 60000 ms)'), ok]);
      await expect(client(runtime).request(QUERY)).resolves.toEqual({ currentUser: { id: 'u1' } });
      expect(calls.calls()).toBe(2);
      // One token of 100 a minute: 600 ms, and no jitter with random() = 0.
      expect(runtime.sleeps).toEqual([600]);
    });

    it('slows down to a stricter limit the host names, for the requests after', async () => {
      const runtime = fakeRuntime(undefined, 0);
      sequence([limitReached('Limit reached (2 tokens per 10000 ms)'), ok]);
      const paced = client(runtime);
      await paced.request(QUERY);
      expect(runtime.sleeps).toEqual([5000]);
      await paced.request(QUERY);
      await paced.request(QUERY);
      // Two a 10 s window from then on; the refused start is not counted (it spent nothing):
      // starts at 5 s, 5 s, then 15 s.
      expect(runtime.sleeps.slice(1)).toEqual([10_000]);
    });

    it('does not send a mutation again when the host answered part of it', async () => {
      const calls = sequence([
        limitReached('Limit reached (100 tokens per 1000 ms)', { a: { id: '1' }, b: null }),
      ]);
      const error = await failure(
        client().request(
          'mutation Two { a: createCompany(data: {}) { id } b: createCompany(data: {}) { id } }',
        ),
      );
      expect(calls.calls()).toBe(1);
      expect(error.has('LIMIT_REACHED')).toBe(true);
    });

    it('does not send a mutation again on a 429 that carries part of its answer', async () => {
      const calls = sequence([
        () =>
          HttpResponse.json(
            { data: { a: { id: '1' }, b: null }, errors: [{ message: 'Too Many Requests' }] },
            { status: 429 },
          ),
      ]);
      await failure(
        client().request(
          'mutation Two { a: createCompany(data: {}) { id } b: createCompany(data: {}) { id } }',
        ),
      );
      expect(calls.calls()).toBe(1);
    });

    it('does not adopt a limit slower than a request a minute, nor wait it out', async () => {
      const runtime = fakeRuntime(undefined, 0);
      sequence([limitReached('Limit reached (1 tokens per 86400000 ms)'), ok]);
      const paced = client(runtime);
      await paced.request(QUERY);
      await paced.request(QUERY);
      expect(runtime.sleeps.every((ms) => ms < 60_000)).toBe(true);
    });

    it('gives up after its budget of waits, naming --rate and the host setting', async () => {
      const runtime = fakeRuntime(undefined, 0);
      const calls = sequence([limitReached('Limit reached (100 tokens per 60000 ms)')]);
      const error = await failure(
        client(runtime, { retry: { rateLimitedRetries: 2 } }).request(QUERY),
      );
      expect(calls.calls()).toBe(3);
      expect(error.retryable).toBe(true);
      expect(error.message).toContain("the host's rate limit refused it 3 times");
      expect(error.message).toContain('--rate');
      expect(error.message).toContain('API_RATE_LIMITING_LONG_LIMIT');
    });
  });
});
