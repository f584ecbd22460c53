/**
 * What a merge writes beyond the records it names, judged from the policy alone. Twenty's merge
 * (twentyhq/twenty `packages/twenty-server/src/engine/api/common/common-query-runners/
 * common-merge-many-query-runner.service.ts`; src/sandbox/core/merge.ts reproduces it):
 *
 * - moves every record of any object whose many-to-one relation points at a losing record
 *   (an opportunity's `pointOfContactId`) to the surviving record, whoever's record it is;
 * - copies the losing records' values into the survivor, field by field, whichever record
 *   held them.
 *
 * Neither write is one the gateway can see or scope: the records re-pointed are chosen by the
 * host, and the values copied are whatever the losers held. So a merge is allowed only when no
 * scope or field rule could be crossed by it: an unconditional update scope on the merged object
 * and on every object pointing at it (with its pointing relation editable everywhere), and
 * every field of the merged object editable on every record. Anything less is refused, with the
 * same words whatever fell short, so the refusal tells nothing of how the policy is built.
 */
import type { Action } from '../../policy/schema.js';
import type { GatewayModel, GatewayObject } from '../core/model.js';
import { writtenPaths } from '../core/composite-paths.js';
import { Denial } from '../core/denial.js';
import { stateIn } from '../core/field-states.js';
import { NEXT_STEP } from '../core/refusal-words.js';
import type { Caller } from '../core/caller.js';

/**
 * Fields a merge does not copy (as src/sandbox/core/merge.ts has Twenty's runner): the record's
 * identity and bookkeeping, which every record holds, so the survivor keeps its own.
 */
const NOT_MERGED = new Set([
  'id',
  'createdAt',
  'updatedAt',
  'deletedAt',
  'position',
  'createdBy',
  'updatedBy',
]);

/** Why the member falls short, in the policy's terms, or undefined when the scope is whole. */
function partialUpdate(caller: Caller, object: string): string | undefined {
  const decision = caller.judge.decide('update', object);
  if (decision.effect === 'deny')
    return `update on ${object} denied (${decision.reasons.join('; ')})`;
  // A filter is a row condition (a scope, a `where`, a restriction's exception): the host would
  // write records outside it.
  if (Object.keys(decision.filter).length > 0) return `update on ${object} is scoped`;
  return undefined;
}

/** The paths among `fields` of `object` that are not editable on every record. */
function notEditableEverywhere(
  caller: Caller,
  object: GatewayObject,
  fields: readonly string[],
): string[] {
  const action: Action = 'update';
  const floor = caller.judge.fieldFloor(action, object.name);
  // Each composite counts whole: the merge copies every sub-field.
  const whole = Object.fromEntries(fields.map((field) => [field, null]));
  return writtenPaths(object, whole).filter(
    (path) => stateIn(caller, object, action, floor, path) !== 'edit',
  );
}

/** The fields of `object` a merge copies from the losing records into the survivor. */
function mergedFields(object: GatewayObject): string[] {
  return [...object.fields.values()]
    .filter((f) => f.isSystem !== true && f.type !== 'TS_VECTOR' && !NOT_MERGED.has(f.name))
    .map((f) => f.name);
}

/** Every many-to-one relation, on any object, that points at `object`. */
function pointingRelations(
  model: GatewayModel,
  object: GatewayObject,
): { readonly from: GatewayObject; readonly field: string }[] {
  const found: { from: GatewayObject; field: string }[] = [];
  for (const from of model.objects.values())
    for (const field of from.fields.values())
      if (field.relation?.type === 'MANY_TO_ONE' && field.relation.targetObject === object.name)
        found.push({ from, field: field.name });
  return found;
}

/**
 * The reasons a merge of `object` would write past this member's rights (empty when it would
 * not). An object left to Twenty (`gateway.nativeObjects`) is Twenty's to judge, as every other
 * write to it is; the governed records a merge of it re-points are still judged here.
 */
export function mergeShortfalls(
  caller: Caller,
  model: GatewayModel,
  object: GatewayObject,
): string[] {
  const native = new Set(caller.policy.gateway?.nativeObjects ?? []);
  const reasons: string[] = [];
  if (!native.has(object.name)) {
    const scope = partialUpdate(caller, object.name);
    if (scope !== undefined) reasons.push(scope);
    const fields = notEditableEverywhere(caller, object, mergedFields(object));
    if (fields.length > 0)
      reasons.push(`not editable on every ${object.name}: ${fields.join(', ')}`);
  }
  for (const { from, field } of pointingRelations(model, object)) {
    if (native.has(from.name)) continue;
    const scope = partialUpdate(caller, from.name);
    if (scope !== undefined) reasons.push(`${scope}, and ${from.name}.${field} points here`);
    else if (notEditableEverywhere(caller, from, [field]).length > 0)
      reasons.push(`${from.name}.${field} points here and is not editable on every record`);
  }
  return reasons;
}

/** Refuses a merge of `object` unless nothing it writes could pass this member's rights. */
export function requireWholeMerge(
  caller: Caller,
  model: GatewayModel,
  object: GatewayObject,
): void {
  const reasons = mergeShortfalls(caller, model, object);
  if (reasons.length > 0)
    throw new Denial(
      'FORBIDDEN',
      `Permission denied: this member may not merge ${object.name} records, since a merge also changes records and fields beyond those named; ${NEXT_STEP}`,
      { object: object.name, action: 'merge' },
      reasons.join('; '),
    );
}
