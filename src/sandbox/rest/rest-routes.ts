/**
 * Which of Twenty's REST handlers a request reaches, and the object and record id its path
 * names (`rest-api-core.controller.ts` route order, `parse-core-path.utils.ts`).
 */
import { activeObjects } from '../core/object-model.js';
import type { SandboxServerOptions } from '../server.js';
import type { SandboxObject } from '../workspace.js';
import { RestError } from './rest-errors.js';

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

export interface Route {
  readonly handler: RestHandler;
  readonly object: SandboxObject;
  readonly objects: readonly SandboxObject[];
  readonly id: string | undefined;
}

export function route(options: SandboxServerOptions, method: string, path: string): Route {
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
  // Answered before the token is checked, a known deviation: Twenty checks the token first
  // and answers an unknown object with 400.
  if (!object) {
    const singular = objects.find((candidate) => candidate.nameSingular === plural);
    const hint = singular ? `Did you mean '${singular.namePlural}'?` : 'eg: companies';
    throw RestError.notFound(`object '${plural}' not found. ${hint}`);
  }
  return { handler, object, objects, id };
}
