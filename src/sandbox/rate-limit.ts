/**
 * Twenty's API rate limit, as 2.43 applies it to the core API (records, GraphQL and REST):
 * two token buckets per workspace, a short one and a long one, each refilled evenly over its
 * window (twentyhq/twenty `packages/twenty-server/src/engine/core-modules/throttler/
 * throttler.service.ts`, `tokenBucketThrottleOrThrow`). Every query-runner call made with an
 * API key takes one token from each, the short bucket first
 * (`engine/api/common/common-query-runners/common-base-query-runner.service.ts`,
 * `throttleQueryExecution`); a member's own token is never throttled, nor is the metadata API.
 * Defaults and env names from `engine/core-modules/twenty-config/config-variables.ts`.
 *
 * The refusal is `ThrottlerException('Limit reached (<limit> tokens per <ttl> ms)',
 * LIMIT_REACHED)`: on GraphQL a `UserInputError` built from it (code BAD_USER_INPUT, subCode
 * LIMIT_REACHED; `throttler-to-graphql-api-exception-handler.util.ts`), on REST an
 * `HttpException` with status 429 (`throttler-to-rest-api-exception-handler.util.ts`) in
 * Twenty's REST error body. Neither carries a Retry-After header or any reset time.
 */
import {
  Kind,
  parse,
  print,
  visit,
  type ASTNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import type { Principal } from './workspace.js';

export interface TokenBucketSettings {
  /** Tokens the bucket holds when full (API_RATE_LIMITING_*_LIMIT). */
  readonly limit: number;
  /** The time it takes to refill from empty (API_RATE_LIMITING_*_TTL_IN_MS). */
  readonly ttlMs: number;
}

export interface SandboxRateLimitSettings {
  readonly short: TokenBucketSettings;
  readonly long: TokenBucketSettings;
}

/** Twenty 2.43's defaults: 100 per second, and 100 per minute. */
export const TWENTY_DEFAULT_RATE_LIMIT: SandboxRateLimitSettings = {
  short: { limit: 100, ttlMs: 1000 },
  long: { limit: 100, ttlMs: 60_000 },
};

/**
 * Limits no run reaches: for tools that measure something other than the host's limit (the
 * fault suite, benchmarks), as an operator would raise API_RATE_LIMITING_* on Twenty.
 */
export const RAISED_RATE_LIMIT: SandboxRateLimitSettings = {
  short: { limit: 1_000_000_000, ttlMs: 1000 },
  long: { limit: 1_000_000_000, ttlMs: 60_000 },
};

export const RATE_LIMIT_ENV = {
  shortLimit: 'API_RATE_LIMITING_SHORT_LIMIT',
  shortTtl: 'API_RATE_LIMITING_SHORT_TTL_IN_MS',
  longLimit: 'API_RATE_LIMITING_LONG_LIMIT',
  longTtl: 'API_RATE_LIMITING_LONG_TTL_IN_MS',
} as const;

/**
 * The settings from Twenty's own variables, each defaulting as Twenty does. A value that is not
 * a positive number is refused, as Twenty's `@CastToPositiveNumber()` refuses it at start-up.
 */
export function rateLimitFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): SandboxRateLimitSettings {
  const read = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(
        `${name}=${JSON.stringify(raw)} is not a positive number of ${name.endsWith('_MS') ? 'milliseconds' : 'requests'}; set it to one (Twenty's default is ${fallback}) or unset it`,
      );
    }
    return value;
  };
  const d = TWENTY_DEFAULT_RATE_LIMIT;
  return {
    short: {
      limit: read(RATE_LIMIT_ENV.shortLimit, d.short.limit),
      ttlMs: read(RATE_LIMIT_ENV.shortTtl, d.short.ttlMs),
    },
    long: {
      limit: read(RATE_LIMIT_ENV.longLimit, d.long.limit),
      ttlMs: read(RATE_LIMIT_ENV.longTtl, d.long.ttlMs),
    },
  };
}

/** Twenty's refusal message, which names the bucket that ran out. */
export function limitReachedMessage(bucket: TokenBucketSettings): string {
  return `Limit reached (${bucket.limit} tokens per ${bucket.ttlMs} ms)`;
}

interface BucketState {
  tokens: number;
  lastRefillAt: number;
}

/**
 * The workspace's buckets. Refill as Twenty computes it: whole tokens only
 * (`Math.floor(elapsed * limit / ttl)`), and the refill time moves to now at every admitted
 * request, so a client asking faster than one token's worth of time earns nothing back.
 */
export class SandboxThrottler {
  private readonly buckets = new Map<string, BucketState>();

  constructor(
    private current: SandboxRateLimitSettings,
    private readonly now: () => number,
  ) {}

  get settings(): SandboxRateLimitSettings {
    return this.current;
  }

  /** New settings with full buckets, as a Twenty restarted with other API_RATE_LIMITING_*. */
  reconfigure(settings: SandboxRateLimitSettings): void {
    this.current = settings;
    this.buckets.clear();
  }

  /** Takes one token for `principal`; the refusal message when a bucket is empty. */
  take(principal: Principal): string | undefined {
    if (principal.kind !== 'apiKey') return undefined;
    for (const [name, bucket] of [
      ['short', this.current.short],
      ['long', this.current.long],
    ] as const) {
      const refused = this.takeFrom(name, bucket);
      if (refused !== undefined) return refused;
    }
    return undefined;
  }

  private takeFrom(name: string, bucket: TokenBucketSettings): string | undefined {
    const now = this.now();
    const state = this.buckets.get(name) ?? { tokens: bucket.limit, lastRefillAt: now };
    const refill = Math.floor((now - state.lastRefillAt) * (bucket.limit / bucket.ttlMs));
    const available = Math.min(state.tokens + refill, bucket.limit);
    if (available < 1) return limitReachedMessage(bucket);
    this.buckets.set(name, { tokens: available - 1, lastRefillAt: now });
    return undefined;
  }
}

/** The GraphQL error Twenty answers a throttled root field with. */
export function throttledGraphqlError(message: string, field: string): GraphQLFormattedError {
  return {
    message,
    path: [field],
    extensions: { subCode: 'LIMIT_REACHED', code: 'BAD_USER_INPUT' },
  };
}

/** Twenty's REST answer to a throttled request: 429 in its REST error body. */
export function throttledRestAnswer(message: string): {
  readonly status: 429;
  readonly body: { statusCode: 429; error: 'HttpException'; messages: string[] };
} {
  return { status: 429, body: { statusCode: 429, error: 'HttpException', messages: [message] } };
}

/** A GraphQL request after the throttle: what may run, and the errors of what may not. */
export interface GatedGraphql {
  /** The request to execute without the refused root fields; undefined when none is left. */
  readonly source: string | undefined;
  readonly errors: readonly GraphQLFormattedError[];
}

function selectedOperation(
  document: DocumentNode,
  operationName: string | undefined,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName === undefined) return operations.length === 1 ? operations[0] : undefined;
  return operations.find((o) => o.name?.value === operationName);
}

/**
 * Takes a token for each root field of the operation, in order, as each of Twenty's resolvers
 * asks its query runner. Introspection fields reach no query runner and take none. A request
 * that does not parse or names no single operation is left to the API to refuse, unthrottled:
 * Twenty refuses it before any resolver runs.
 */
export function gateGraphql(
  throttler: SandboxThrottler,
  principal: Principal,
  request: { readonly source: string; readonly operationName?: string | undefined },
): GatedGraphql {
  if (principal.kind !== 'apiKey') return { source: request.source, errors: [] };
  let document: DocumentNode;
  try {
    document = parse(request.source);
  } catch {
    return { source: request.source, errors: [] };
  }
  const operation = selectedOperation(document, request.operationName);
  if (!operation) return { source: request.source, errors: [] };
  const errors: GraphQLFormattedError[] = [];
  const kept: SelectionNode[] = [];
  for (const selection of operation.selectionSet.selections) {
    // Fragments at the root are rare in API clients; they run, each taking one token.
    const field: FieldNode | undefined = selection.kind === Kind.FIELD ? selection : undefined;
    if (field?.name.value.startsWith('__') === true) {
      kept.push(selection);
      continue;
    }
    const refused = throttler.take(principal);
    if (refused === undefined) kept.push(selection);
    else
      errors.push(throttledGraphqlError(refused, field?.alias?.value ?? field?.name.value ?? ''));
  }
  if (errors.length === 0) return { source: request.source, errors };
  if (kept.length === 0) return { source: undefined, errors };
  const gated: DocumentNode = {
    ...document,
    definitions: document.definitions.map((d) =>
      d === operation
        ? { ...operation, selectionSet: { ...operation.selectionSet, selections: kept } }
        : d,
    ),
  };
  return { source: print(withoutUnused(gated, operation.name?.value)), errors };
}

/**
 * The document without the variables and fragments only the refused fields used: GraphQL's
 * validation would refuse them as unused, and the admitted fields must run as they would have.
 */
function withoutUnused(document: DocumentNode, operationName: string | undefined): DocumentNode {
  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [],
    ),
  );
  const usedFragments = new Set<string>();
  const pending: ASTNode[] = document.definitions.filter(
    (d) => d.kind === Kind.OPERATION_DEFINITION,
  );
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (!usedFragments.has(name) && fragment) {
          usedFragments.add(name);
          pending.push(fragment);
        }
      },
    });
  }
  return {
    ...document,
    definitions: document.definitions.flatMap((d): DefinitionNode[] => {
      if (d.kind === Kind.FRAGMENT_DEFINITION) return usedFragments.has(d.name.value) ? [d] : [];
      if (d.kind !== Kind.OPERATION_DEFINITION || d.name?.value !== operationName) return [d];
      const usedVariables = new Set<string>();
      const reach = [d.selectionSet, ...[...usedFragments].map((n) => fragments.get(n))];
      for (const part of reach) {
        if (part)
          visit(part, {
            Variable(variable) {
              usedVariables.add(variable.name.value);
            },
          });
      }
      return [
        {
          ...d,
          // graphql 16 deprecates the name for v17; it is what graphql 16 reads.
          // eslint-disable-next-line @typescript-eslint/no-deprecated
          variableDefinitions: (d.variableDefinitions ?? []).filter((v) =>
            usedVariables.has(v.variable.name.value),
          ),
        },
      ];
    }),
  };
}
