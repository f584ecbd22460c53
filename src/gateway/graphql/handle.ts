/**
 * One GraphQL request through the gateway: its body (one operation, or an array of them, each
 * enforced on its own), the limits, the policy on the request side, the write checks against
 * the host, the forwarding with the caller's own token, and the policy on the response side.
 * Every refusal goes to `onDenied` (counted, and journaled when a journal is present).
 */
import {
  GraphQLError,
  parse,
  print,
  validate,
  valueFromASTUntyped,
  type DocumentNode,
} from 'graphql';
import type { ExportMeter } from '../core/export-meter.js';
import { checkBatchSize, checkTokens, type GraphqlLimits } from '../core/limits.js';
import { checkDocument } from '../core/document-limits.js';
import type { GatewayModel } from '../core/model.js';
import type { Judge } from '../../policy/engine.js';
import { countServed, requireUnderLimit } from '../core/metering.js';
import { Denial, denialBody, type DeniedEvent } from '../core/denial.js';
import type { HostAnswer } from '../core/host-answer.js';
import { prepareOperation, selectOperation } from './prepare.js';
import type { Caller } from '../core/caller.js';
import type { PreparedOperation } from './types.js';
import { answerAsOne } from '../core/guarded-writes.js';
import { projectResponse } from './respond.js';
import { runWriteChecks, type HostRead } from '../core/write-checks.js';
import { isJsonObject } from '../core/json.js';

export interface GraphqlRequest {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly operationName: string | undefined;
}

export interface GraphqlDeps {
  readonly model: GatewayModel;
  readonly limits: GraphqlLimits;
  readonly meter?: ExportMeter | undefined;
  readonly now: () => number;
  readonly onDenied?: ((event: DeniedEvent) => void) | undefined;
  /** Reads served to the client, by member (for monitoring). */
  readonly onRows?: ((member: string, rows: number) => void) | undefined;
}

export interface GraphqlCall {
  readonly caller: Caller;
  /** Sends a request to the host's /graphql with the caller's own token. */
  readonly forward: (request: GraphqlRequest) => Promise<HostAnswer>;
}

/** A bounded map that forgets the least recently used entry first. */
class Lru<V> {
  readonly #entries = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const found = this.#entries.get(key);
    if (found !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, found);
    }
    return found;
  }

  set(key: string, value: V): void {
    this.#entries.set(key, value);
    if (this.#entries.size > this.max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}

/** One cache per owner (a model), made on first use and gone with its owner. */
function cachePer<V>(max: number): (owner: object) => Lru<V> {
  const caches = new WeakMap<object, Lru<V>>();
  return (owner) => {
    let cache = caches.get(owner);
    if (!cache) {
      cache = new Lru<V>(max);
      caches.set(owner, cache);
    }
    return cache;
  };
}

type Parsed = DocumentNode | readonly GraphQLError[];

/** Parsed and validated documents by their text: clients repeat the same few queries. */
const documentsOf = cachePer<Parsed>(500);

function parsedDocument(source: string, model: GatewayModel): Parsed {
  const cache = documentsOf(model);
  const found = cache.get(source);
  if (found) return found;
  let result: Parsed;
  try {
    const document = parse(source, { noLocation: false });
    const errors = validate(model.schema, document);
    result = errors.length > 0 ? errors : document;
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    result = [error];
  }
  cache.set(source, result);
  return result;
}

/** The body's operation, or a Denial naming what is malformed. */
export function readRequest(body: unknown, at = ''): GraphqlRequest {
  if (!isJsonObject(body))
    throw new Denial('BAD_USER_INPUT', `The request${at} must be a JSON object with a query`);
  const { query, variables, operationName } = body;
  if (typeof query !== 'string' || query.trim() === '')
    throw new Denial('BAD_USER_INPUT', `The request${at} has no query string`);
  if (variables !== undefined && variables !== null && !isJsonObject(variables))
    throw new Denial('BAD_USER_INPUT', `variables${at} must be an object`);
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    throw new Denial('BAD_USER_INPUT', `operationName${at} must be a string`);
  return {
    query,
    variables: isJsonObject(variables) ? variables : {},
    operationName: typeof operationName === 'string' ? operationName : undefined,
  };
}

function limitDenial(violation: { message: string; limit: string }): Denial {
  return new Denial('LIMIT_EXCEEDED', violation.message, { limit: violation.limit });
}

interface Prepared {
  readonly prepared: PreparedOperation;
  readonly forward: GraphqlRequest;
}

/**
 * Prepared operations by judge (member) and request: a client repeats the same queries with the
 * same variables, and preparing (limits, checks, rewriting, printing) is the same work each time.
 * A refusal is not kept: it is cheap to find again, and keeping it would let a flood of distinct
 * bad requests evict the good ones.
 */
const preparedOf = cachePer<Prepared>(1000);

/**
 * A number per judge (one engine's view of one member): what the prepared cache keys by, since
 * two engines (other grants) number their plan versions alike.
 */
const judgeIds = new WeakMap<Judge, number>();
let judgeCount = 0;

function judgeId(judge: Judge): number {
  let id = judgeIds.get(judge);
  if (id === undefined) judgeIds.set(judge, (id = ++judgeCount));
  return id;
}

function prepare(
  request: GraphqlRequest,
  caller: Caller,
  deps: GraphqlDeps,
): Prepared | HostAnswer {
  const tokens = checkTokens(request.query, deps.limits);
  if (tokens) throw limitDenial(tokens);
  const parsed = parsedDocument(request.query, deps.model);
  if (Array.isArray(parsed)) {
    return {
      status: 400,
      body: {
        errors: (parsed as readonly GraphQLError[]).map((error) => ({
          message: error.message,
          ...(error.locations ? { locations: error.locations } : {}),
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        })),
      },
    };
  }
  const document = parsed as DocumentNode;
  // Defaults of variables the client left out, as the host would apply them.
  const operation = selectOperation(document, request.operationName);
  const variables: Record<string, unknown> = { ...request.variables };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (!Object.hasOwn(variables, name) && definition.defaultValue)
      variables[name] = valueFromASTUntyped(definition.defaultValue);
  }
  const violation = checkDocument(document, variables, request.operationName, deps.limits);
  if (violation) throw limitDenial(violation);

  const prepared = prepareOperation(document, request.operationName, variables, caller, deps.model);
  return {
    prepared,
    forward: {
      query: print(prepared.document),
      variables: prepared.variables,
      operationName: prepared.operation.name?.value,
    },
  };
}

async function handleOne(
  request: GraphqlRequest,
  call: GraphqlCall,
  deps: GraphqlDeps,
): Promise<HostAnswer> {
  const { caller } = call;
  // Prepared over this model (its schema and objects) for this judge's member.
  const cache = preparedOf(deps.model);
  // The plan's version: a grant that starts or ends makes a new key.
  const key = `${judgeId(caller.judge)}\u0000${caller.judge.version()}\u0000${request.operationName ?? ''}\u0000${request.query}\u0000${JSON.stringify(request.variables)}`;
  let entry = cache.get(key);
  if (!entry) {
    const made = prepare(request, caller, deps);
    if (!('prepared' in made)) return made;
    entry = made;
    // Large requests are prepared each time: a thousand of them would hold too much memory.
    if (key.length <= 16_384) cache.set(key, entry);
  }
  const { prepared } = entry;
  let { forward } = entry;
  // Mutations answer records too: every operation waits for step-up past the limit.
  requireUnderLimit(deps, caller.member);
  if (prepared.checks.length > 0) {
    const read: HostRead = async (query, vars) => {
      const answer = await call.forward({ query, variables: vars, operationName: undefined });
      return isJsonObject(answer.body) ? answer.body : { errors: [{ message: 'no JSON answer' }] };
    };
    const guards = await runWriteChecks(prepared.checks, caller, deps.model, read);
    forward = { ...forward, variables: { ...forward.variables, ...guards } };
  }
  const answer = await call.forward(forward);
  // Only what the gateway judged leaves it: `data` projected, `errors` as the host wrote them
  // (they describe the request); any other key of the host's answer is dropped.
  const errors =
    isJsonObject(answer.body) && Array.isArray(answer.body.errors)
      ? answer.body.errors.map(errorWords)
      : undefined;
  if (
    !isJsonObject(answer.body) ||
    !Object.hasOwn(answer.body, 'data') ||
    answer.body.data === null
  )
    return {
      status: answer.status,
      body: errors
        ? {
            errors,
            ...(isJsonObject(answer.body) && Object.hasOwn(answer.body, 'data')
              ? { data: null }
              : {}),
          }
        : { errors: [{ message: `The host answered ${answer.status} without data` }] },
      headers: answer.headers,
    };
  const projected = projectResponse(answer.body.data, prepared, caller, deps.model);
  countServed(deps, caller.member, projected.rows);
  const single = answerAsOne(projected.data, prepared.singles ?? new Map());
  const allErrors = [...(errors ?? []), ...single.errors];
  return {
    status: answer.status,
    body: { ...(allErrors.length > 0 ? { errors: allErrors } : {}), data: single.data },
    headers: answer.headers,
  };
}

/**
 * A host error as the client may see it: its words and where they point, and the string codes
 * of its extensions; anything else an error carries (a record, a stack) stays behind.
 */
function errorWords(error: unknown): Record<string, unknown> {
  if (!isJsonObject(error)) return { message: 'The host answered an error' };
  const out: Record<string, unknown> = {
    message: typeof error.message === 'string' ? error.message : 'The host answered an error',
  };
  if (Array.isArray(error.locations)) out.locations = error.locations;
  if (Array.isArray(error.path)) out.path = error.path;
  if (isJsonObject(error.extensions)) {
    const extensions: Record<string, string> = {};
    for (const key of ['code', 'subCode', 'userFriendlyMessage'])
      if (typeof error.extensions[key] === 'string') extensions[key] = error.extensions[key];
    out.extensions = extensions;
  }
  return out;
}

/** Handles an operation, turning a Denial into its GraphQL error. */
async function settle(
  request: () => GraphqlRequest,
  call: GraphqlCall,
  deps: GraphqlDeps,
): Promise<HostAnswer> {
  try {
    return await handleOne(request(), call, deps);
  } catch (error) {
    if (!(error instanceof Denial)) throw error;
    deps.onDenied?.({
      member: call.caller.member,
      code: error.code,
      message: error.journal,
      object: typeof error.detail.object === 'string' ? error.detail.object : undefined,
    });
    return { status: error.status, body: denialBody(error) };
  }
}

/**
 * A /graphql body: one operation, or an array of them (each enforced on its own; the answer is
 * the array of answers, with status 200 unless every operation failed alike).
 */
export async function handleGraphql(
  body: unknown,
  call: GraphqlCall,
  deps: GraphqlDeps,
): Promise<HostAnswer> {
  if (!Array.isArray(body)) return settle(() => readRequest(body), call, deps);
  const batch = checkBatchSize(body.length, deps.limits);
  if (batch)
    return settle(
      () => {
        throw limitDenial(batch);
      },
      call,
      deps,
    );
  const answers: HostAnswer[] = [];
  for (const [index, item] of body.entries())
    answers.push(await settle(() => readRequest(item, ` [${index}]`), call, deps));
  const statuses = new Set(answers.map((a) => a.status));
  return {
    status: statuses.size === 1 ? (answers[0]?.status ?? 200) : 200,
    body: answers.map((a) => a.body),
  };
}
