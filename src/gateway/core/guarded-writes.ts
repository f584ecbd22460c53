/**
 * One-record writes with the decision inside the write. The gateway reads a record and judges
 * it before forwarding `updateCompany(id, data)`; another request could change the record in
 * between (move it out of the member's scope, flip a field a `when` rule reads). So the write
 * the host gets is the filtered many-mutation on that id, `updateCompanies(filter: { and: [
 * { id: { in: [id] } }, <scope>, <every decision field as it was read> ] }, data)`, answered
 * in the shape of the original: one record, or the refusal a missing record gets.
 *
 * Twenty applies a filtered many-mutation as one SQL statement whose WHERE is the filter
 * (twentyhq/twenty `packages/twenty-server/src/engine/api/common/common-query-runners/`
 * `common-update-many-query-runner.service.ts`: `applyFilterToBuilder(queryBuilder, …,
 * args.filter)` then `queryBuilder.update().set(args.data).returning(…).execute()`; the delete,
 * destroy and restore runners do the same with `softDelete()`, `delete()`, `restore()`). A
 * record that changed after the gateway's read no longer matches, and nothing is written.
 *
 * Decision fields the filter cannot compare for equality (lists, JSON) are left to the scope
 * alone: a `when` rule on such a field is still judged on the record as read.
 */
import { Kind, type FieldNode, type ValueNode } from 'graphql';
import { objectTypeNames, resolverName } from '../../host/core-schema/names.js';
import type { Action } from '../../policy/schema.js';
import type { GatewayObject } from './model.js';
import { isJsonObject, type Json } from './json.js';
import { nameNode } from './ast.js';
import { Denial } from './denial.js';
import type { Caller } from './caller.js';

export type OneMethod = 'updateOne' | 'deleteOne' | 'destroyOne' | 'restoreOne';

export const MANY = {
  updateOne: 'updateMany',
  deleteOne: 'deleteMany',
  destroyOne: 'destroyMany',
  restoreOne: 'restoreMany',
} as const;

const ACTION: Readonly<Record<OneMethod, Action>> = {
  updateOne: 'update',
  deleteOne: 'delete',
  destroyOne: 'destroy',
  restoreOne: 'delete',
};

/** Destroy and restore reach soft-deleted records too (as the one-record mutations do). */
const ANY_DELETION = { or: [{ deletedAt: { is: 'NULL' } }, { deletedAt: { is: 'NOT_NULL' } }] };

/** The guard a one-record write carries: its filter variable and the static part of it. */
export interface WriteGuard {
  readonly variable: string;
  readonly base: readonly Json[];
}

/** A response key answered as one record though the host answers a list. */
export interface SingleAnswer {
  readonly object: string;
  readonly id: string;
}

/** The static part of a one-record write's guard: its id, the member's scope for the action. */
export function guardBase(
  object: GatewayObject,
  method: OneMethod,
  id: string,
  caller: Caller,
): Json[] {
  const decision = caller.judge.decide(ACTION[method], object.name);
  const base: Json[] = [{ id: { in: [id] } }];
  if (Object.keys(decision.filter).length > 0) base.push(decision.filter);
  if (method === 'destroyOne' || method === 'restoreOne') base.push(ANY_DELETION);
  return base;
}

/**
 * The one-record mutation `node` as the filtered many-mutation on its id, under the client's
 * response key; `newVariable` adds the filter variable (its value is set once the record is read).
 */
export function guardedField(
  node: FieldNode,
  object: GatewayObject,
  method: OneMethod,
  id: string,
  caller: Caller,
  newVariable: (type: string, value: unknown) => ValueNode,
): { node: FieldNode; guard: WriteGuard } {
  const base = guardBase(object, method, id, caller);
  const variable = newVariable(`${objectTypeNames(object.name).filter}!`, { and: base });
  if (variable.kind !== Kind.VARIABLE) throw new Error('the guard filter must be a variable');
  const args = (node.arguments ?? []).filter((a) => a.name.value === 'data');
  args.push({ kind: Kind.ARGUMENT, name: nameNode('filter'), value: variable });
  return {
    node: {
      ...node,
      alias: nameNode(node.alias?.value ?? node.name.value),
      name: nameNode(resolverName(object.metadata, MANY[method])),
      arguments: args,
    },
    guard: { variable: variable.name.value, base },
  };
}

/** `value` compared for equality in a filter, or undefined when the filter cannot. */
function equalTo(value: unknown): Json | undefined {
  if (value === null || value === undefined) return { is: 'NULL' };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return { eq: value };
  return undefined;
}

/**
 * The guard's filter for the record as read: every decision field (and composite sub-field)
 * equal to what was judged, so a record changed since matches nothing.
 */
export function guardFilter(guard: WriteGuard, read: Json): Json {
  const parts: Json[] = [...guard.base];
  for (const [field, value] of Object.entries(read)) {
    if (field === 'id' || field === '__typename') continue;
    if (isJsonObject(value)) {
      for (const [sub, inner] of Object.entries(value)) {
        const test = sub === '__typename' ? undefined : equalTo(inner);
        if (test) parts.push({ [field]: { [sub]: test } });
      }
      continue;
    }
    const test = equalTo(value);
    if (test) parts.push({ [field]: test });
  }
  return { and: parts };
}

/** The refusal a one-record write gets when its record is missing or out of reach. */
export function notFoundOrOutOfScope(object: string, id: string): Denial {
  return new Denial(
    'FORBIDDEN',
    `Permission denied: ${object} ${id} was not found or is outside this member's scope`,
    { object, id },
  );
}

/**
 * The projected answer with each guarded key back in the shape the client asked for: the
 * record the host wrote, or null and the not-found refusal when the write matched nothing
 * (the record changed between the gateway's read and the write).
 */
export function answerAsOne(
  data: unknown,
  singles: ReadonlyMap<string, SingleAnswer>,
): { data: unknown; errors: Record<string, unknown>[] } {
  const errors: Record<string, unknown>[] = [];
  if (!isJsonObject(data) || singles.size === 0) return { data, errors };
  const out: Record<string, unknown> = { ...data };
  for (const [key, single] of singles) {
    if (!Object.hasOwn(out, key)) continue;
    const value = out[key];
    // null is the host's own refusal (its error is in the answer already).
    if (!Array.isArray(value)) continue;
    out[key] = value[0] ?? null;
    if (value.length > 0) continue;
    const denial = notFoundOrOutOfScope(single.object, single.id);
    errors.push({
      message: denial.message,
      path: [key],
      extensions: { code: denial.code, ...denial.detail },
    });
  }
  return { data: out, errors };
}
