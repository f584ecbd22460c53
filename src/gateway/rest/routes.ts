/**
 * Which REST call a request is, read as Twenty's controller and path parser read it, and
 * limited to the spellings the gateway enforces. Twenty (twentyhq/twenty `packages/twenty-server/
 * src/engine/api/rest/core/controllers/rest-api-core.controller.ts` and `input-request-parsers/
 * path-parser-utils/parse-core-path.utils.ts`) picks the handler by method and last segment
 * (`POST …/duplicates`, `GET …/groupBy`, `PATCH …/restore`, `PATCH …/merge`, then the plain
 * wildcard routes), and its path parser treats `batch/<plural>`, `<plural>/duplicates`,
 * `<plural>/groupBy` and `<plural>/merge` as naming no record whatever the method. So
 * `DELETE /rest/people/duplicates?filter=…` destroys many people, `GET /rest/people/merge` lists
 * them, and `POST /rest/people/<id>` creates one: the gateway does not follow those readings,
 * it refuses every spelling but the canonical one of each call.
 */
import type { GatewayModel, GatewayObject } from '../core/model.js';

export type RestRouteKind =
  | 'list'
  | 'one'
  | 'create'
  | 'createMany'
  | 'update'
  | 'delete'
  | 'updateMany'
  | 'deleteMany'
  | 'duplicates'
  | 'groupBy'
  | 'restoreOne'
  | 'restoreMany'
  | 'merge';

export interface RestRoute {
  readonly kind: RestRouteKind;
  readonly object: GatewayObject;
  /** The record the call names (one, update, delete, restoreOne). */
  readonly id?: string;
}

/**
 * `isValidUuid` of twenty-shared (`packages/twenty-shared/src/utils/validation/isValidUuid.ts`),
 * which `parseCorePath` applies to a record id: versions 1 to 5.
 */
const VALID_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isRestRecordId(text: string): boolean {
  return VALID_UUID.test(text);
}

/** Words that name a route after `<plural>/`, never a record. */
const ROUTE_WORDS = new Set(['duplicates', 'groupBy', 'merge', 'restore', 'batch']);

function kindOf(method: string, segments: readonly string[]): RestRouteKind | undefined {
  const [first, second, third] = segments;
  if (first === undefined) return undefined;
  if (first === 'batch')
    return segments.length === 2 && method === 'POST' ? 'createMany' : undefined;
  if (segments.length === 1) {
    if (method === 'GET') return 'list';
    if (method === 'POST') return 'create';
    if (method === 'PATCH' || method === 'PUT') return 'updateMany';
    if (method === 'DELETE') return 'deleteMany';
    return undefined;
  }
  if (second === undefined) return undefined;
  if (segments.length === 2) {
    if (second === 'duplicates') return method === 'POST' ? 'duplicates' : undefined;
    if (second === 'groupBy') return method === 'GET' ? 'groupBy' : undefined;
    if (second === 'merge') return method === 'PATCH' ? 'merge' : undefined;
    if (second === 'restore') return method === 'PATCH' ? 'restoreMany' : undefined;
    if (ROUTE_WORDS.has(second)) return undefined;
    if (method === 'GET') return 'one';
    if (method === 'PATCH' || method === 'PUT') return 'update';
    if (method === 'DELETE') return 'delete';
    return undefined;
  }
  if (segments.length === 3 && third === 'restore' && method === 'PATCH') return 'restoreOne';
  return undefined;
}

/**
 * The call a request is, or undefined when the gateway does not enforce that spelling (the
 * caller refuses it). A record id that is not a UUID is reported as `badId`: Twenty refuses it
 * with 400 and its words, and so does the gateway.
 */
export function restRouteOf(
  model: GatewayModel,
  method: string,
  path: string,
): RestRoute | { readonly badId: string } | undefined {
  const segments = path.replace(/^\/rest(?=\/|$)/, '').split('/');
  // A trailing or doubled slash reads differently across proxies and Twenty's own filter(Boolean).
  if (segments[0] !== '' || segments.slice(1).some((segment) => segment === '')) return undefined;
  const parts = segments.slice(1);
  const kind = kindOf(method.toUpperCase(), parts);
  if (kind === undefined) return undefined;
  const plural = kind === 'createMany' ? parts[1] : parts[0];
  const object = plural === undefined ? undefined : model.byPlural(plural);
  if (!object) return undefined;
  if (kind === 'one' || kind === 'update' || kind === 'delete' || kind === 'restoreOne') {
    const id = parts[1] ?? '';
    if (!isRestRecordId(id)) return { badId: id };
    return { kind, object, id };
  }
  return { kind, object };
}
