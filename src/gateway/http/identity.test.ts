import { describe, expect, it } from 'vitest';
import { Denial } from '../core/denial.js';
import {
  apiKeyIdOf,
  bearerToken,
  httpIdentityLookup,
  IdentityResolver,
  sessionCookie,
  type Identity,
  type IdentityLookup,
} from './identity.js';

type MemberAnswer = { readonly id: string } | { readonly rejected: string };
type KeyAnswer = true | { readonly rejected: string };

/** A lookup answering from tables, counting the questions it is asked. */
class FakeLookup implements IdentityLookup {
  readonly members = new Map<string, MemberAnswer | Error>();
  readonly keys = new Map<string, KeyAnswer | Error>();
  readonly asked: string[] = [];

  currentMember(token: string): Promise<MemberAnswer> {
    this.asked.push(token);
    const answer = this.members.get(token) ?? { rejected: 'invalid token' };
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }

  acceptsApiKey(token: string): Promise<KeyAnswer> {
    this.asked.push(token);
    const answer = this.keys.get(token) ?? { rejected: 'invalid token' };
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }

  timesAsked(token: string): number {
    return this.asked.filter((asked) => asked === token).length;
  }
}

/** A JWT-shaped token with this payload (the signature is never checked by the gateway). */
function jwt(payload: unknown, signature = 'c2lnbmF0dXJl'): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.${signature}`;
}

function setup(options: { ttlMs?: number; maxEntries?: number; apiKeys?: Record<string, string> }) {
  const lookup = new FakeLookup();
  const clock = { now: 1_800_000_000_000 };
  const resolver = new IdentityResolver({
    lookup,
    apiKeys: options.apiKeys ?? {},
    now: () => clock.now,
    ...(options.ttlMs !== undefined ? { ttlMs: options.ttlMs } : {}),
    ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
  });
  return { lookup, clock, resolver };
}

/** The Denial a promise rejects with (fails the test when it resolves or throws another error). */
async function denialOf(promise: Promise<Identity>): Promise<Denial> {
  const error: unknown = await promise.then(
    (identity) => new Error(`resolved to ${JSON.stringify(identity)}`),
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof Denial)) throw error;
  return error;
}

const USER_TOKEN = 'user-token-0123456789abcdef';
const bearer = (token: string) => `Bearer ${token}`;

describe('IdentityResolver caching', () => {
  it('asks the host once for a token resolved again within 60 seconds', async () => {
    const { lookup, clock, resolver } = setup({});
    lookup.members.set(USER_TOKEN, { id: 'member-a' });
    const first = await resolver.resolve(bearer(USER_TOKEN));
    clock.now += 59_999;
    const second = await resolver.resolve(bearer(USER_TOKEN));
    expect(first).toEqual({ kind: 'member', workspaceMemberId: 'member-a' });
    expect(second).toEqual(first);
    expect(lookup.timesAsked(USER_TOKEN)).toBe(1);
  });

  it('asks the host again at exactly 60 seconds after the answer was cached', async () => {
    const { lookup, clock, resolver } = setup({});
    lookup.members.set(USER_TOKEN, { id: 'member-a' });
    await resolver.resolve(bearer(USER_TOKEN));
    clock.now += 60_000;
    lookup.members.set(USER_TOKEN, { rejected: 'token revoked' });
    const denial = await denialOf(resolver.resolve(bearer(USER_TOKEN)));
    expect(denial.code).toBe('UNAUTHENTICATED');
    expect(lookup.timesAsked(USER_TOKEN)).toBe(2);
  });

  it('never caches longer than 60 seconds, even when configured to', async () => {
    const { lookup, clock, resolver } = setup({ ttlMs: 10 * 60_000 });
    lookup.members.set(USER_TOKEN, { id: 'member-a' });
    await resolver.resolve(bearer(USER_TOKEN));
    clock.now += 60_000;
    await resolver.resolve(bearer(USER_TOKEN));
    expect(lookup.timesAsked(USER_TOKEN)).toBe(2);
  });

  it('honours a shorter time to live, expiring at exactly that time', async () => {
    const { lookup, clock, resolver } = setup({ ttlMs: 5_000 });
    lookup.members.set(USER_TOKEN, { id: 'member-a' });
    await resolver.resolve(bearer(USER_TOKEN));
    clock.now += 4_999;
    await resolver.resolve(bearer(USER_TOKEN));
    expect(lookup.timesAsked(USER_TOKEN)).toBe(1);
    clock.now += 1;
    await resolver.resolve(bearer(USER_TOKEN));
    expect(lookup.timesAsked(USER_TOKEN)).toBe(2);
  });

  it('keeps different tokens apart, each resolving to its own member', async () => {
    const { lookup, resolver } = setup({});
    lookup.members.set('token-a', { id: 'member-a' });
    lookup.members.set('token-b', { id: 'member-b' });
    expect((await resolver.resolve(bearer('token-a'))).workspaceMemberId).toBe('member-a');
    expect((await resolver.resolve(bearer('token-b'))).workspaceMemberId).toBe('member-b');
    expect((await resolver.resolve(bearer('token-a'))).workspaceMemberId).toBe('member-a');
    expect(resolver.size).toBe(2);
    expect(lookup.asked).toEqual(['token-a', 'token-b']);
  });

  it('caches the same token however the Bearer scheme is spelled', async () => {
    const { lookup, resolver } = setup({});
    lookup.members.set(USER_TOKEN, { id: 'member-a' });
    await resolver.resolve(`Bearer ${USER_TOKEN}`);
    await resolver.resolve(`bearer   ${USER_TOKEN}  `);
    expect(lookup.timesAsked(USER_TOKEN)).toBe(1);
    expect(resolver.size).toBe(1);
  });

  it('holds at most maxEntries answers, evicting the least recently used', async () => {
    const { lookup, resolver } = setup({ maxEntries: 2 });
    for (const name of ['a', 'b', 'c'])
      lookup.members.set(`token-${name}`, { id: `member-${name}` });
    await resolver.resolve(bearer('token-a'));
    await resolver.resolve(bearer('token-b'));
    await resolver.resolve(bearer('token-a')); // a is now the most recently used
    await resolver.resolve(bearer('token-c')); // evicts b
    expect(resolver.size).toBe(2);
    await resolver.resolve(bearer('token-a'));
    await resolver.resolve(bearer('token-c'));
    expect(lookup.timesAsked('token-a')).toBe(1);
    expect(lookup.timesAsked('token-c')).toBe(1);
    await resolver.resolve(bearer('token-b'));
    expect(lookup.timesAsked('token-b')).toBe(2);
    expect(resolver.size).toBe(2);
  });

  it('shares one host lookup between concurrent resolves of the same token', async () => {
    let answer: (value: MemberAnswer) => void = () => undefined;
    let calls = 0;
    const lookup: IdentityLookup = {
      currentMember: () => {
        calls++;
        return new Promise<MemberAnswer>((resolve) => {
          answer = resolve;
        });
      },
      acceptsApiKey: () => Promise.resolve({ rejected: 'not a key' }),
    };
    const resolver = new IdentityResolver({ lookup, apiKeys: {}, now: () => 0 });
    const resolves = [1, 2, 3].map(() => resolver.resolve(bearer(USER_TOKEN)));
    answer({ id: 'member-a' });
    const identities = await Promise.all(resolves);
    expect(calls).toBe(1);
    expect(identities).toEqual(
      [1, 2, 3].map(() => ({ kind: 'member', workspaceMemberId: 'member-a' })),
    );
  });

  it('does not cache a token the host rejects, so a later valid answer is used', async () => {
    const { lookup, resolver } = setup({});
    lookup.members.set(USER_TOKEN, { rejected: 'session expired' });
    const denial = await denialOf(resolver.resolve(bearer(USER_TOKEN)));
    expect(denial.code).toBe('UNAUTHENTICATED');
    expect(denial.status).toBe(401);
    expect(resolver.size).toBe(0);
    lookup.members.set(USER_TOKEN, { id: 'member-a' });
    expect((await resolver.resolve(bearer(USER_TOKEN))).workspaceMemberId).toBe('member-a');
    expect(lookup.timesAsked(USER_TOKEN)).toBe(2);
  });

  it('does not cache a host failure, asking again on the next request', async () => {
    const { lookup, resolver } = setup({});
    lookup.members.set(USER_TOKEN, new Error('connect ECONNREFUSED 127.0.0.1:3000'));
    await denialOf(resolver.resolve(bearer(USER_TOKEN)));
    lookup.members.set(USER_TOKEN, { id: 'member-a' });
    expect((await resolver.resolve(bearer(USER_TOKEN))).workspaceMemberId).toBe('member-a');
    expect(lookup.timesAsked(USER_TOKEN)).toBe(2);
  });
});

describe('apiKeyIdOf', () => {
  it("reads the key id from sub of a token shaped as Twenty's API key tokens", () => {
    expect(apiKeyIdOf(jwt({ sub: 'key-1', type: 'API_KEY' }))).toBe('key-1');
  });

  it('prefers jti, where sub names the workspace', () => {
    expect(apiKeyIdOf(jwt({ sub: 'workspace-1', jti: 'key-2', type: 'API_KEY' }))).toBe('key-2');
  });

  it('is undefined for a JWT that is not an API key token', () => {
    expect(apiKeyIdOf(jwt({ sub: 'user-1', type: 'ACCESS' }))).toBeUndefined();
    expect(apiKeyIdOf(jwt({ sub: 'user-1' }))).toBeUndefined();
  });

  it('is undefined for a token that is not three dot-separated parts', () => {
    expect(apiKeyIdOf('opaque-session-token')).toBeUndefined();
    expect(apiKeyIdOf(`${jwt({ sub: 'key-1', type: 'API_KEY' })}.extra`)).toBeUndefined();
  });

  it('is undefined when the payload is not base64url JSON of an object', () => {
    expect(apiKeyIdOf('aGVhZGVy.!!!not-base64!!!.c2ln')).toBeUndefined();
    expect(apiKeyIdOf(`e30.${Buffer.from('not json').toString('base64url')}.c2ln`)).toBeUndefined();
    expect(apiKeyIdOf(jwt(null))).toBeUndefined();
    expect(apiKeyIdOf(jwt('API_KEY'))).toBeUndefined();
  });

  it('is undefined when the key id is empty or not a string', () => {
    expect(apiKeyIdOf(jwt({ sub: '', type: 'API_KEY' }))).toBeUndefined();
    expect(apiKeyIdOf(jwt({ sub: 42, type: 'API_KEY' }))).toBeUndefined();
  });
});

describe('bearer header', () => {
  it('takes the token from a Bearer header, case-insensitively and around spaces', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer  abc ')).toBe('abc');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a scheme without a token', 'Bearer '],
    ['two tokens', 'Bearer first-secret second-secret'],
    ['a token without the scheme', 'just-a-token-value'],
  ])('refuses a %s header with 401 saying how to send the token', async (_name, header) => {
    const { lookup, resolver } = setup({});
    const denial = await denialOf(resolver.resolve(header));
    expect(denial.code).toBe('UNAUTHENTICATED');
    expect(denial.status).toBe(401);
    expect(denial.message).toContain('Authorization: Bearer');
    expect(lookup.asked).toEqual([]);
    for (const secret of ['dXNlcjpwYXNz', 'first-secret', 'second-secret', 'just-a-token-value'])
      expect(denial.message).not.toContain(secret);
  });
});

describe('IdentityResolver with API keys', () => {
  const KEY = jwt({ sub: 'key-1', type: 'API_KEY' });

  it('maps a key the policy names to its member, once the host accepts the key', async () => {
    const { lookup, resolver } = setup({ apiKeys: { 'key-1': 'member-k' } });
    lookup.keys.set(KEY, true);
    expect(await resolver.resolve(bearer(KEY))).toEqual({
      kind: 'apiKey',
      apiKeyId: 'key-1',
      workspaceMemberId: 'member-k',
    });
    expect(lookup.timesAsked(KEY)).toBe(1);
  });

  it('refuses a key the policy does not map with 403 naming gateway.apiKeys, asking no host', async () => {
    const { lookup, resolver } = setup({ apiKeys: { 'key-other': 'member-k' } });
    lookup.keys.set(KEY, true);
    const denial = await denialOf(resolver.resolve(bearer(KEY)));
    expect(denial.code).toBe('FORBIDDEN');
    expect(denial.status).toBe(403);
    expect(denial.message).toContain('key-1');
    expect(denial.message).toContain('gateway.apiKeys');
    expect(denial.message).not.toContain('member-k');
    expect(lookup.asked).toEqual([]);
  });

  it('does not take a key id inherited from Object.prototype as a mapping', async () => {
    const key = jwt({ sub: 'constructor', type: 'API_KEY' });
    const { lookup, resolver } = setup({ apiKeys: { 'key-1': 'member-k' } });
    lookup.keys.set(key, true);
    const denial = await denialOf(resolver.resolve(bearer(key)));
    expect(denial.code).toBe('FORBIDDEN');
  });

  it('refuses a mapped key the host rejects with 401 and does not cache it', async () => {
    const { lookup, resolver } = setup({ apiKeys: { 'key-1': 'member-k' } });
    lookup.keys.set(KEY, { rejected: 'API key revoked' });
    const denial = await denialOf(resolver.resolve(bearer(KEY)));
    expect(denial.code).toBe('UNAUTHENTICATED');
    expect(denial.message).toContain('API key revoked');
    expect(resolver.size).toBe(0);
  });
});

describe('IdentityResolver when the host fails', () => {
  it('denies with GATEWAY_ERROR (503) when the host cannot answer a user token', async () => {
    const { lookup, resolver } = setup({});
    lookup.members.set(USER_TOKEN, new Error('HTTP 502'));
    const denial = await denialOf(resolver.resolve(bearer(USER_TOKEN)));
    expect(denial.code).toBe('GATEWAY_ERROR');
    expect(denial.status).toBe(503);
    expect(denial.message).toMatch(/^Could not identify the caller/);
  });

  it('denies with GATEWAY_ERROR when the host cannot answer for an API key', async () => {
    const key = jwt({ sub: 'key-1', type: 'API_KEY' });
    const { lookup, resolver } = setup({ apiKeys: { 'key-1': 'member-k' } });
    lookup.keys.set(key, new Error('The operation was aborted due to timeout'));
    const denial = await denialOf(resolver.resolve(bearer(key)));
    expect(denial.code).toBe('GATEWAY_ERROR');
  });
});

describe('IdentityResolver messages', () => {
  const SECRET = 'secret-session-token-Zx9';

  it('never contains the token when the host rejects it, even if the host quotes it', async () => {
    const { lookup, resolver } = setup({});
    lookup.members.set(SECRET, { rejected: `invalid token ${SECRET}` });
    const denial = await denialOf(resolver.resolve(bearer(SECRET)));
    expect(denial.code).toBe('UNAUTHENTICATED');
    expect(denial.message).not.toContain(SECRET);
  });

  it('never contains the token when the lookup fails with an error quoting it', async () => {
    const { lookup, resolver } = setup({});
    lookup.members.set(SECRET, new Error(`request with Bearer ${SECRET} failed: ECONNRESET`));
    const denial = await denialOf(resolver.resolve(bearer(SECRET)));
    expect(denial.code).toBe('GATEWAY_ERROR');
    expect(denial.message).not.toContain(SECRET);
  });

  it('never contains an API key token when the host rejects it quoting the token', async () => {
    const key = jwt({ sub: 'key-7', type: 'API_KEY' }, 'cXVvdGVkLXNpZ25hdHVyZQ');
    const { lookup, resolver } = setup({ apiKeys: { 'key-7': 'member-k' } });
    lookup.keys.set(key, { rejected: `API key ${key} revoked` });
    const denial = await denialOf(resolver.resolve(bearer(key)));
    expect(denial.code).toBe('UNAUTHENTICATED');
    expect(denial.message).toContain('revoked');
    expect(denial.message).not.toContain(key);
  });

  it('never contains an API key token, mapped or not', async () => {
    const key = jwt({ sub: 'key-9', type: 'API_KEY' }, 'c2VjcmV0LXNpZ25hdHVyZQ');
    const unmapped = setup({});
    const refused = await denialOf(unmapped.resolver.resolve(bearer(key)));
    expect(refused.message).not.toContain(key);
    const mapped = setup({ apiKeys: { 'key-9': 'member-k' } });
    mapped.lookup.keys.set(key, { rejected: 'invalid token' });
    const rejected = await denialOf(mapped.resolver.resolve(bearer(key)));
    expect(rejected.message).not.toContain(key);
    expect(rejected.message).not.toContain('c2VjcmV0LXNpZ25hdHVyZQ');
  });
});

describe("Twenty's session cookie", () => {
  class SessionLookup extends FakeLookup {
    readonly sessions = new Map<string, MemberAnswer>();
    currentMemberBySession(cookie: string): Promise<MemberAnswer> {
      this.asked.push(cookie);
      return Promise.resolve(this.sessions.get(cookie) ?? { rejected: 'invalid session' });
    }
  }

  it('finds the session cookie among others, under either of its names', () => {
    expect(sessionCookie('a=1; twenty-session=abc; b=2')).toBe('twenty-session=abc');
    expect(sessionCookie('__Host-twenty-session=xyz')).toBe('__Host-twenty-session=xyz');
    expect(sessionCookie('twenty-session=; other=1')).toBeUndefined();
    expect(sessionCookie('not-twenty-session=abc')).toBeUndefined();
    expect(sessionCookie(undefined)).toBeUndefined();
  });

  it('identifies a caller by the session cookie when no Authorization header is sent', async () => {
    const lookup = new SessionLookup();
    lookup.sessions.set('twenty-session=s1', { id: 'wm-1' });
    const resolver = new IdentityResolver({ lookup, apiKeys: {} });
    await expect(resolver.resolve(undefined, 'theme=dark; twenty-session=s1')).resolves.toEqual({
      kind: 'member',
      workspaceMemberId: 'wm-1',
    });
    // Cached: the other cookies may change, the session is the key.
    await resolver.resolve(undefined, 'twenty-session=s1; theme=light');
    expect(lookup.timesAsked('twenty-session=s1')).toBe(1);
  });

  it('prefers the Authorization header over a session cookie, as Twenty does', async () => {
    const lookup = new SessionLookup();
    lookup.members.set('header-token', { id: 'wm-header' });
    lookup.sessions.set('twenty-session=s2', { id: 'wm-cookie' });
    const resolver = new IdentityResolver({ lookup, apiKeys: {} });
    const identity = await resolver.resolve('Bearer header-token', 'twenty-session=s2');
    expect(identity.workspaceMemberId).toBe('wm-header');
    expect(lookup.timesAsked('twenty-session=s2')).toBe(0);
  });

  it('refuses a session the host rejects, without quoting it', async () => {
    const lookup = new SessionLookup();
    lookup.sessions.set('twenty-session=s3', { rejected: 'session s3 expired' });
    const resolver = new IdentityResolver({ lookup, apiKeys: {} });
    const refusal = await resolver.resolve(undefined, 'twenty-session=s3').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(Denial);
    expect((refusal as Denial).status).toBe(401);
    expect((refusal as Denial).message).toBe(
      'The host rejected this session: session [token] expired',
    );
  });

  it('refuses cookie sessions when the lookup cannot check them', async () => {
    const resolver = new IdentityResolver({ lookup: new FakeLookup(), apiKeys: {} });
    await expect(resolver.resolve(undefined, 'twenty-session=s4')).rejects.toThrow(
      'Session cookies are not accepted here',
    );
  });

  it('asks the host with a GET carrying only the cookie (Twenty checks the Origin of other methods)', async () => {
    const seen: { url: string; method: string; headers: Headers }[] = [];
    const fetchImpl = ((input: URL | string, init?: RequestInit) => {
      seen.push({
        url: String(input),
        method: init?.method ?? 'GET',
        headers: new Headers(init?.headers),
      });
      return Promise.resolve(
        new Response(
          JSON.stringify({ data: { currentUser: { workspaceMember: { id: 'wm-9' } } } }),
          {
            headers: { 'content-type': 'application/json' },
          },
        ),
      );
    }) as typeof fetch;
    const lookup = httpIdentityLookup('http://twenty.test', fetchImpl);
    await expect(lookup.currentMemberBySession?.('twenty-session=s5')).resolves.toEqual({
      id: 'wm-9',
    });
    expect(seen[0]?.method).toBe('GET');
    expect(seen[0]?.url).toMatch(/^http:\/\/twenty\.test\/metadata\?query=/);
    expect(seen[0]?.headers.get('cookie')).toBe('twenty-session=s5');
    expect(seen[0]?.headers.get('authorization')).toBeNull();
  });
});
