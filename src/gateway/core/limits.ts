/**
 * The gateway's GraphQL request limits: pure checks (no I/O) that refuse a request before it
 * reaches Twenty. They follow graphql-armor's protections (Escape-Technologies/graphql-armor,
 * packages/plugins/{max-depth,max-aliases,cost-limit,max-tokens,max-directives}), one limit
 * each, with its messages, plus a page-size and a batch limit (RELIABILITY.md §5; ASVS 5.0
 * 4.3.1 "depth, amount and cost limits").
 *
 * Where we differ from graphql-armor, and why:
 * - Fragments are transparent. Named and inline fragments are expanded, so a query measures
 *   the same whether it is written inline or factored into fragments (graphql-armor's
 *   `flattenFragments: true`). Its default, `false`, adds a level per inline fragment and two
 *   per named spread, which punishes clients for using fragments and measures nothing real.
 * - Every fragment is measured once and its measure reused at each spread, so a document whose
 *   fragments spread each other many times is measured in linear time, while its aliases,
 *   directives and cost still count once per spread (a "fragment bomb" is refused, not
 *   expanded). graphql-armor's own caches had bypasses (its specs "reusing a cached Fragment",
 *   "fragment named `__schema`"); our measure of a fragment is relative to where it is spread.
 * - A fragment that spreads itself, directly or through others, is refused as a depth
 *   violation (its unfolding is infinitely deep) instead of being left to Twenty's validation,
 *   so whatever walks a document after these checks never meets a cycle (RELIABILITY.md §4:
 *   field collection must expand fragments).
 * - Introspection is not exempted: the gateway refuses it elsewhere.
 *
 * Messages keep graphql-armor's wording with `exposeLimits: true` (the limit and what was
 * found), without its "Syntax Error: " prefix. They are for logs and the audit trail; the HTTP
 * layer decides how much of them a client sees (RELIABILITY.md §5: `exposeLimits` off in
 * production).
 */
import { GraphQLError, Kind, Lexer, Source, TokenKind } from 'graphql';
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';
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
const COST = Object.freeze({ objectCost: 2, scalarCost: 1, depthCostFactor: 1.5 });

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

/**
 * The first limit the request exceeds, or undefined. Measures the operation that will run:
 * the one named `operationName`, or the only one. When that is ambiguous (no such name, or
 * several operations and no name), Twenty will refuse to run the document, and every
 * operation is measured so that nothing slips through.
 *
 * Named and inline fragments are expanded (see the module comment); fragments that no
 * selected operation spreads are not measured. Page sizes are read from `first`, `last` and
 * `limit` arguments written inline, passed as variables, or taken from a variable's default.
 * An absent argument is not measured: Twenty then serves its own default page (QUERY_MAX_RECORDS
 * for a root find-many), so a `maxPageSize` below QUERY_MAX_RECORDS does not bound those pages.
 *
 * Checks run in this order: depth, aliases, directives, cost, page size.
 */
export function checkDocument(
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>> | undefined,
  operationName: string | undefined,
  limits: GraphqlLimits,
): LimitViolation | undefined {
  const measurer = new DocumentMeasurer(document);
  for (const operation of selectOperations(document, operationName)) {
    const violation =
      measurer.violation(operation, limits) ??
      new PageSizeScan(
        operation,
        measurer.fragments,
        variables ?? {},
        limits.maxPageSize,
      ).selectionSet(operation.selectionSet, '');
    if (violation !== undefined) return violation;
  }
  return undefined;
}

function selectOperations(
  document: DocumentNode,
  operationName: string | undefined,
): readonly OperationDefinitionNode[] {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  const selected =
    operationName === undefined
      ? operations
      : operations.filter((operation) => operation.name?.value === operationName);
  return selected.length === 1 ? selected : operations;
}

/** What a selection set measures, relative to where it sits. */
interface Measure {
  /** Levels of fields below (and including) the set's own fields: 1 for `{ id }`. */
  readonly depth: number;
  readonly cost: number;
  readonly aliases: number;
  readonly directives: number;
}

const NOTHING: Measure = { depth: 0, cost: 0, aliases: 0, directives: 0 };

/** Thrown inside the measurer when a fragment spreads itself; caught in `violation`. */
class FragmentCycle extends Error {
  override readonly name = 'FragmentCycle';

  constructor(readonly names: readonly string[]) {
    super(`fragment cycle ${names.join(' → ')}`);
  }
}

/** Measures operations, each fragment once whatever the number of its spreads. */
class DocumentMeasurer {
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  private readonly measured = new Map<string, Measure>();
  private readonly measuring: string[] = [];

  constructor(document: DocumentNode) {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        fragments.set(definition.name.value, definition);
      }
    }
    this.fragments = fragments;
  }

  violation(operation: OperationDefinitionNode, limits: GraphqlLimits): LimitViolation | undefined {
    let measure: Measure;
    try {
      measure = this.selectionSet(operation.selectionSet);
    } catch (error) {
      if (!(error instanceof FragmentCycle)) throw error;
      this.measuring.length = 0;
      const max = limits.maxDepth;
      const message = `Query depth limit of ${max} exceeded: ${error.message}.`;
      return { limit: 'maxDepth', message, found: Number.POSITIVE_INFINITY, max };
    }
    const directives = measure.directives + (operation.directives?.length ?? 0);
    return (
      exceeds('maxDepth', 'Query depth', measure.depth, limits) ??
      exceeds('maxAliases', 'Aliases', measure.aliases, limits) ??
      exceeds('maxDirectives', 'Directives', directives, limits) ??
      exceeds('maxCost', 'Query Cost', measure.cost, limits)
    );
  }

  /**
   * graphql-armor's measures over the set's fields, fragments expanded in place: a leaf field
   * is 1 deep and costs scalarCost; a field with a selection is 1 deeper than it and costs
   * objectCost plus depthCostFactor times its cost.
   */
  private selectionSet(selectionSet: SelectionSetNode): Measure {
    let depth = 0;
    let cost = 0;
    let aliases = 0;
    let directives = 0;
    const add = (inner: Measure): void => {
      aliases += inner.aliases;
      directives += inner.directives;
    };
    for (const selection of selectionSet.selections) {
      directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias !== undefined && !FREE_ALIASES.includes(selection.alias.value)) {
          aliases += 1;
        }
        if (selection.selectionSet === undefined) {
          depth = Math.max(depth, 1);
          cost += COST.scalarCost;
          continue;
        }
        const inner = this.selectionSet(selection.selectionSet);
        depth = Math.max(depth, 1 + inner.depth);
        cost += COST.objectCost + COST.depthCostFactor * inner.cost;
        add(inner);
        continue;
      }
      const inner =
        selection.kind === Kind.INLINE_FRAGMENT
          ? this.selectionSet(selection.selectionSet)
          : this.fragment(selection.name.value);
      depth = Math.max(depth, inner.depth);
      cost += inner.cost;
      add(inner);
    }
    return { depth, cost, aliases, directives };
  }

  private fragment(name: string): Measure {
    const known = this.measured.get(name);
    if (known !== undefined) return known;
    const start = this.measuring.indexOf(name);
    if (start >= 0) throw new FragmentCycle([...this.measuring.slice(start), name]);
    const definition = this.fragments.get(name);
    // An unknown fragment selects nothing; Twenty's validation refuses the document.
    if (definition === undefined) return NOTHING;
    this.measuring.push(name);
    const inner = this.selectionSet(definition.selectionSet);
    this.measuring.pop();
    const measure = {
      ...inner,
      directives: inner.directives + (definition.directives?.length ?? 0),
    };
    this.measured.set(name, measure);
    return measure;
  }
}

function exceeds(
  limit: GraphqlLimitName,
  what: string,
  found: number,
  limits: GraphqlLimits,
): LimitViolation | undefined {
  const max = limits[limit];
  if (found <= max) return undefined;
  return { limit, message: `${what} limit of ${max} exceeded, found ${found}.`, found, max };
}

/**
 * Finds the first page-size argument above `max`, walking fields in document order with
 * fragments expanded (each once: its arguments are the same at every spread), and reports it at
 * its path of field names from the root (names, not response keys: an alias cannot disguise
 * where it is).
 */
class PageSizeScan {
  private readonly defaults = new Map<string, ValueNode>();
  private readonly expanded = new Set<string>();

  constructor(
    operation: OperationDefinitionNode,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Readonly<Record<string, unknown>>,
    private readonly max: number,
  ) {
    for (const definition of operation.variableDefinitions ?? []) {
      if (definition.defaultValue !== undefined) {
        this.defaults.set(definition.variable.name.value, definition.defaultValue);
      }
    }
  }

  selectionSet(selectionSet: SelectionSetNode, path: string): LimitViolation | undefined {
    for (const selection of selectionSet.selections) {
      let found: LimitViolation | undefined;
      if (selection.kind === Kind.FIELD) {
        const fieldPath = path === '' ? selection.name.value : `${path}.${selection.name.value}`;
        found = this.field(selection, fieldPath);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        found = this.selectionSet(selection.selectionSet, path);
      } else if (!this.expanded.has(selection.name.value)) {
        this.expanded.add(selection.name.value);
        const fragment = this.fragments.get(selection.name.value);
        if (fragment !== undefined) found = this.selectionSet(fragment.selectionSet, path);
      }
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private field(field: FieldNode, path: string): LimitViolation | undefined {
    for (const argument of field.arguments ?? []) {
      const name = argument.name.value;
      if (!PAGE_SIZE_ARGUMENTS.includes(name)) continue;
      const size = this.pageSize(argument.value);
      if (size !== undefined && size > this.max) {
        const message = `Page size limit of ${this.max} exceeded: ${name} is ${size} at ${path}.`;
        return { limit: 'maxPageSize', message, found: size, max: this.max };
      }
    }
    return field.selectionSet === undefined
      ? undefined
      : this.selectionSet(field.selectionSet, path);
  }

  /** The number an argument will carry: literal, variable, or the variable's default. */
  private pageSize(value: ValueNode): number | undefined {
    if (value.kind === Kind.INT || value.kind === Kind.FLOAT) return Number(value.value);
    if (value.kind !== Kind.VARIABLE) return undefined;
    const name = value.name.value;
    const given = Object.hasOwn(this.variables, name) ? this.variables[name] : undefined;
    // null asks for Twenty's default page; anything but a number Twenty refuses to coerce.
    if (given !== undefined) return typeof given === 'number' ? given : undefined;
    const fallback = this.defaults.get(name);
    return fallback === undefined ? undefined : this.pageSize(fallback);
  }
}
