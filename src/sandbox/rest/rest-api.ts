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
 * Errors: `{ statusCode, error, messages }` (rest-errors.ts); a bad filter, limit, depth or
 * order_by is 400, a missing or invalid token 401, a permission denied 403.
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

interface Route {
  readonly object: SandboxObject;
  readonly objects: readonly SandboxObject[];
  readonly id: string | undefined;
  readonly batch: boolean;
}

function route(options: SandboxServerOptions, path: string): Route {
  const segments = path.split('/').slice(2);
  const batch = segments[0] === 'batch';
  const [plural, id, ...rest] = batch ? segments.slice(1) : segments;
  const objects = activeObjects(options.getState());
  if (plural === undefined || plural === '' || rest.length > 0 || (batch && id !== undefined)) {
    throw RestError.notFound(`no REST route ${path}`);
  }
  const object = objects.find((candidate) => candidate.namePlural === plural);
  if (!object) {
    const singular = objects.find((candidate) => candidate.nameSingular === plural);
    const hint = singular ? `Did you mean '${singular.namePlural}'?` : 'eg: companies';
    throw RestError.notFound(`object '${plural}' not found. ${hint}`);
  }
  return { object, objects, id: id === '' ? undefined : id, batch };
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
  const target = route(options, request.path);
  const principal = principalOf(options.getState(), request.authorization, options.now());
  if (typeof principal === 'string') throw new RestError(401, [principal]);
  const call = new RestCall(options, target, principal, queryOf(request.search));
  const { method } = request;
  const { id, batch } = target;
  if (batch) {
    if (method === 'POST') return call.create(await jsonBody(request), true);
  } else if (id === undefined) {
    if (method === 'GET') return call.findMany();
    if (method === 'POST') return call.create(await jsonBody(request), false);
  } else {
    if (method === 'GET') return call.findOne(id);
    if (method === 'PATCH' || method === 'PUT') return call.update(id, await jsonBody(request));
    if (method === 'DELETE') return call.remove(id);
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
