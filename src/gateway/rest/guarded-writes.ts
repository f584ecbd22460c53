/**
 * REST `PATCH` / `DELETE /rest/<plural>/<id>` with the decision inside the write. Forwarding
 * the REST call after the gateway's read would leave a gap: another request could move the
 * record out of the member's scope (win the deal, hand it to another rep) in between. So, once
 * the checks pass, the gateway writes with the same guarded many-mutation as over GraphQL
 * (src/gateway/core/guarded-writes.ts): `updateOpportunities(filter: { and: [{ id: { in:
 * [id] } }, <scope>, <every decision field as read>] }, data)` with the caller's own token. A
 * record changed since the read matches nothing and is not written; the member is answered
 * exactly as for a missing id.
 *
 * The answer takes the shape Twenty's REST gives for the call (twentyhq/twenty
 * `packages/twenty-server/src/engine/api/rest/core/handlers/`): `rest-api-update-one.handler.ts`
 * answers 200 `{ data: { update<Singular>: record } }`; `rest-api-delete-one.handler.ts`
 * (`?soft_delete=true`) and `rest-api-destroy-one.handler.ts` (otherwise, as
 * `services/rest-api-core.service.ts` `delete` picks with `parseSoftDeleteRestRequest`) both
 * answer 200 `{ data: { delete<Singular>: record } }`. The record holds what the REST layer
 * selects (record-selection.ts); handle.ts projects it as any REST answer.
 */
import { objectTypeNames, resolverName } from '../../host/core-schema/names.js';
import { Denial } from '../core/denial.js';
import { guardBase, MANY, notFoundOrOutOfScope } from '../core/guarded-writes.js';
import type { HostAnswer } from '../core/host-answer.js';
import type { Caller } from '../core/caller.js';
import { type Json, isJsonObject } from '../core/json.js';
import { runWriteChecks, type HostRead } from '../core/write-checks.js';
import type { GatewayModel, GatewayObject } from '../core/model.js';
import { restRecordOf, restRecordSelection, type RestRecordSelection } from './record-selection.js';
import { restErrorAnswer } from './refusals.js';

export type RestWriteMethod = 'updateOne' | 'deleteOne' | 'destroyOne';

export interface RestWrite {
  readonly object: GatewayObject;
  readonly method: RestWriteMethod;
  readonly id: string;
  readonly data?: Json;
  /** `depth` of the REST call (PATCH takes 0 or 1; DELETE answers at depth 0). */
  readonly depth: 0 | 1;
}

export interface RestWriteDeps {
  readonly caller: Caller;
  readonly model: GatewayModel;
  readonly read: HostRead;
}

/**
 * The `depth` of a REST call, or the words Twenty answers a bad one with (400; twentyhq/twenty
 * `packages/twenty-server/src/engine/api/rest/input-request-parsers/depth-parser-utils/`
 * `parse-depth-rest-request.util.ts`, as src/sandbox/rest/rest-params.ts `parseDepth`).
 */
export function restDepth(params: URLSearchParams): 0 | 1 | string {
  const text = params.get('depth');
  if (text === null || text === '') return 0;
  if (text === '0' || text === '1') return Number(text) as 0 | 1;
  return `'depth=${text}' parameter invalid. Allowed values are 0, 1`;
}

/** The guarded many-mutation for the write, selecting `selection`. */
function mutationOf(
  write: RestWrite,
  selection: RestRecordSelection,
): { query: string; field: string } {
  const { object, method } = write;
  const names = objectTypeNames(object.name);
  const field = resolverName(object.metadata, MANY[method]);
  const data = method === 'updateOne' ? `, $data: ${names.update}!` : '';
  const dataArg = method === 'updateOne' ? ', data: $data' : '';
  const query = `mutation TiergateRestWrite($filter: ${names.filter}!${data}) { ${field}(filter: $filter${dataArg}) { ${selection.text} } }`;
  return { query, field };
}

/**
 * Judges the write on the record as the host has it, then performs it guarded; answers in the
 * REST shape of the call, or throws the refusal a missing id gets when nothing matched.
 */
export async function guardedRestWrite(write: RestWrite, deps: RestWriteDeps): Promise<HostAnswer> {
  const { object, method, id } = write;
  const base = guardBase(object, method, id, deps.caller);
  const guards = await runWriteChecks(
    [
      {
        kind: 'one',
        object,
        method,
        id,
        ...(write.data ? { data: write.data } : {}),
        guard: { variable: 'filter', base },
      },
    ],
    deps.caller,
    deps.model,
    deps.read,
  );
  const selection = restRecordSelection(deps.caller, deps.model, object, write.depth);
  const { query, field } = mutationOf(write, selection);
  const answer = await deps.read(query, {
    filter: guards.filter,
    ...(method === 'updateOne' ? { data: write.data ?? {} } : {}),
  });
  if (answer.errors && answer.errors.length > 0) return restErrorAnswer(400, answer.errors);
  const written = isJsonObject(answer.data) ? answer.data[field] : undefined;
  if (!Array.isArray(written))
    throw new Denial('GATEWAY_ERROR', `The host answered ${field} without a list of records`);
  // Nothing matched: the record changed (or went) since the gateway read it.
  if (written.length === 0) throw notFoundOrOutOfScope(object.name, id);
  const key = resolverName(object.metadata, method === 'updateOne' ? 'updateOne' : 'deleteOne');
  return { status: 200, body: { data: { [key]: restRecordOf(written[0], selection) } } };
}
