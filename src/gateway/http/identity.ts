/**
 * Who is calling: the bearer token resolved to a workspace member by asking the host
 * (`currentUser` on the metadata API), or to an API key the policy maps to a member. Answers
 * are cached by the SHA-256 of the token (never the token itself) for at most `ttlMs`, in a
 * bounded LRU, so a revoked token stops working within a minute. A token the host rejects, an
 * API key the policy does not map, or a host that cannot answer is a refusal (fail closed),
 * worded so the caller can act on it and naming no one else.
 */
import { createHash } from 'node:crypto';
import { Denial } from '../core/denial.js';

export type Identity =
  | { readonly kind: 'member'; readonly workspaceMemberId: string }
  | { readonly kind: 'apiKey'; readonly apiKeyId: string; readonly workspaceMemberId: string };

/** Asks the host who owns a token. */
export interface IdentityLookup {
  /** The workspace member behind a user's token; undefined when the host rejects the token. */
  currentMember(token: string): Promise<{ readonly id: string } | { readonly rejected: string }>;
  /** Whether the host accepts an API key token (any cheap authenticated call). */
  acceptsApiKey(token: string): Promise<true | { readonly rejected: string }>;
  /**
   * The workspace member behind a session cookie (newer Twenty web apps authenticate with one
   * instead of a header); without it, cookie sessions are refused.
   */
  currentMemberBySession?(
    cookie: string,
  ): Promise<{ readonly id: string } | { readonly rejected: string }>;
}

/** Twenty's session cookie: `__Host-` prefixed over https, plain over http. */
const SESSION_COOKIES = ['__Host-twenty-session', 'twenty-session'] as const;

/**
 * The session cookie in a Cookie header, as `name=value`, or undefined. Two different session
 * values (under one name or both) are refused: which one the host reads is not ours to guess.
 */
export function sessionCookie(header: string | undefined): string | undefined {
  const found = new Set<string>();
  for (const part of (header ?? '').split(';')) {
    const pair = part.trim();
    const equals = pair.indexOf('=');
    if (equals < 1) continue;
    const name = pair.slice(0, equals);
    if ((SESSION_COOKIES as readonly string[]).includes(name) && pair.length > equals + 1)
      found.add(pair);
  }
  const values = new Set([...found].map((pair) => pair.slice(pair.indexOf('=') + 1)));
  if (values.size > 1)
    throw new Denial(
      'UNAUTHENTICATED',
      'Two different Twenty session cookies were sent: sign in again, or send a bearer token',
    );
  return found.values().next().value;
}

export interface IdentityOptions {
  readonly lookup: IdentityLookup;
  /** API key id → the member whose permissions it acts with (policy `gateway.apiKeys`). */
  readonly apiKeys: Readonly<Record<string, string>>;
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Cached {
  readonly identity: Identity;
  readonly until: number;
}

function base64UrlJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The API key id a token claims, when it is shaped as Twenty's API key tokens are (a JWT whose
 * payload has `type: API_KEY`; the key id is `sub`, or `jti` where `sub` is the workspace).
 * The claim is only a name: the host verifies the token's signature on every forwarded call.
 */
export function apiKeyIdOf(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const payload = base64UrlJson(parts[1] as string);
  if (typeof payload !== 'object' || payload === null) return undefined;
  const claims = payload as Record<string, unknown>;
  if (claims.type !== 'API_KEY') return undefined;
  const id = typeof claims.jti === 'string' ? claims.jti : claims.sub;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

export class IdentityResolver {
  readonly #lookup: IdentityLookup;
  readonly #apiKeys: Readonly<Record<string, string>>;
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, Cached>();
  readonly #pending = new Map<string, Promise<Identity>>();

  constructor(options: IdentityOptions) {
    this.#lookup = options.lookup;
    this.#apiKeys = options.apiKeys;
    this.#ttlMs = Math.min(options.ttlMs ?? 60_000, 60_000);
    this.#max = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#cache.size;
  }

  /**
   * The caller behind an Authorization header or, without one, Twenty's session cookie (as
   * Twenty itself prefers the header), or a Denial (401/403).
   */
  async resolve(authorization: string | undefined, cookie?: string): Promise<Identity> {
    const token = bearerToken(authorization);
    // A header the gateway cannot read is refused, not passed over for the cookie: the host
    // reads headers more loosely, and would act for whoever the header names.
    if (token === undefined && authorization !== undefined && authorization.trim() !== '')
      throw new Denial(
        'UNAUTHENTICATED',
        'The Authorization header is not a bearer token: send Authorization: Bearer <your Twenty token or API key>',
      );
    const session = token === undefined ? sessionCookie(cookie) : undefined;
    if (token === undefined && session === undefined)
      throw new Denial(
        'UNAUTHENTICATED',
        'Missing bearer token: send Authorization: Bearer <your Twenty token or API key>',
      );
    const secret = token ?? session ?? '';
    const key = createHash('sha256')
      .update(token === undefined ? `session:${secret}` : `bearer:${secret}`)
      .digest('base64url');
    const now = this.#now();
    const cached = this.#cache.get(key);
    if (cached && cached.until > now) {
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return cached.identity;
    }
    if (cached) this.#cache.delete(key);
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = (token === undefined ? this.#askSession(secret) : this.#ask(secret)).finally(() =>
        this.#pending.delete(key),
      );
      this.#pending.set(key, pending);
    }
    const identity = await pending;
    this.#cache.set(key, { identity, until: now + this.#ttlMs });
    while (this.#cache.size > this.#max) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
    return identity;
  }

  async #askSession(cookie: string): Promise<Identity> {
    const ask = this.#lookup.currentMemberBySession?.bind(this.#lookup);
    if (!ask)
      throw new Denial(
        'UNAUTHENTICATED',
        'Session cookies are not accepted here: send Authorization: Bearer <your Twenty token>',
      );
    const secret = cookie.slice(cookie.indexOf('=') + 1);
    try {
      const answer = await ask(cookie);
      if ('rejected' in answer)
        throw new Denial(
          'UNAUTHENTICATED',
          `The host rejected this session: ${this.#withoutToken(answer.rejected, secret)}`,
        );
      return { kind: 'member', workspaceMemberId: answer.id };
    } catch (error) {
      if (error instanceof Denial) throw error;
      throw new Denial(
        'GATEWAY_ERROR',
        `Could not identify the caller: the host did not answer (${this.#withoutToken(error instanceof Error ? error.message : String(error), secret)})`,
      );
    }
  }

  /** Words from elsewhere (the host, an error) with the token taken out, should they quote it. */
  #withoutToken(text: string, token: string): string {
    return token === '' ? text : text.split(token).join('[token]');
  }

  async #ask(token: string): Promise<Identity> {
    const apiKeyId = apiKeyIdOf(token);
    try {
      if (apiKeyId !== undefined) {
        const member = Object.hasOwn(this.#apiKeys, apiKeyId) ? this.#apiKeys[apiKeyId] : undefined;
        if (member === undefined)
          throw new Denial(
            'FORBIDDEN',
            `API key ${apiKeyId} is not mapped to a member in the policy (gateway.apiKeys), so the gateway denies it`,
          );
        const accepted = await this.#lookup.acceptsApiKey(token);
        if (accepted !== true)
          throw new Denial(
            'UNAUTHENTICATED',
            `The host rejected this API key: ${this.#withoutToken(accepted.rejected, token)}`,
          );
        return { kind: 'apiKey', apiKeyId, workspaceMemberId: member };
      }
      const answer = await this.#lookup.currentMember(token);
      if ('rejected' in answer)
        throw new Denial(
          'UNAUTHENTICATED',
          `The host rejected this token: ${this.#withoutToken(answer.rejected, token)}`,
        );
      return { kind: 'member', workspaceMemberId: answer.id };
    } catch (error) {
      if (error instanceof Denial) throw error;
      throw new Denial(
        'GATEWAY_ERROR',
        `Could not identify the caller: the host did not answer (${this.#withoutToken(error instanceof Error ? error.message : String(error), token)})`,
      );
    }
  }
}

/** The lookup over HTTP: the host's metadata and core endpoints, with the caller's token. */
const WHO_AM_I = 'query TiergateWhoAmI { currentUser { workspaceMember { id } } }';

interface GraphqlAnswer {
  readonly status: number;
  readonly body: { data?: unknown; errors?: { message?: unknown }[] } | undefined;
}

/** The host's words for a refusal, or its status. */
function reasonOf({ status, body }: GraphqlAnswer): string {
  const message = body?.errors?.[0]?.message;
  return typeof message === 'string' ? message : `HTTP ${status}`;
}

/** The member `currentUser` names, or why there is none; a host error (5xx) throws. */
function memberOf(answer: GraphqlAnswer): { readonly id: string } | { readonly rejected: string } {
  if (answer.status >= 500) throw new Error(`HTTP ${answer.status}`);
  if (answer.status !== 200) return { rejected: reasonOf(answer) };
  const data = answer.body?.data as
    { currentUser?: { workspaceMember?: { id?: unknown } } } | undefined;
  const id = data?.currentUser?.workspaceMember?.id;
  return typeof id === 'string' ? { id } : { rejected: reasonOf(answer) };
}

export function httpIdentityLookup(
  hostUrl: string,
  fetchImpl: typeof fetch = fetch,
): IdentityLookup {
  const ask = async (url: URL, init: RequestInit): Promise<GraphqlAnswer> => {
    // A redirect is not followed: only the host itself says who a token belongs to.
    const response = await fetchImpl(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json().catch(() => undefined)) as GraphqlAnswer['body'];
    return { status: response.status, body };
  };
  const post = (path: string, token: string, query: string) =>
    ask(new URL(path, hostUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
  return {
    async currentMember(token) {
      return memberOf(await post('/metadata', token, WHO_AM_I));
    },
    async currentMemberBySession(cookie) {
      // GET: Twenty checks the Origin of cookie-authenticated requests other than GET.
      const url = new URL('/metadata', hostUrl);
      url.searchParams.set('query', WHO_AM_I);
      return memberOf(await ask(url, { headers: { cookie, accept: 'application/json' } }));
    },
    async acceptsApiKey(token) {
      const answer = await post('/graphql', token, 'query TiergateKeyCheck { __typename }');
      if (answer.status >= 500) throw new Error(`HTTP ${answer.status}`);
      return answer.status === 200 && answer.body?.data !== undefined && !answer.body.errors?.length
        ? true
        : { rejected: reasonOf(answer) };
    },
  };
}
