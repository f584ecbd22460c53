/**
 * The gateway's GraphQL request limits: their settings, and the checks made before a document
 * is parsed (tokens) or read (batch size). They follow graphql-armor's protections
 * (Escape-Technologies/graphql-armor), one limit each, with its messages, plus a page-size and
 * a batch limit (RELIABILITY.md §5; ASVS 5.0 4.3.1). Messages keep graphql-armor's wording
 * with `exposeLimits: true`; the HTTP layer decides how much of them a client sees.
 */
import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import { QUERY_MAX_RECORDS } from '../../host/twenty-limits.js';

/** The limits, all positive integers. `DEFAULT_LIMITS` says why each default is what it is. */
export interface GraphqlLimits {
  /** Deepest field nesting: a root field is at depth 1, each field inside it one more. */
  readonly maxDepth: number;
  /** Aliased fields in the selected operation, fragments expanded; `__typename` is free. */
  readonly maxAliases: number;
  /** graphql-armor's cost: objectCost 2, scalarCost 1, each nesting level weighted by 1.5. */
  readonly maxCost: number;
  /** Lexical tokens in the document, comments excluded, counted before parsing. */
  readonly maxTokens: number;
  /** Directives in the selected operation, fragments expanded. */
  readonly maxDirectives: number;
  /** Largest `first`, `last` or `limit` argument, written inline or passed as a variable. */
  readonly maxPageSize: number;
  /** Operations in one HTTP request (a JSON array of operations is a batch). */
  readonly maxOperationsPerBatch: number;
}

/** The name of one limit, as used in configuration and in violations. */
export type GraphqlLimitName = keyof GraphqlLimits;

/**
 * The defaults, each tunable through `limitsFrom` (STYLE.md 13: tuned, never switched off).
 */
export const DEFAULT_LIMITS: GraphqlLimits = Object.freeze({
  // graphql-armor's 6 refuses Twenty's ordinary shapes. In Twenty's API a root connection takes
  // 3 levels (`companies { edges { node {`), a to-many relation 3 more, a to-one relation 1, a
  // composite field 2 (`name { firstName }`): `opportunities > edges > node > company > people >
  // edges > node > id` is 8 deep, 9 with `name { firstName }`, and two to-many hops down to a
  // scalar are 10. Twenty's web app selects every readable field with relations one level down
  // (twenty-front .../object-record/graphql/utils/generateDepthOneRecordGqlFields.ts); 10 admits
  // that and one more hop. Twenty itself stops at records 4 relation hops down
  // (CONNECTION_MAX_DEPTH = 5, twenty-server src/engine/api/graphql/graphql-query-runner/
  // constants/connection-max-depth.constant.ts), up to 17 levels, each hop a database fetch.
  maxDepth: 10,
  // graphql-armor's default.
  maxAliases: 15,
  // graphql-armor's default. The realistic query in limits.test.ts costs about 259; at depth
  // 7, where a to-many relation's fields sit, a scalar costs 1.5^6, about 11, so 5000 admits
  // a few hundred such fields.
  maxCost: 5000,
  // graphql-armor's default (also Adobe Mesh's). The realistic query in limits.test.ts is 126
  // tokens; a query selecting every field of a wide custom object may need more.
  maxTokens: 1000,
  // graphql-armor's default.
  maxDirectives: 50,
  // Twenty 2.43's QUERY_MAX_RECORDS (src/host/twenty-limits.ts, the one copy the sandbox's
  // GraphQL and REST use too): its GraphQL find-many serves that many when `first` and `last`
  // are absent, REST cuts `limit` to it, and it caps a write batch. Twenty's GraphQL does not
  // cap `first` itself: this limit is the gateway's.
  maxPageSize: QUERY_MAX_RECORDS,
  // One operation per request: a batch multiplies every other limit (graphql-cop reports
  // batching as a denial-of-service risk). Raise it only for a client that batches.
  maxOperationsPerBatch: 1,
});

const LIMIT_NAMES = Object.keys(DEFAULT_LIMITS) as readonly GraphqlLimitName[];

/** Aliases that cost nothing (graphql-armor's `allowList`, RELIABILITY.md §5). */
export const FREE_ALIASES: readonly string[] = Object.freeze(['__typename']);

/** The arguments that size a page in Twenty's API: connections, groupBy and search. */
export const PAGE_SIZE_ARGUMENTS: readonly string[] = Object.freeze(['first', 'last', 'limit']);

/** graphql-armor's cost model, with its defaults. */
export const COST = Object.freeze({ objectCost: 2, scalarCost: 1, depthCostFactor: 1.5 });

/** An override in the configuration is not a known limit or not a positive integer. */
export class GraphqlLimitsError extends Error {
  override readonly name = 'GraphqlLimitsError';

  constructor(
    /** Where in the configuration, e.g. `gateway.limits.maxDepth`. */
    readonly path: string,
    /** The value found there. */
    readonly value: unknown,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/**
 * The limits with the overrides in `partial` applied, frozen. `partial` is what the
 * configuration holds at `path`: absent (undefined or null) for the defaults, else a mapping
 * from limit names to positive integers.
 *
 * @throws GraphqlLimitsError naming the path and the bad value, e.g.
 *   `gateway.limits.maxDepth: must be a positive integer, not -1`.
 */
export function limitsFrom(partial: unknown, path: string): GraphqlLimits {
  if (partial === undefined || partial === null) return DEFAULT_LIMITS;
  if (typeof partial !== 'object' || Array.isArray(partial)) {
    throw new GraphqlLimitsError(
      path,
      partial,
      `must be a mapping of limit names to positive integers, not ${show(partial)}`,
    );
  }
  const limits: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(partial)) {
    const keyPath = `${path}.${key}`;
    if (!(LIMIT_NAMES as readonly string[]).includes(key)) {
      throw new GraphqlLimitsError(
        keyPath,
        value,
        `unknown limit; the limits are ${LIMIT_NAMES.join(', ')}`,
      );
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new GraphqlLimitsError(
        keyPath,
        value,
        `must be a positive integer, not ${show(value)}`,
      );
    }
    limits[key] = value;
  }
  return Object.freeze(limits as unknown as GraphqlLimits);
}

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'a list';
  return JSON.stringify(value) ?? typeof value;
}

/** One limit exceeded: which, by how much, and the message to log. */
export interface LimitViolation {
  readonly limit: GraphqlLimitName;
  /** graphql-armor's wording, e.g. "Query depth limit of 10 exceeded, found 12." */
  readonly message: string;
  /**
   * What was found. For tokens, `max + 1` (counting stops there); for a fragment cycle,
   * `Infinity`.
   */
  readonly found: number;
  readonly max: number;
}

/**
 * Counts the document's tokens before it is parsed, and stops at `maxTokens + 1`, so a huge
 * document is refused after reading no more than that. Comments are not tokens. A document
 * that does not lex is left for the parser to refuse with its syntax error.
 *
 * This bounds tokens, not bytes: one string literal or comment is lexed whole, so the HTTP
 * layer must cap the body size. (graphql's own `parse(source, { maxTokens })` counts the same
 * way and may be passed the same limit.)
 */
export function checkTokens(source: string, limits: GraphqlLimits): LimitViolation | undefined {
  const max = limits.maxTokens;
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      count += 1;
      if (count > max) {
        return {
          limit: 'maxTokens',
          message: `Token limit of ${max} exceeded.`,
          found: count,
          max,
        };
      }
    }
  } catch (error) {
    if (error instanceof GraphQLError) return undefined;
    throw error;
  }
  return undefined;
}

/** Refuses a request carrying more operations than `maxOperationsPerBatch`. */
export function checkBatchSize(
  operationCount: number,
  limits: GraphqlLimits,
): LimitViolation | undefined {
  const max = limits.maxOperationsPerBatch;
  if (operationCount <= max) return undefined;
  return {
    limit: 'maxOperationsPerBatch',
    message: `Batch limit of ${max} exceeded, found ${operationCount}.`,
    found: operationCount,
    max,
  };
}
