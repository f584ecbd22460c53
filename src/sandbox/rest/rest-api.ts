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
 * and `parseCorePath` (rest-routes.ts): an id must be a UUID of versions
 * 1 to 5, and `DELETE /rest/people/duplicates` is a delete of many, as on Twenty.
 * Errors: `{ statusCode, error, messages }` (rest-errors.ts); a bad filter, limit, depth,
 * order_by or path is 400, a missing or invalid token 401, a permission refusal 400 named
 * `Error` (rest-errors.ts `permissionRefusal`, as 2.43's REST exception filter answers it).
 *
 * Deviation: an unknown object is answered 404 "object 'x' not found. …" before the token is
 * checked (src/sandbox/server.test.ts expects 404 for an unknown `/rest/` path without a
 * token); Twenty checks the token first and answers an unknown object with 400.
 */
import { principalOf, type SandboxAnswer, type SandboxServerOptions } from '../server.js';
import { RestCall } from './rest-call.js';
import { RestError } from './rest-errors.js';
import { duplicates, groupBy, merge } from './rest-extras.js';
import { queryOf } from './rest-params.js';
import { route } from './rest-routes.js';

export interface RestRequest {
  readonly method: string;
  /** The path, `/rest/...`, without the query string. */
  readonly path: string;
  /** The query string, without `?`. */
  readonly search: string;
  readonly authorization: string | undefined;
  readonly readBody: () => Promise<string | undefined>;
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
      return duplicates(call, await jsonBody(request));
    case 'groupBy':
      return groupBy(call);
    case 'get':
      return id === undefined ? call.findMany() : call.findOne(id);
    case 'delete':
      return id === undefined ? call.removeMany() : call.remove(id);
    case 'restore':
      return call.restore(id);
    case 'merge':
      return merge(call, await jsonBody(request));
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
