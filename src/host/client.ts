/**
 * A GraphQL client for one of Twenty's endpoints (`/graphql` or `/metadata`): bearer auth, a
 * client-side rate limit, retries with backoff and jitter on network errors, 429 and 5xx
 * (honouring `Retry-After`), a timeout per attempt, and every failure as one `HostError`.
 * Twenty's rate-limit refusals (a GraphQL error with subCode LIMIT_REACHED, or HTTP 429) are
 * waited out on a budget of their own, and the limit they name slows the client from then on.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { getOperationAST, OperationTypeNode, parse, type DocumentNode } from 'graphql';
import { ClientError, GraphQLClient } from 'graphql-request';
import { HostError } from './host-error.js';
import { DEFAULT_RATE_LIMIT, describeRate, RateLimiter, type RateLimit } from './rate-limit.js';
import {
  backoffDelay,
  DEFAULT_RETRY,
  isRetryableStatus,
  parseLimitReached,
  parseRetryAfter,
  rateLimitedDelay,
  type RetryOptions,
} from './retry.js';
import { systemRuntime, type HostRuntime } from './runtime.js';

export interface HostClientOptions {
  /** The endpoint, e.g. `https://crm.example.com/graphql`. */
  readonly url: string;
  /** An API key token or a user's access token; sent as `Authorization: Bearer …`, never logged. */
  readonly token: string;
  readonly retry?: Partial<RetryOptions>;
  /** A limit of its own, or a limiter shared with the other endpoint's client. */
  readonly rateLimit?: RateLimit | RateLimiter;
  /** Per attempt; the host's own webhooks use 5 s, a query over many records needs more. */
  readonly timeoutMs?: number;
  readonly runtime?: HostRuntime;
  readonly fetch?: typeof fetch;
}

export type Variables = Record<string, unknown>;
type Document<T, V> = TypedDocumentNode<T, V> | DocumentNode | string;

const DEFAULT_TIMEOUT_MS = 30_000;

function operationName(document: DocumentNode): string {
  return getOperationAST(document)?.name?.value ?? 'anonymous operation';
}

/**
 * GraphQL error codes of a response: `extensions.code`, then `extensions.subCode`, where Twenty
 * puts the precise reason (`FORBIDDEN` with `ROW_LEVEL_PERMISSION_FEATURE_DISABLED`).
 */
function codesOf(error: ClientError): string[] {
  return (error.response.errors ?? []).flatMap((e) => {
    const { code, subCode } = (e.extensions ?? {}) as { code?: unknown; subCode?: unknown };
    return [code, subCode].filter((c): c is string => typeof c === 'string');
  });
}

/** What a rate-limit refusal said about when to come back. */
interface RateLimited {
  readonly retryAfterMs: number | undefined;
  readonly bucket: RateLimit | undefined;
  readonly hostMessage: string;
}

/** The bucket that refills slowest, of those the refusals name. */
/**
 * The slowest pace a refusal may teach: a bucket slower than one request a minute is no setting
 * Twenty ships or an operator plausibly picks, so it is not adopted (nor waited out in full);
 * the refusal is retried on the usual backoff instead of pacing the client to a crawl.
 */
const SLOWEST_LEARNED_MS_PER_REQUEST = 60_000;

const plausible = (bucket: RateLimit): boolean =>
  bucket.windowMs / bucket.requests <= SLOWEST_LEARNED_MS_PER_REQUEST;

function slowest(buckets: readonly RateLimit[]): RateLimit | undefined {
  return [...buckets].sort((a, b) => b.windowMs / b.requests - a.windowMs / a.requests)[0];
}

/**
 * Whether `error` is the host's rate limit refusing, and safe to send again: every GraphQL
 * error is LIMIT_REACHED (or the answer is HTTP 429) and, unless the operation only reads, no
 * root field was answered (Twenty throttles each root field on its own, so a mutation may be
 * half done; a proxy's 429 is trusted no further).
 */
/** Whether a failed answer still carries a root field the host carried out. */
function partlyAnswered(error: ClientError): boolean {
  const { data } = error.response;
  return typeof data === 'object' && data !== null && Object.values(data).some((v) => v !== null);
}

function rateLimited(error: unknown, readsOnly: boolean, now: number): RateLimited | undefined {
  if (!(error instanceof ClientError)) return undefined;
  const { status, errors } = error.response;
  const retryAfterMs = parseRetryAfter(error.response.headers.get('retry-after'), now);
  const messages = (errors ?? []).map((e) => e.message);
  const buckets = messages.flatMap((m) => parseLimitReached(m) ?? []).filter(plausible);
  if (!readsOnly && partlyAnswered(error)) return undefined;
  if (status === 429) {
    return { retryAfterMs, bucket: slowest(buckets), hostMessage: messages[0] ?? 'HTTP 429' };
  }
  const allThrottled =
    errors !== undefined &&
    errors.length > 0 &&
    errors.every((e) => {
      const { subCode } = (e.extensions ?? {}) as { subCode?: unknown };
      return subCode === 'LIMIT_REACHED' || parseLimitReached(e.message) !== undefined;
    });
  if (!allThrottled) return undefined;
  return { retryAfterMs, bucket: slowest(buckets), hostMessage: messages[0] ?? 'Limit reached' };
}

export class HostClient {
  private readonly client: GraphQLClient;
  private readonly limiter: RateLimiter;
  private readonly retry: Required<RetryOptions>;
  private readonly runtime: HostRuntime;
  private readonly timeoutMs: number;

  constructor(options: HostClientOptions) {
    if (options.token === '') throw new RangeError('HostClient needs a token');
    this.runtime = options.runtime ?? systemRuntime;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.limiter =
      options.rateLimit instanceof RateLimiter
        ? options.rateLimit
        : new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, this.runtime);
    this.client = new GraphQLClient(options.url, {
      headers: { authorization: `Bearer ${options.token}` },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** The pace kept: the configured limit and any stricter one the host announced. */
  get rateLimits(): readonly RateLimit[] {
    return this.limiter.limits;
  }

  /** Sends one operation; resolves with its data or rejects with a `HostError`. */
  async request<T, V extends Variables = Variables>(
    document: Document<T, V>,
    variables?: V,
  ): Promise<T> {
    const parsed = typeof document === 'string' ? parse(document) : document;
    const operation = operationName(parsed);
    const readsOnly = getOperationAST(parsed)?.operation === OperationTypeNode.QUERY;
    let waited = 0;
    for (let attempt = 1; ;) {
      await this.limiter.acquire();
      try {
        return await this.client.request<T>({
          document: parsed,
          variables: variables ?? {},
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        const limited = rateLimited(error, readsOnly, this.runtime.now());
        if (limited !== undefined) {
          this.limiter.refund();
          if (limited.bucket !== undefined) this.limiter.learn(limited.bucket);
          waited++;
          if (waited > this.retry.rateLimitedRetries)
            throw this.rateLimitFailure(operation, error, limited);
          await this.runtime.sleep(
            rateLimitedDelay(waited, this.retry, () => this.runtime.random(), limited),
          );
          continue;
        }
        const failure = this.toHostError(operation, error);
        // A mutation the host carried out in part is never sent again, whatever the status.
        const partlyDone = !readsOnly && error instanceof ClientError && partlyAnswered(error);
        if (!failure.retryable || partlyDone || attempt >= this.retry.attempts) throw failure;
        const retryAfter =
          error instanceof ClientError
            ? parseRetryAfter(error.response.headers.get('retry-after'), this.runtime.now())
            : undefined;
        await this.runtime.sleep(
          backoffDelay(attempt, this.retry, () => this.runtime.random(), retryAfter),
        );
        attempt++;
      }
    }
  }

  /** Given up on the host's rate limit: what it said, and the two ways out. */
  private rateLimitFailure(operation: string, error: unknown, limited: RateLimited): HostError {
    const answered = error instanceof ClientError ? error : undefined;
    return new HostError({
      operation,
      status: answered?.response.status,
      codes: answered ? codesOf(answered) : [],
      retryable: true,
      message:
        `the host's rate limit refused it ${this.retry.rateLimitedRetries + 1} times ` +
        `(${limited.hostMessage}); Tiergate paces itself at ${this.limiter.limits.map(describeRate).join(' and ')}: ` +
        `lower that with --rate (e.g. --rate 50/min) if other clients share the workspace's API limit, ` +
        `or raise the host's (Twenty: API_RATE_LIMITING_LONG_LIMIT and API_RATE_LIMITING_SHORT_LIMIT)`,
    });
  }

  private toHostError(operation: string, error: unknown): HostError {
    if (error instanceof ClientError) {
      const { status } = error.response;
      const first = error.response.errors?.[0]?.message;
      // The response's own words, never the request (it may hold record data).
      return new HostError({
        operation,
        status,
        codes: codesOf(error),
        retryable: isRetryableStatus(status),
        message: first ?? `the host answered HTTP ${status}`,
      });
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new HostError(
      { operation, retryable: true, message: `no answer from the host (${message})` },
      { cause: error },
    );
  }
}
