/**
 * The sandbox's core REST API under `/rest/`, as Twenty serves it (twentyhq/twenty
 * `packages/twenty-server/src/engine/api/rest/core/controllers/rest-api-core.controller.ts` and
 * `core/handlers/rest-api-*.handler.ts`). Each request is translated into one query or mutation
 * of the sandbox's own core GraphQL API, executed for the principal behind the bearer token, so
 * permissions, row-level predicates and webhooks behave exactly as over GraphQL.
 *
 * Routes and answers:
 * - `GET /rest/<plural>?filter&order_by&limit&starting_after&ending_before&depth` → 200
 *   `{ data: { <plural>: [...] }, totalCount, pageInfo: { hasNextPage, hasPreviousPage,
 *   startCursor, endCursor } }` (`rest-api-find-many.handler.ts`, `formatRestResponse`;
 *   `PageInfo` of `rest-api-base.handler.ts`);
 * - `GET /rest/<plural>/<id>?depth` → 200 `{ data: { <singular>: {...} } }`
 *   (`rest-api-find-one.handler.ts`); absent → 404 "Record not found" (UNVERIFIED: the common
 *   API's RECORD_NOT_FOUND; Twenty's older handler answered 400 with the same message);
 * - `POST /rest/<plural>[?upsert=true]` → 201 `{ data: { create<Singular>: {...} } }`
 *   (`rest-api-create-one.handler.ts`);
 * - `POST /rest/batch/<plural>` (a JSON array) → 201 `{ data: { create<Plural>: [...] } }`
 *   (`rest-api-create-many.handler.ts`, `formatResult({ operation: 'create', objectNamePlural })`;
 *   UNVERIFIED: one version of its `commonHandle` answers `{ data: { <plural>: [...] } }`);
 *   "Body must be an array" and "Input must not be empty" as there;
 * - `PATCH` (or `PUT`) `/rest/<plural>/<id>` → 200 `{ data: { update<Singular>: {...} } }`;
 * - `DELETE /rest/<plural>/<id>` destroys the record; with `?soft_delete=true` it is soft
 *   deleted (`rest-api-core.service.ts`, `delete`: `parseSoftDeleteRestRequest` picks
 *   `restApiDestroyOneHandler` or `restApiDeleteOneHandler`) → 200
 *   `{ data: { delete<Singular>: {...} } }` (both handlers use that key; UNVERIFIED: some
 *   versions answer only `{ id }`, or add `softDelete: true`).
 * - `PATCH` / `PUT /rest/<plural>?filter` (no id) → 200 `{ data: { update<Plural>: [...] } }`
 *   (`rest-api-update-many.handler.ts`; UNVERIFIED: without a filter the sandbox updates every
 *   record it reaches, up to the update limit);
 * - `DELETE /rest/<plural>?filter[&soft_delete=true]` (no id) → 200 `{ data: { delete<Plural>:
 *   [{ id }] } }`, a filter mandatory (`rest-api-delete-many.handler.ts`,
 *   `rest-api-destroy-many.handler.ts`);
 * - `POST /rest/<plural>/duplicates` `{ ids } | { data }` → 200 `{ data: [{ <singular>Duplicates,
 *   totalCount, pageInfo }] }` (`rest-api-find-duplicates.handler.ts`; core/duplicates.ts);
 * - `GET /rest/<plural>/groupBy?group_by&aggregate&filter&order_by_for_records&
 *   include_records_sample&limit` → 200, a JSON array of `{ groupByDimensionValues,
 *   <aggregates>, records? }` (`rest-api-group-by.handler.ts`, `parse-group-by-rest-request.util.ts`,
 *   `parse-aggregate-fields-rest-request.util.ts`; Twenty's own `rest-api-core-group-by.
 *   integration-spec.ts` reads the body as that array);
 * - `PATCH /rest/<plural>/<id>/restore` → `{ data: { restore<Singular> } }`, `PATCH
 *   /rest/<plural>/restore?filter` → `{ data: { restore<Plural>: [...] } }`
 *   (`rest-api-restore-one.handler.ts`, `rest-api-restore-many.handler.ts`);
 * - `PATCH /rest/<plural>/merge` `{ ids, conflictPriorityIndex, dryRun }` → 200 `{ data: {
 *   merge<Singular> } }` (`rest-api-merge-many.handler.ts`; core/merge.ts).
 * Which handler a path reaches, and the record id in it, follow the controller's route order
 * and `parseCorePath` (restHandlerOf, parseCorePath below): an id must be a UUID of versions
 * 1 to 5, and `DELETE /rest/people/duplicates` is a delete of many, as on Twenty.
 * Errors: `{ statusCode, error, messages }` (rest-errors.ts); a bad filter, limit, depth,
 * order_by or path is 400, a missing or invalid token 401, a permission refusal 400 named
 * `Error` (rest-errors.ts `permissionRefusal`, as 2.43's REST exception filter answers it).
 *
 * Deviation: an unknown object is answered 404 "object 'x' not found. …" before the token is
 * checked (src/sandbox/server.test.ts expects 404 for an unknown `/rest/` path without a
 * token); Twenty checks the token first and answers an unknown object with 400.
 */
import type { ExecutionResult } from 'graphql';
import { objectTypeNames, resolverName } from '../../host/core-schema/names.js';
import { activeObjects } from '../core/object-model.js';
import { principalOf, type SandboxAnswer, type SandboxServerOptions } from '../server.js';
import type { Principal, SandboxObject } from '../workspace.js';
import { fromGraphqlErrors, RestError } from './rest-errors.js';
import {
  parseDepth,
  parseFilterParam,
  parseLimit,
  parseOrderBy,
  parseSoftDelete,
  queryOf,
  type Query,
} from './rest-params.js';
import { restRecord, restSelection, type RestSelection } from './rest-selection.js';

export interface RestRequest {
  readonly method: string;
  /** The path, `/rest/...`, without the query string. */
  readonly path: string;
  /** The query string, without `?`. */
  readonly search: string;
  readonly authorization: string | undefined;
  readonly readBody: () => Promise<string | undefined>;
}

/** The handler Twenty's controller picks for a method and path (rest-api-core.controller.ts). */
export type RestHandler =
  | 'createMany'
  | 'duplicates'
  | 'createOne'
  | 'groupBy'
  | 'get'
  | 'delete'
  | 'restore'
  | 'merge'
  | 'update';

/**
 * The controller's routes in their order: `POST batch/*path`, `POST *path/duplicates`,
 * `POST *path`, `GET *path/groupBy`, `GET *path`, `DELETE *path`, `PATCH *path/restore`,
 * `PATCH *path/merge`, `PATCH *path`, `PUT *path` (an alias of PATCH's update). A wildcard
 * matches one segment or more, so `/rest/duplicates` is a create on an object `duplicates`.
 */
export function restHandlerOf(
  method: string,
  segments: readonly string[],
): RestHandler | undefined {
  const last = segments.at(-1);
  const suffixed = (word: string) => segments.length >= 2 && last === word;
  switch (method) {
    case 'POST':
      if (segments[0] === 'batch' && segments.length >= 2) return 'createMany';
      return suffixed('duplicates') ? 'duplicates' : 'createOne';
    case 'GET':
      return suffixed('groupBy') ? 'groupBy' : 'get';
    case 'DELETE':
      return 'delete';
    case 'PATCH':
      if (suffixed('restore')) return 'restore';
      return suffixed('merge') ? 'merge' : 'update';
    case 'PUT':
      return 'update';
    default:
      return undefined;
  }
}

/** `isValidUuid` of twenty-shared (`packages/twenty-shared/src/utils/validation/isValidUuid.ts`): versions 1 to 5. */
const VALID_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * `parseCorePath` (`packages/twenty-server/src/engine/api/rest/input-request-parsers/
 * path-parser-utils/parse-core-path.utils.ts`): the object and the record id of a path. At
 * most two segments (three for a PATCH ending in `restore`); `batch/<plural>`,
 * `<plural>/duplicates`, `<plural>/groupBy` and `<plural>/merge` name no record, whatever the
 * method (so `DELETE /rest/people/duplicates` is a delete of many); any other second segment
 * must be a UUID.
 */
export function parseCorePath(
  method: string,
  path: string,
  segments: readonly string[],
): { readonly object: string; readonly id: string | undefined } {
  const restore = method === 'PATCH' && segments.at(-1) === 'restore';
  const invalid = `Query path '${path}' invalid. Valid examples: /rest/companies/id or /rest/companies or /rest/batch/companies`;
  const [first, second] = segments;
  if (first === undefined || segments.length > (restore ? 3 : 2)) {
    throw RestError.badRequest(invalid);
  }
  if (second === undefined) return { object: first, id: undefined };
  if (first === 'batch') return { object: second, id: undefined };
  if (second === 'duplicates' || second === 'groupBy' || second === 'merge') {
    return { object: first, id: undefined };
  }
  const id = restore ? (segments.length === 3 ? second : undefined) : second;
  if (id !== undefined && !VALID_UUID.test(id)) {
    throw RestError.badRequest(`'${id}' is not a valid UUID`);
  }
  return { object: first, id };
}

interface Route {
  readonly handler: RestHandler;
  readonly object: SandboxObject;
  readonly objects: readonly SandboxObject[];
  readonly id: string | undefined;
}

function route(options: SandboxServerOptions, method: string, path: string): Route {
  const segments = path
    .replace(/^\/rest/, '')
    .split('/')
    .filter(Boolean);
  const handler = restHandlerOf(method, segments);
  if (handler === undefined) {
    throw new RestError(405, [`${method} ${path} is not served by the sandbox's REST API`]);
  }
  const { object: plural, id } = parseCorePath(method, path, segments);
  const objects = activeObjects(options.getState());
  const object = objects.find((candidate) => candidate.namePlural === plural);
  if (!object) {
    const singular = objects.find((candidate) => candidate.nameSingular === plural);
    const hint = singular ? `Did you mean '${singular.namePlural}'?` : 'eg: companies';
    throw RestError.notFound(`object '${plural}' not found. ${hint}`);
  }
  return { handler, object, objects, id };
}

class RestCall {
  constructor(
    private readonly options: SandboxServerOptions,
    private readonly route: Route,
    private readonly principal: Principal,
    private readonly query: Query,
  ) {}

  get object(): SandboxObject {
    return this.route.object;
  }

  selection(): RestSelection {
    const state = this.options.getState();
    return restSelection(
      state,
      this.route.objects,
      this.object,
      this.principal,
      parseDepth(this.query),
    );
  }

  async run(source: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
    const result: ExecutionResult = await this.options.core.execute({
      source,
      variables,
      principal: this.principal,
    });
    if (result.errors && result.errors.length > 0) throw fromGraphqlErrors(result.errors);
    return result.data ?? {};
  }

  async findMany(): Promise<SandboxAnswer> {
    const names = objectTypeNames(this.object.nameSingular);
    const field = resolverName(this.object, 'findMany');
    const selection = this.selection();
    const limit = parseLimit(this.query);
    const before = this.query.ending_before;
    const after = this.query.starting_after;
    const variables = {
      filter: parseFilterParam(this.object, this.query),
      orderBy: parseOrderBy(this.query),
      first: before === undefined ? limit : undefined,
      last: before === undefined ? undefined : limit,
      before,
      after,
    };
    const source = `query RestFindMany($filter: ${names.filter}, $orderBy: [${names.orderBy}], $first: Int, $last: Int, $before: String, $after: String) {
  ${field}(filter: $filter, orderBy: $orderBy, first: $first, last: $last, before: $before, after: $after) {
    edges { node { ${selection.text} } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}`;
    const data = await this.run(source, variables);
    const connection = (data[field] ?? {}) as {
      edges?: { node: unknown }[];
      pageInfo?: unknown;
      totalCount?: unknown;
    };
    const records = (connection.edges ?? []).map((edge) => restRecord(edge.node, selection));
    return {
      status: 200,
      body: {
        data: { [this.object.namePlural]: records },
        totalCount: connection.totalCount,
        pageInfo: connection.pageInfo,
      },
    };
  }

  async findOne(id: string): Promise<SandboxAnswer> {
    const names = objectTypeNames(this.object.nameSingular);
    const field = resolverName(this.object, 'findOne');
    const selection = this.selection();
    const source = `query RestFindOne($filter: ${names.filter}!) {
  ${field}(filter: $filter) { ${selection.text} }
}`;
    const data = await this.run(source, { filter: { id: { eq: id } } });
    const record = data[field];
    if (record === null || record === undefined) throw RestError.notFound('Record not found');
    return {
      status: 200,
      body: { data: { [this.object.nameSingular]: restRecord(record, selection) } },
    };
  }

  async create(body: unknown, many: boolean): Promise<SandboxAnswer> {
    if (many && !Array.isArray(body)) throw RestError.badRequest('Body must be an array');
    if (many && (body as unknown[]).length === 0) {
      throw RestError.badRequest('Input must not be empty');
    }
    if (!many && !isObject(body)) throw RestError.badRequest('Body must be a JSON object');
    const names = objectTypeNames(this.object.nameSingular);
    const field = resolverName(this.object, many ? 'createMany' : 'createOne');
    const selection = this.selection();
    const input = many ? `[${names.create}!]!` : `${names.create}!`;
    const source = `mutation RestCreate($data: ${input}, $upsert: Boolean) {
  ${field}(data: $data, upsert: $upsert) { ${selection.text} }
}`;
    const data = await this.run(source, { data: body, upsert: this.query.upsert === 'true' });
    const result = data[field];
    const records = Array.isArray(result)
      ? (result as unknown[]).map((record) => restRecord(record, selection))
      : restRecord(result, selection);
    return { status: 201, body: { data: { [field]: records } } };
  }

  async update(id: string, body: unknown): Promise<SandboxAnswer> {
    if (!isObject(body)) throw RestError.badRequest('Body must be a JSON object');
    const names = objectTypeNames(this.object.nameSingular);
    const field = resolverName(this.object, 'updateOne');
    const selection = this.selection();
    const source = `mutation RestUpdate($id: UUID!, $data: ${names.update}!) {
  ${field}(id: $id, data: $data) { ${selection.text} }
}`;
    const data = await this.run(source, { id, data: body });
    return { status: 200, body: { data: { [field]: restRecord(data[field], selection) } } };
  }

  async remove(id: string): Promise<SandboxAnswer> {
    const soft = parseSoftDelete(this.query);
    const field = resolverName(this.object, soft ? 'deleteOne' : 'destroyOne');
    const key = resolverName(this.object, 'deleteOne');
    const selection = this.selection();
    const source = `mutation RestDelete($id: UUID!) {
  ${field}(id: $id) { ${selection.text} }
}`;
    const data = await this.run(source, { id });
    return { status: 200, body: { data: { [key]: restRecord(data[field], selection) } } };
  }

  /** The filter a many-record write carries (`parseFilterRestRequest`), or `{}` without one. */
  private manyFilter(): unknown {
    return parseFilterParam(this.object, this.query) ?? {};
  }

  /** PATCH without an id: `update<Plural>(filter, data)` (`rest-api-update-many.handler.ts`). */
  async updateMany(body: unknown): Promise<SandboxAnswer> {
    if (!isObject(body)) throw RestError.badRequest('Body must be a JSON object');
    const names = objectTypeNames(this.object.nameSingular);
    const field = resolverName(this.object, 'updateMany');
    const selection = this.selection();
    const source = `mutation RestUpdateMany($filter: ${names.filter}!, $data: ${names.update}!) {
  ${field}(filter: $filter, data: $data) { ${selection.text} }
}`;
    const data = await this.run(source, { filter: this.manyFilter(), data: body });
    const records = ((data[field] ?? []) as unknown[]).map((r) => restRecord(r, selection));
    return { status: 200, body: { data: { [field]: records } } };
  }

  /**
   * DELETE without an id (`rest-api-delete-many.handler.ts`, `rest-api-destroy-many.handler.ts`):
   * a filter is mandatory; both answer `{ data: { delete<Plural>: [{ id }] } }`.
   */
  async removeMany(): Promise<SandboxAnswer> {
    const soft = parseSoftDelete(this.query);
    const filter = parseFilterParam(this.object, this.query);
    if (filter === undefined || Object.keys(filter).length === 0) {
      throw RestError.badRequest(
        `Filters are mandatory for bulk ${soft ? 'delete' : 'destroy'} operations. Please provide at least one filter to prevent accidental deletion of all records.`,
      );
    }
    const names = objectTypeNames(this.object.nameSingular);
    const field = resolverName(this.object, soft ? 'deleteMany' : 'destroyMany');
    const key = resolverName(this.object, 'deleteMany');
    const source = `mutation RestDeleteMany($filter: ${names.filter}!) {
  ${field}(filter: $filter) { id }
}`;
    const data = await this.run(source, { filter });
    return { status: 200, body: { data: { [key]: data[field] ?? [] } } };
  }

  /** `PATCH /rest/<plural>/<id>/restore` and `PATCH /rest/<plural>/restore?filter=` (many). */
  async restore(id: string | undefined): Promise<SandboxAnswer> {
    const names = objectTypeNames(this.object.nameSingular);
    const selection = this.selection();
    if (id !== undefined) {
      const field = resolverName(this.object, 'restoreOne');
      const source = `mutation RestRestoreOne($id: UUID!) {
  ${field}(id: $id) { ${selection.text} }
}`;
      const data = await this.run(source, { id });
      return { status: 200, body: { data: { [field]: restRecord(data[field], selection) } } };
    }
    const field = resolverName(this.object, 'restoreMany');
    const source = `mutation RestRestoreMany($filter: ${names.filter}!) {
  ${field}(filter: $filter) { ${selection.text} }
}`;
    const data = await this.run(source, { filter: this.manyFilter() });
    const records = ((data[field] ?? []) as unknown[]).map((r) => restRecord(r, selection));
    return { status: 200, body: { data: { [field]: records } } };
  }

  /**
   * `POST /rest/<plural>/duplicates` with `{ data: [...] }` or `{ ids: [...] }`
   * (`rest-api-find-duplicates.handler.ts`): 200 `{ data: [{ <singular>Duplicates: [...],
   * totalCount, pageInfo }] }`, one entry per record given.
   */
  async duplicates(body: unknown): Promise<SandboxAnswer> {
    const input = isObject(body) ? body : {};
    const names = objectTypeNames(this.object.nameSingular);
    const field = resolverName(this.object, 'findDuplicates');
    const selection = this.selection();
    const source = `query RestFindDuplicates($ids: [UUID], $data: [${names.create}]) {
  ${field}(ids: $ids, data: $data) {
    edges { node { ${selection.text} } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}`;
    const data = await this.run(source, { ids: input.ids, data: input.data });
    const connections = (data[field] ?? []) as {
      edges?: { node: unknown }[];
      pageInfo?: unknown;
      totalCount?: unknown;
    }[];
    const key = `${this.object.nameSingular}Duplicates`;
    return {
      status: 200,
      body: {
        data: connections.map((connection) => ({
          [key]: (connection.edges ?? []).map((edge) => restRecord(edge.node, selection)),
          totalCount: connection.totalCount,
          pageInfo: connection.pageInfo,
        })),
      },
    };
  }

  /**
   * `PATCH /rest/<plural>/merge` with `{ ids, conflictPriorityIndex, dryRun }`
   * (`rest-api-merge-many.handler.ts`): 200 `{ data: { merge<Singular>: record } }`.
   */
  async merge(body: unknown): Promise<SandboxAnswer> {
    const input = isObject(body) ? body : {};
    const field = resolverName(this.object, 'mergeMany');
    const key = `merge${capitalized(this.object.nameSingular)}`;
    const selection = this.selection();
    const source = `mutation RestMerge($ids: [UUID!]!, $index: Int!, $dryRun: Boolean) {
  ${field}(ids: $ids, conflictPriorityIndex: $index, dryRun: $dryRun) { ${selection.text} }
}`;
    const data = await this.run(source, {
      ids: input.ids,
      index: input.conflictPriorityIndex,
      dryRun: input.dryRun,
    });
    return { status: 200, body: { data: { [key]: restRecord(data[field], selection) } } };
  }

  /**
   * `GET /rest/<plural>/groupBy?group_by=[...]` (`rest-api-group-by.handler.ts`): 200 with a
   * JSON array of groups, each `{ groupByDimensionValues, <aggregates asked in aggregate=[...]>,
   * records? }` (`records` with `include_records_sample=true`).
   */
  async groupBy(): Promise<SandboxAnswer> {
    const groupBy = parseJsonParam(
      this.query.group_by,
      `Invalid group_by query parameter - should be a valid array of objects - ex: [{"firstField": true}, {"secondField": {"subField": true}}, {"dateField": {"granularity": 'DAY'}}]`,
    );
    const aggregates =
      this.query.aggregate === undefined
        ? []
        : parseJsonParam(
            this.query.aggregate,
            'Invalid aggregate query parameter - should be a valid array of string - ex: ["countNotEmptyId", "countEmptyField"]',
          );
    if (!Array.isArray(aggregates) || !aggregates.every((a) => /^[A-Za-z_]\w*$/.test(String(a)))) {
      throw RestError.badRequest(
        'Invalid aggregate query parameter - should be a valid array of string - ex: ["countNotEmptyId", "countEmptyField"]',
      );
    }
    const names = objectTypeNames(this.object.nameSingular);
    const field = resolverName(this.object, 'groupBy');
    const withRecords = this.query.include_records_sample === 'true';
    const selection = this.selection();
    const limit = this.query.limit === undefined ? undefined : parseLimit(this.query);
    const recordsPart = withRecords ? `edges { node { ${selection.text} } }` : '';
    const source = `query RestGroupBy($groupBy: [${names.groupBy}!]!, $filter: ${names.filter}, $orderByForRecords: [${names.orderBy}], $limit: Int) {
  ${field}(groupBy: $groupBy, filter: $filter, orderByForRecords: $orderByForRecords, limit: $limit) {
    groupByDimensionValues ${(aggregates as string[]).join(' ')} ${recordsPart}
  }
}`;
    const orderForRecords =
      this.query.order_by_for_records === undefined
        ? undefined
        : parseOrderBy({ order_by: this.query.order_by_for_records });
    const data = await this.run(source, {
      groupBy,
      filter: parseFilterParam(this.object, this.query),
      orderByForRecords: orderForRecords,
      limit,
    });
    const groups = (data[field] ?? []) as Record<string, unknown>[];
    return {
      status: 200,
      body: groups.map((group) => {
        const { edges, ...rest } = group as { edges?: { node: unknown }[] };
        return withRecords
          ? { ...rest, records: (edges ?? []).map((edge) => restRecord(edge.node, selection)) }
          : rest;
      }),
    };
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function parseJsonParam(text: string | undefined, message: string): unknown {
  if (text === undefined) throw RestError.badRequest(message);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw RestError.badRequest(message);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function jsonBody(request: RestRequest): Promise<unknown> {
  const text = await request.readBody();
  if (text === undefined) throw new RestError(413, ['request body too large']);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw RestError.badRequest(`the body is not JSON: ${reason}`);
  }
}

async function dispatch(
  options: SandboxServerOptions,
  request: RestRequest,
): Promise<SandboxAnswer> {
  const method = request.method.toUpperCase();
  const target = route(options, method, request.path);
  const principal = principalOf(options.getState(), request.authorization, options.now());
  if (typeof principal === 'string') throw new RestError(401, [principal]);
  const call = new RestCall(options, target, principal, queryOf(request.search));
  const { id } = target;
  switch (target.handler) {
    case 'createMany':
      return call.create(await jsonBody(request), true);
    case 'createOne':
      // `POST /rest/<plural>/<id>` is a create too: the create handler never reads the id.
      return call.create(await jsonBody(request), false);
    case 'duplicates':
      return call.duplicates(await jsonBody(request));
    case 'groupBy':
      return call.groupBy();
    case 'get':
      return id === undefined ? call.findMany() : call.findOne(id);
    case 'delete':
      return id === undefined ? call.removeMany() : call.remove(id);
    case 'restore':
      return call.restore(id);
    case 'merge':
      return call.merge(await jsonBody(request));
    case 'update':
      return id === undefined
        ? call.updateMany(await jsonBody(request))
        : call.update(id, await jsonBody(request));
  }
  throw new RestError(405, [`${method} ${request.path} is not served by the sandbox's REST API`]);
}

/** Answers one `/rest/...` request; Twenty's REST errors as `{ statusCode, error, messages }`. */
export async function answerRest(
  options: SandboxServerOptions,
  request: RestRequest,
): Promise<SandboxAnswer> {
  try {
    return await dispatch(options, request);
  } catch (error) {
    if (error instanceof RestError) return { status: error.statusCode, body: error.body };
    throw error;
  }
}
