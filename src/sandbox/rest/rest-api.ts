/**
 * The sandbox's core REST API under `/rest/`, as Twenty serves it (twentyhq/twenty
 * `packages/twenty-server/src/engine/api/rest/core/controllers/rest-api-core.controller.ts` and
 * `core/handlers/rest-api-*.handler.ts`). Each request runs as one query or mutation of the
 * sandbox's own core GraphQL API, for the principal behind the bearer token, so permissions,
 * row-level predicates and webhooks behave as over GraphQL. The routes, their answers and the
 * sources each was checked against: docs/host-fidelity.md, sections 2.5 and 11.4.
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
