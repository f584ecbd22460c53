/**
 * The REST calls past plain records (twentyhq/twenty `packages/twenty-server/src/engine/api/
 * rest/core/handlers/`): `POST /rest/<plural>/duplicates`, `GET /rest/<plural>/groupBy`,
 * `PATCH /rest/<plural>/<id>/restore`, `PATCH /rest/<plural>/restore` (many), `PATCH
 * /rest/<plural>/merge`, and `PATCH` / `DELETE /rest/<plural>` without an id (many).
 *
 * Each is the REST face of one core GraphQL operation, and Twenty's REST handlers run the same
 * common query runners GraphQL does. So the gateway enforces each by writing that GraphQL
 * operation and sending it through its own GraphQL enforcement (src/gateway/graphql/handle.ts):
 * the same checks as over GraphQL (scope ANDed into every filter, group-by fields and
 * aggregates judged readable on every record, duplicates by ids only for records the member
 * reads and by data only on readable fields, merge and restore judged on every record they
 * touch, a many-update's fields editable on every record), the same guarded writes, the same
 * projection. The answer is then given the shape the REST handler gives:
 * - duplicates: 200 `{ data: [{ <singular>Duplicates: [...] }] }`. Twenty adds `totalCount` and
 *   `pageInfo`, counted over every record; the gateway leaves both out (as it refuses them over
 *   GraphQL), since they would tell of records outside the member's scope;
 * - groupBy: 200, a JSON array of `{ groupByDimensionValues, <aggregates>, records? }`;
 * - restore one: `{ data: { restore<Singular>: record } }`; restore many `restore<Plural>`;
 * - merge: `{ data: { merge<Singular>: record } }`;
 * - update many: `{ data: { update<Plural>: [...] } }`;
 * - delete many (soft or not): `{ data: { delete<Plural>: [{ id }] } }`, a filter mandatory.
 * Parameters the gateway does not check (`viewId`, group-by `order_by`) are refused.
 */
import { isJsonObject } from '../core/json.js';
import type { HostAnswer } from '../core/host-answer.js';
import { handleGraphql } from '../graphql/handle.js';
import { buildOperation, type OperationKind } from './operation-builders.js';
import { RestProjector } from './projector.js';
import { restErrorAnswer } from './refusals.js';
import type { RestDeps } from './request.js';
import type { RestRoute } from './routes.js';

/** The query parameters each of these calls takes through the gateway. */
export const OPERATION_PARAMETERS: Readonly<Record<OperationKind, readonly string[]>> = {
  duplicates: ['depth'],
  groupBy: [
    'group_by',
    'aggregate',
    'filter',
    'order_by_for_records',
    'include_records_sample',
    'limit',
    'depth',
  ],
  restoreOne: ['depth'],
  restoreMany: ['filter', 'depth'],
  merge: ['depth'],
  updateMany: ['filter', 'depth'],
  deleteMany: ['filter', 'soft_delete'],
};

/** One of these calls, enforced as its GraphQL operation and answered in its REST shape. */
export async function restOperation(
  route: RestRoute & { readonly kind: OperationKind },
  params: URLSearchParams,
  body: unknown,
  deps: RestDeps,
): Promise<HostAnswer> {
  const operation = buildOperation(route, params, body, deps);
  const answer = await handleGraphql(
    { query: operation.query, variables: operation.variables },
    {
      caller: deps.caller,
      forward: (request) => deps.host('POST', '/graphql', request),
    },
    {
      model: deps.model,
      limits: deps.limits,
      meter: deps.meter,
      now: deps.now,
      onDenied: deps.onDenied,
      onRows: deps.onRows,
    },
  );
  const result = isJsonObject(answer.body) ? answer.body : {};
  const data = isJsonObject(result.data) ? result.data : undefined;
  const errors = Array.isArray(result.errors) ? result.errors : [];
  const value = data?.[operation.field];
  if (errors.length > 0 || value === undefined || value === null)
    return restErrorAnswer(answer.status, errors);
  // Rows were counted by the GraphQL side; this projector only reshapes what it judged.
  const projector = new RestProjector(deps.caller, deps.model);
  return { status: 200, body: operation.answer(value, projector), headers: answer.headers };
}
