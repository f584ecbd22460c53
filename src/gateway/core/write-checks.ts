/**
 * Writes decided against the record as the host has it: the gateway reads each record first,
 * with the caller's own token (so Twenty's native checks apply to the read too), and judges
 * it before the mutation is forwarded.
 *
 * - update one: the record must be in the member's update scope before and after the change,
 *   and every field set must be editable on it (its `when` rules applied), before and after.
 * - delete / destroy one: in the delete / destroy scope. Restore one: in the delete scope.
 * - merge: every record in the update and the delete scope; and, decided before (from the policy
 *   alone, merge-reach.ts), whole rights over what the merge writes beyond the records named.
 * - upsert: an item naming an existing record passes the update checks; an item without an id
 *   could match any record by a unique field, so it needs an unconditional update scope.
 *
 * A record the read does not return is refused with the same words whether it does not exist
 * or is out of scope, so the answer reveals nothing about records the member cannot see.
 */
import { isObjectType, print } from 'graphql';
import { objectTypeNames, resolverName } from '../../host/core-schema/names.js';
import type { Action } from '../../policy/schema.js';
import type { GatewayModel, GatewayObject } from './model.js';
import { Denial } from './denial.js';
import { notEditable } from './field-states.js';
import { guardFilter, type WriteGuard } from './guarded-writes.js';
import { NEXT_STEP } from './refusal-words.js';
import { decisionSelections } from './ast.js';
import { refuseSystemWrites } from './policy-checks.js';
import type { Caller } from './caller.js';
import { isJsonObject } from './json.js';

type Json = Readonly<Record<string, unknown>>;

/** A write decided against the record as the host has it, before the mutation is forwarded. */
export type WriteCheck =
  | {
      readonly kind: 'one';
      readonly object: GatewayObject;
      readonly method: 'updateOne' | 'deleteOne' | 'destroyOne' | 'restoreOne';
      readonly id: string;
      readonly data?: Readonly<Record<string, unknown>>;
      /** The filter variable that makes the write's decision part of the write itself. */
      readonly guard?: WriteGuard;
    }
  | {
      /** upsert: items naming an existing record must pass the update checks. */
      readonly kind: 'upsert';
      readonly object: GatewayObject;
      readonly items: readonly Readonly<Record<string, unknown>>[];
    }
  | { readonly kind: 'merge'; readonly object: GatewayObject; readonly ids: readonly string[] }
  /** Records a read names by id (duplicates of them): each must be readable. */
  | { readonly kind: 'read'; readonly object: GatewayObject; readonly ids: readonly string[] };

/** A GraphQL request to the host with the caller's own token. */
export type HostRead = (
  query: string,
  variables: Readonly<Record<string, unknown>>,
) => Promise<{ readonly data?: unknown; readonly errors?: readonly unknown[] }>;

const ANY_DELETION = { or: [{ deletedAt: { is: 'NULL' } }, { deletedAt: { is: 'NOT_NULL' } }] };

/** Reads records by id with the fields the decisions need; soft-deleted ones included. */
async function readRecords(
  object: GatewayObject,
  ids: readonly string[],
  caller: Caller,
  model: GatewayModel,
  read: HostRead,
): Promise<Map<string, Json>> {
  const names = objectTypeNames(object.name);
  const type = model.schema.getType(names.plain);
  if (!isObjectType(type)) throw new Denial('GATEWAY_ERROR', `No type ${names.plain} on the host`);
  const selection = decisionSelections(caller.policy, object, type)
    .map((node) => print(node))
    .join(' ');
  const field = resolverName(object.metadata, 'findMany');
  const query = `query TiergateWriteCheck($filter: ${names.filter}, $first: Int) { ${field}(filter: $filter, first: $first) { edges { node { id ${selection} } } } }`;
  const answer = await read(query, {
    filter: { and: [{ id: { in: [...ids] } }, ANY_DELETION] },
    first: ids.length,
  });
  if (answer.errors && answer.errors.length > 0) {
    const first = answer.errors[0];
    const message =
      isJsonObject(first) && typeof first.message === 'string' ? first.message : 'error';
    throw new Denial(
      'FORBIDDEN',
      `Permission denied: the host refused to read ${object.name} records for this member (${message})`,
    );
  }
  const connection = isJsonObject(answer.data) ? answer.data[field] : undefined;
  const edges = isJsonObject(connection) && Array.isArray(connection.edges) ? connection.edges : [];
  const found = new Map<string, Json>();
  for (const edge of edges) {
    const node = isJsonObject(edge) ? edge.node : undefined;
    if (isJsonObject(node) && typeof node.id === 'string') found.set(node.id, node);
  }
  return found;
}

function notFound(object: GatewayObject, id: string): Denial {
  return new Denial(
    'FORBIDDEN',
    `Permission denied: ${object.name} ${id} was not found or is outside this member's scope`,
    { object: object.name, id },
  );
}

function requireAction(
  caller: Caller,
  object: GatewayObject,
  action: Action,
  record: Json,
  id: string,
  when = '',
): void {
  const decision = caller.judge.decide(action, object.name, record);
  if (decision.effect === 'deny')
    throw new Denial(
      'FORBIDDEN',
      `Permission denied: this member may not ${action} ${object.name} ${id}${when}; ${NEXT_STEP}`,
      { object: object.name, action, id },
      decision.reasons.join('; '),
    );
}

function requireEditable(
  caller: Caller,
  object: GatewayObject,
  record: Json,
  data: Json,
  id: string,
): void {
  refuseSystemWrites(object, data, 'update', ` on ${id}`);
  const refused = notEditable(caller, object, 'update', data, record);
  if (refused.length > 0)
    throw new Denial(
      'FORBIDDEN',
      `Permission denied: this member may not set ${refused.map((f) => `${object.name}.${f}`).join(', ')} on ${id}`,
      { object: object.name, fields: refused, id },
    );
}

/** The record after `data` is applied, as far as the decisions can tell. */
function merged(before: Json, data: Json): Json {
  const after: Record<string, unknown> = { ...before };
  for (const [key, value] of Object.entries(data)) {
    const previous = after[key];
    after[key] = isJsonObject(previous) && isJsonObject(value) ? { ...previous, ...value } : value;
  }
  return after;
}

function checkUpdate(caller: Caller, object: GatewayObject, before: Json, data: Json, id: string) {
  requireAction(caller, object, 'update', before, id);
  requireEditable(caller, object, before, data, id);
  const after = merged(before, data);
  requireAction(caller, object, 'update', after, id, ' after this change');
  requireEditable(caller, object, after, data, id);
}

const ACTION_OF = {
  deleteOne: 'delete',
  destroyOne: 'destroy',
  restoreOne: 'delete',
} as const;

/**
 * The record the member may at least read, or the refusal that does not tell a record out of
 * reach from one that does not exist.
 */
function visible(
  caller: Caller,
  object: GatewayObject,
  records: ReadonlyMap<string, Json>,
  id: string,
): Json {
  const record = records.get(id);
  if (!record) throw notFound(object, id);
  const read = caller.judge.decide('read', object.name, record);
  if (read.effect === 'deny') throw notFound(object, id);
  return record;
}

/**
 * Runs the checks; throws a Denial at the first refusal. Returns the values of the guard
 * variables: the filters that make each one-record write match only the record as judged.
 */
export async function runWriteChecks(
  checks: readonly WriteCheck[],
  caller: Caller,
  model: GatewayModel,
  read: HostRead,
): Promise<Record<string, unknown>> {
  const guards: Record<string, unknown> = {};
  for (const check of checks) {
    switch (check.kind) {
      case 'one': {
        const records = await readRecords(check.object, [check.id], caller, model, read);
        const before = visible(caller, check.object, records, check.id);
        if (check.method === 'updateOne')
          checkUpdate(caller, check.object, before, check.data ?? {}, check.id);
        else requireAction(caller, check.object, ACTION_OF[check.method], before, check.id);
        if (check.guard) guards[check.guard.variable] = guardFilter(check.guard, before);
        break;
      }
      case 'read': {
        const records = await readRecords(check.object, check.ids, caller, model, read);
        for (const id of check.ids) visible(caller, check.object, records, id);
        break;
      }
      case 'merge': {
        const records = await readRecords(check.object, check.ids, caller, model, read);
        for (const id of check.ids) {
          const record = visible(caller, check.object, records, id);
          requireAction(caller, check.object, 'update', record, id);
          requireAction(caller, check.object, 'delete', record, id);
        }
        break;
      }
      case 'upsert': {
        // Twenty matches an upsert on the id and on every unique field (a domain, an email), so
        // any item may update a record it does not name: only an unconditional update scope
        // allows that. Items naming a record by id still pass the update checks on it.
        const update = caller.judge.decide('update', check.object.name);
        if (update.effect !== 'allow' || Object.keys(update.filter).length > 0)
          throw new Denial(
            'FORBIDDEN',
            `Permission denied: an upsert of ${check.object.name} may match and update any record by a unique field; this member may update only some, so create without upsert`,
            { object: check.object.name },
          );
        const ids = check.items
          .map((item) => item.id)
          .filter((id): id is string => typeof id === 'string');
        const records =
          ids.length > 0
            ? await readRecords(check.object, ids, caller, model, read)
            : new Map<string, Json>();
        for (const item of check.items) {
          const id = typeof item.id === 'string' ? item.id : undefined;
          if (id === undefined || !records.has(id)) continue;
          const before = visible(caller, check.object, records, id);
          const { id: _id, ...data } = item;
          checkUpdate(caller, check.object, before, data, id);
        }
        break;
      }
    }
  }
  return guards;
}
