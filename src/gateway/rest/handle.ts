/**
 * Twenty's REST API (`/rest/<plural>`, `/rest/<plural>/<id>`, `/rest/batch/<plural>`) through
 * the gateway, enforced with the same checks as GraphQL (src/gateway/graphql/prepare.ts):
 *
 * - list: the `filter` parameter is read (src/host/rest-filter.ts), its fields and `order_by`'s
 *   checked readable on every record, and the member's scope ANDed in; the filter the host
 *   gets is printed from what was checked, never the client's text. `limit` is bounded.
 * - one record: fetched, then judged: a record out of scope is answered exactly as a missing
 *   one (404), so an id reveals nothing.
 * - create (one, batch, upsert), update, delete and destroy: as the GraphQL mutations, the
 *   record read first with the caller's own token where the decision needs it; update, delete
 *   and destroy by id are then written with the decision inside the write
 *   (guarded-writes.ts), so a record changed since the read is not written.
 * - every record answered (nested ones with `depth=1` too) is projected: fields hidden are
 *   left out (as Twenty leaves out fields a role cannot read), masked ones masked.
 *
 * - duplicates, groupBy, restore (one and many), merge, and PATCH / DELETE without an id:
 *   enforced as their GraphQL operations (operations.ts).
 *
 * Which call a path is follows Twenty's controller, but only in each call's canonical spelling
 * (routes.ts); every other path under `/rest/` is refused: only what is enforced goes
 * through. Refusals take the REST shape of 2.43 (refusals.ts): a permission refusal is
 * 400 `{ statusCode: 400, error: 'Error', messages }`, whoever refuses.
 */
import { randomUUID } from 'node:crypto';
import { resolverName } from '../../host/core-schema/names.js';
import { parseRestFilter, printRestFilter } from '../../host/rest-filter.js';
import { Denial } from '../core/denial.js';
import type { HostAnswer } from '../core/host-answer.js';
import { openRestCursors, sealPageInfo } from '../core/cursor-seal.js';
import { countServed, requireUnderLimit } from '../core/metering.js';
import { PolicyChecks } from '../core/policy-checks.js';
import { runWriteChecks, type HostRead } from '../core/write-checks.js';
import type { GatewayObject } from '../core/model.js';
import { guardedRestWrite, restDepth, type RestWrite } from './guarded-writes.js';
import { RestProjector } from './projector.js';
import { restDenialBody } from './refusals.js';
import type { RestDeps, RestRequest } from './request.js';
import type { OperationKind } from './operation-builders.js';
import { OPERATION_PARAMETERS, restOperation } from './operations.js';
import { restRouteOf, type RestRoute, type RestRouteKind } from './routes.js';
import { isJsonObject } from '../core/json.js';

type Json = Record<string, unknown>;

function restError(status: number, error: string, message: string): HostAnswer {
  return { status, body: { statusCode: status, error, messages: [message] } };
}

/** `order_by=name[AscNullsFirst],amount.amountMicros[DescNullsLast]` → field paths. */
export function orderByPaths(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const bracket = item.indexOf('[');
      return bracket < 0 ? item : item.slice(0, bracket);
    });
}

function parseBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new Denial('BAD_USER_INPUT', 'The body is not valid JSON');
  }
}

/** The request as the gateway forwards it: its path and the query parameters it keeps. */
function pathWith(url: URL, params: URLSearchParams): string {
  // Twenty also reads a token from `?token=`: the host must act for the caller the gateway
  // identified (by the header or the session cookie), so no other credential goes along.
  const kept = new URLSearchParams(params);
  kept.delete('token');
  const query = kept.toString();
  return query === '' ? url.pathname : `${url.pathname}?${query}`;
}

/** The query parameters each kind of REST call may carry (`token` is accepted and dropped). */
const PARAMETERS = {
  list: ['filter', 'order_by', 'limit', 'starting_after', 'ending_before', 'depth'],
  one: ['depth'],
  create: ['upsert', 'depth'],
  update: ['depth'],
  delete: ['soft_delete'],
} as const;

/**
 * Only parameters the gateway checks reach the host, each once: a repeated one is read as a
 * list by the host's parser (`soft_delete=true&soft_delete=true` is not `'true'` there, so the
 * host would destroy what the gateway judged a soft delete), and one it does not know (a
 * bracketed `filter[id][is]`) might be read in ways it never checked.
 */
function checkParameters(params: URLSearchParams, known: readonly string[], call: string): void {
  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length > 1)
      throw new Denial('BAD_USER_INPUT', `The query parameter ${name} is given more than once`);
    if (name !== 'token' && !known.includes(name))
      throw new Denial(
        'BAD_USER_INPUT',
        `The query parameter ${name} is not one ${call} takes through the gateway (it takes ${known.join(', ')})`,
      );
  }
}

async function list(route: RestRoute, request: RestRequest, deps: RestDeps): Promise<HostAnswer> {
  const { object } = route;
  const { caller } = deps;
  const checks = new PolicyChecks(caller);
  const params = new URLSearchParams(request.url.searchParams);
  const decision = caller.judge.decide('read', object.name);
  if (decision.effect === 'deny')
    throw new Denial('FORBIDDEN', `Permission denied: read on ${object.name}`, {
      object: object.name,
    });
  const parts: unknown[] = [];
  const text = params.get('filter');
  if (text !== null && text !== '') {
    const parsed = parseRestFilter(text);
    if (!parsed.ok) return restError(400, 'BadRequestException', `filter: ${parsed.error.message}`);
    checks.checkFilter(object, parsed.filter, 'filtering');
    parts.push(parsed.filter);
  }
  const order = params.get('order_by');
  if (order !== null)
    for (const path of orderByPaths(order)) checks.requireReadable(object, path, 'ordering');
  if (Object.keys(decision.filter).length > 0) parts.push(decision.filter);
  if (parts.length === 0) params.delete('filter');
  else params.set('filter', printRestFilter(parts.length === 1 ? parts[0] : { and: parts }));
  const limit = params.get('limit');
  if (limit !== null && !/^\d{1,9}$/.test(limit))
    throw new Denial('BAD_USER_INPUT', `limit must be a whole number, not "${limit}"`);
  if (limit !== null && Number(limit) > deps.limits.maxPageSize)
    throw new Denial(
      'LIMIT_EXCEEDED',
      `Page size limit of ${deps.limits.maxPageSize} exceeded: limit is ${limit}`,
      { limit: 'maxPageSize' },
    );
  openRestCursors(params, caller.member, object.name, caller.cursors);
  requireUnderLimit(deps, deps.caller.member);
  const answer = await deps.host('GET', pathWith(request.url, params), undefined);
  if (!isJsonObject(answer.body) || !isJsonObject(answer.body.data)) return errorOnly(answer);
  const data = answer.body.data;
  const plural = object.metadata.namePlural;
  const records = Array.isArray(data[plural]) ? data[plural] : [];
  const projector = new RestProjector(caller, deps.model);
  const kept = records
    .map((record) => projector.record(record, object))
    .filter((record): record is Json => record !== null);
  // The records judged, with the host's count and cursors (computed over the scoped filter);
  // the count is an aggregate value, and the cursors are sealed (src/gateway/core/cursor-seal.ts).
  const { totalCount } = answer.body;
  if (typeof totalCount === 'number') projector.tally.aggregates(1);
  countServed(deps, deps.caller.member, projector.tally.rows);
  const pageInfo = sealPageInfo(answer.body.pageInfo, caller.member, object.name, caller.cursors);
  return {
    status: answer.status,
    body: {
      data: { [plural]: kept },
      ...(typeof totalCount === 'number' ? { totalCount } : {}),
      ...(pageInfo ? { pageInfo } : {}),
    },
    headers: answer.headers,
  };
}

/**
 * The host's answer without records: its error words (`statusCode`, `error`, `messages`) and
 * nothing else, so an answer the gateway cannot judge never carries data past it.
 */
function errorOnly(answer: HostAnswer): HostAnswer {
  const body = isJsonObject(answer.body) ? answer.body : {};
  const messages = Array.isArray(body.messages)
    ? body.messages.filter((m): m is string => typeof m === 'string')
    : [`The host answered ${answer.status} without records`];
  return {
    status: answer.status,
    body: {
      statusCode: typeof body.statusCode === 'number' ? body.statusCode : answer.status,
      error: typeof body.error === 'string' ? body.error : 'HostError',
      messages,
    },
    headers: answer.headers,
  };
}

/**
 * The records inside a REST answer's `data` (one object, or a list), projected in place; a
 * single record the member may not read becomes null (`withheld` says so).
 */
function projectData(
  answer: HostAnswer,
  object: GatewayObject,
  deps: RestDeps,
  keys: readonly string[],
): HostAnswer & { readonly withheld?: boolean } {
  if (!isJsonObject(answer.body) || !isJsonObject(answer.body.data)) return errorOnly(answer);
  const projector = new RestProjector(deps.caller, deps.model);
  const data: Json = {};
  let withheld = false;
  // Only the key this call answers under is judged as this object's; any other is dropped.
  for (const [key, value] of Object.entries(answer.body.data)) {
    if (!keys.includes(key)) continue;
    if (Array.isArray(value))
      data[key] = value
        .map((record) => projector.record(record, object))
        .filter((record): record is Json => record !== null);
    else {
      const record = projector.record(value, object);
      if (record === null) withheld = true;
      data[key] = record;
    }
  }
  countServed(deps, deps.caller.member, projector.tally.rows);
  return { status: answer.status, body: { data }, headers: answer.headers, withheld };
}

const OPERATIONS: ReadonlySet<RestRouteKind> = new Set<OperationKind>([
  'duplicates',
  'groupBy',
  'restoreOne',
  'restoreMany',
  'merge',
  'updateMany',
  'deleteMany',
]);

function isOperation(route: RestRoute): route is RestRoute & { readonly kind: OperationKind } {
  return OPERATIONS.has(route.kind);
}

/** The parameters a record call takes (the other calls': operations.ts). */
function parametersOf(route: RestRoute): readonly string[] {
  if (isOperation(route)) return OPERATION_PARAMETERS[route.kind];
  switch (route.kind) {
    case 'list':
      return PARAMETERS.list;
    case 'one':
      return PARAMETERS.one;
    case 'create':
    case 'createMany':
      return PARAMETERS.create;
    case 'update':
      return PARAMETERS.update;
    default:
      return PARAMETERS.delete;
  }
}

async function answerRest(request: RestRequest, deps: RestDeps): Promise<HostAnswer> {
  const path = request.url.pathname;
  const method = request.method.toUpperCase();
  const found = restRouteOf(deps.model, method, path);
  if (found === undefined)
    throw new Denial(
      'FORBIDDEN',
      `${method} ${path} is not a REST route the gateway enforces (it enforces /rest/<plural>, /rest/<plural>/<id>, /rest/batch/<plural>, /rest/<plural>/duplicates, /rest/<plural>/groupBy, /rest/<plural>/merge, /rest/<plural>/restore and /rest/<plural>/<id>/restore, each with its own method)`,
    );
  // Twenty's words for an id that is not a UUID (`parse-core-path.utils.ts`).
  if ('badId' in found) throw new Denial('BAD_USER_INPUT', `'${found.badId}' is not a valid UUID`);
  const route = found;
  const { object, id } = route;
  const { caller } = deps;
  checkParameters(request.url.searchParams, parametersOf(route), `${method} ${path}`);
  if (isOperation(route))
    return restOperation(route, request.url.searchParams, parseBody(request.body), deps);
  const read: HostRead = async (query, variables) => {
    const answer = await deps.host('POST', '/graphql', { query, variables });
    return isJsonObject(answer.body) ? answer.body : { errors: [{ message: 'no JSON answer' }] };
  };
  const forward = () =>
    deps.host(method, pathWith(request.url, request.url.searchParams), parseBody(request.body));

  if (route.kind === 'list') return list(route, request, deps);
  if (route.kind === 'one' && id !== undefined) {
    requireUnderLimit(deps, deps.caller.member);
    // A record out of reach is answered exactly as the host answers an id that does not exist:
    // the host's own answer for a fresh random id, status, body and headers alike. A missing id
    // gets that same answer, so both cost the same two round trips to the host.
    const asMissing = async () => {
      const missing = new URL(request.url);
      missing.pathname = `/rest/${object.metadata.namePlural}/${randomUUID()}`;
      return errorOnly(await deps.host('GET', pathWith(missing, missing.searchParams), undefined));
    };
    const answer = await forward();
    if (answer.status === 404) return asMissing();
    if (answer.status !== 200) return errorOnly(answer);
    const projected = projectData(answer, object, deps, [resolverName(object.metadata, 'findOne')]);
    if (!projected.withheld) return projected;
    return asMissing();
  }
  const checks = new PolicyChecks(caller);
  if (route.kind === 'create' || route.kind === 'createMany') {
    const batch = route.kind === 'createMany';
    const body = parseBody(request.body);
    const items = batch ? body : [body];
    if (!Array.isArray(items) || items.length === 0 || !items.every(isJsonObject))
      throw new Denial(
        'BAD_USER_INPUT',
        batch ? 'The body must be a non-empty array of records' : 'The body must be a record',
      );
    checks.checkCreate(object, items, batch);
    if (request.url.searchParams.get('upsert') === 'true')
      await runWriteChecks([{ kind: 'upsert', object, items }], caller, deps.model, read);
    return projectData(await forward(), object, deps, [
      resolverName(object.metadata, batch ? 'createMany' : 'createOne'),
    ]);
  }
  if (id === undefined)
    throw new Denial('FORBIDDEN', `${method} ${path} is not a REST route the gateway enforces`);
  let write: RestWrite;
  if (route.kind === 'update') {
    const data = parseBody(request.body);
    if (!isJsonObject(data)) throw new Denial('BAD_USER_INPUT', 'The body must be a record');
    const depth = restDepth(request.url.searchParams);
    if (typeof depth === 'string') return restError(400, 'BadRequestException', depth);
    write = { object, method: 'updateOne', id, data, depth };
  } else {
    const soft = request.url.searchParams.get('soft_delete') === 'true';
    write = { object, method: soft ? 'deleteOne' : 'destroyOne', id, depth: 0 };
  }
  // The write carries its own decision (guarded-writes.ts): no gap after the read.
  const written = await guardedRestWrite(write, { caller, model: deps.model, read });
  return projectData(written, object, deps, [
    resolverName(object.metadata, write.method === 'updateOne' ? 'updateOne' : 'deleteOne'),
  ]);
}

/** A REST request through the gateway; a refusal is recorded under the member and answered. */
export async function handleRest(request: RestRequest, deps: RestDeps): Promise<HostAnswer> {
  try {
    return await answerRest(request, deps);
  } catch (error) {
    if (!(error instanceof Denial)) throw error;
    deps.onDenied({
      member: deps.caller.member,
      code: error.code,
      message: error.journal,
      object: typeof error.detail.object === 'string' ? error.detail.object : undefined,
    });
    return restDenialBody(error);
  }
}
