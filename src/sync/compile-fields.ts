/**
 * Field permissions of one host role on one readable object: Twenty's deny-list restricts every
 * field whose state at the tier is below `edit`; masks, `when` rules and what Twenty cannot
 * restrict are the gateway's. The full rules: docs/internals.md "Field permissions".
 */
import { describeCondition } from '../policy/describe.js';
import {
  codeOf,
  describeCode,
  EDIT,
  HIDDEN,
  maskOf,
  type FieldCode,
} from '../policy/field-state.js';
import { fieldStepAt } from '../policy/field-rules.js';
import { memberRefsOf } from '../policy/member-refs.js';
import type { Action, FieldRule, ObjectRules } from '../policy/schema.js';
import { joinColumnOf } from '../host/core-schema/object-metadata.js';
import type { DiscoveredField, DiscoveredObject } from '../host/data-model.js';
import type { HostFieldPermission } from './host-state.js';
import {
  isGranted,
  type CompileContext,
  type HeldRole,
  type ObjectGrants,
} from './compile-grants.js';
import { compareText } from '../twenty-app/compare-text.js';
import { HELPER_FIELD } from '../twenty-app/names.js';

/** A field by its name, or a MANY_TO_ONE relation field by its join column (`companyId`). */
export function resolveField(object: DiscoveredObject, name: string): DiscoveredField | undefined {
  return (
    object.fields.find((f) => f.name === name) ??
    object.fields.find((f) => joinColumnOf(f) === name)
  );
}

interface FieldAt {
  readonly code: FieldCode;
  /** The policy path of the value (`….fields.amount.junior`, `….fields.default`). */
  readonly path: string;
}

type FieldRules = Readonly<Record<string, FieldRule>>;

function listed(fields: FieldRules, key: string | undefined): key is string {
  return key !== undefined && key !== 'default' && Object.hasOwn(fields, key);
}

function codeOfKey(
  ctx: CompileContext,
  held: HeldRole,
  fields: FieldRules,
  key: string,
  base: string,
  action: Action = 'read',
): FieldAt {
  const rule = Object.hasOwn(fields, key) ? fields[key] : undefined;
  const step = fieldStepAt(rule, action, held.tierIndex, ctx.order);
  const path = `${base}.fields.${key}`;
  return step ? { code: codeOf(step.value), path: `${path}.${step.key}` } : { code: HIDDEN, path };
}

/** The state of a data-model field at the tier for an action, before `when` rules. */
function fieldAt(
  ctx: CompileContext,
  held: HeldRole,
  rules: ObjectRules | undefined,
  field: DiscoveredField,
  base: string,
  action: Action = 'read',
): FieldAt {
  const fields = rules?.fields ?? {};
  const key = [field.name, joinColumnOf(field)].find((k) => listed(fields, k));
  return codeOfKey(ctx, held, fields, key ?? 'default', base, action);
}

/** The two actions Twenty's `canUpdateFieldValue` covers alike. */
const WRITES = ['create', 'update'] as const;

function isHeld(grants: ObjectGrants, action: (typeof WRITES)[number]): boolean {
  return action === 'create' ? grants.create : isGranted(grants.update);
}

/**
 * What Twenty gets for a field: canRead from the read state, canUpdate when create OR update
 * makes it `edit` (a superset). Where the two differ on an action the role holds, the gateway
 * refuses the narrower one (a duty).
 */
interface NativeField {
  readonly read: FieldAt;
  readonly writable: boolean;
  /** The state Twenty holds, against which `when` caps are measured. */
  readonly code: FieldCode;
}

function nativeField(
  ctx: CompileContext,
  held: HeldRole,
  grants: ObjectGrants,
  field: DiscoveredField,
  object: string,
): NativeField {
  const read = fieldAt(ctx, held, grants.rules, field, grants.base, 'read');
  const writes = WRITES.map((action) => ({
    action,
    at: fieldAt(ctx, held, grants.rules, field, grants.base, action),
    held: isHeld(grants, action),
  }));
  const writable = writes.some((w) => w.at.code >= EDIT);
  const editOn = writes.filter((w) => w.at.code >= EDIT).map((w) => w.action);
  for (const w of writes) {
    if (!writable || !w.held || w.at.code >= EDIT) continue;
    ctx.duty(
      w.at.path,
      `${held.key}: ${object}.${field.name} is edit on ${editOn.join(' and ')} but ${describeCode(w.at.code)} on ${w.action}; Twenty's canUpdateFieldValue covers creating and updating alike, so the field stays writable natively and the gateway refuses writing it on ${w.action}`,
    );
  }
  otherActionDuties(ctx, held, grants, field, object, read);
  return { read, writable, code: writable ? EDIT : read.code };
}

/**
 * Field states for actions Twenty's field permissions do not know (export, delete, destroy) that
 * narrow the read state: the gateway's.
 */
function otherActionDuties(
  ctx: CompileContext,
  held: HeldRole,
  grants: ObjectGrants,
  field: DiscoveredField,
  object: string,
  read: FieldAt,
): void {
  const others = [
    ['export', grants.export],
    ['delete', isGranted(grants.delete)],
    ['destroy', isGranted(grants.destroy)],
  ] as const;
  for (const [action, granted] of others) {
    if (!granted) continue;
    const at = fieldAt(ctx, held, grants.rules, field, grants.base, action);
    if (at.code >= read.code) continue;
    ctx.duty(
      at.path,
      `${held.key}: ${object}.${field.name} is ${describeCode(at.code)} on ${action} but ${describeCode(read.code)} on read; Twenty's field permissions know only reading and writing, so the gateway applies the ${action} state`,
    );
  }
}

function labelIdentifier(object: DiscoveredObject): DiscoveredField | undefined {
  return (
    object.fields.find((f) => f.name === 'name') ?? object.fields.find((f) => f.name === 'title')
  );
}

function isInverse(field: DiscoveredField): boolean {
  return field.type === 'RELATION' && field.relation?.type === 'ONE_TO_MANY';
}

/**
 * UNVERIFIED: a field hidden on read but editable on create or update becomes canRead false,
 * canUpdate true; whether Twenty lets such a role write the field is not checked.
 */
function restrictionOf(
  object: DiscoveredObject,
  field: DiscoveredField,
  native: NativeField,
): HostFieldPermission | undefined {
  const canRead = native.read.code > HIDDEN;
  if (canRead && native.writable) return undefined;
  return {
    objectMetadataId: object.id,
    fieldMetadataId: field.id,
    canReadFieldValue: canRead,
    canUpdateFieldValue: native.writable,
  };
}

/** The host role's field restrictions on `object`, with the duties of what they cannot say. */
export function fieldPermissions(
  ctx: CompileContext,
  held: HeldRole,
  object: DiscoveredObject,
  grants: ObjectGrants,
): HostFieldPermission[] {
  const { base } = grants;
  const permissions: HostFieldPermission[] = [];
  const unrestricted: string[] = [];
  const label = labelIdentifier(object);
  for (const field of object.fields) {
    if (field.name === 'id') continue;
    if (field.name === HELPER_FIELD) {
      const readOnly = { canReadFieldValue: true, canUpdateFieldValue: false };
      permissions.push({ objectMetadataId: object.id, fieldMetadataId: field.id, ...readOnly });
      continue;
    }
    const native = nativeField(ctx, held, grants, field, object.nameSingular);
    const { code, path } = native.read;
    const mask = maskOf(code);
    if (mask !== undefined) {
      ctx.duty(
        path,
        `${held.key}: ${object.nameSingular}.${field.name} is masked (${mask}); Twenty cannot mask, so it stays readable (not writable) natively and the gateway masks it`,
      );
    }
    if (field.isSystem === true || isInverse(field)) {
      if (code === HIDDEN) unrestricted.push(field.name);
      continue;
    }
    if (code === HIDDEN && field === label) {
      ctx.duty(
        path,
        `${held.key}: ${object.nameSingular}.${field.name} is hidden, but Twenty ignores read restrictions on an object's label identifier, so the gateway removes it`,
      );
    }
    const permission = restrictionOf(object, field, native);
    if (permission) permissions.push(permission);
  }
  if (unrestricted.length > 0) {
    ctx.duty(
      `${base}.fields`,
      `${held.key}: ${object.nameSingular} fields ${unrestricted.sort().join(', ')} are hidden; Tiergate restricts neither system fields nor the ONE_TO_MANY side of a relation natively, so the gateway removes them`,
    );
  }
  conditionalDuties(ctx, held, object, grants);
  return permissions.sort((a, b) =>
    compareText(nameOf(object, a.fieldMetadataId), nameOf(object, b.fieldMetadataId)),
  );
}

function nameOf(object: DiscoveredObject, fieldId: string): string {
  return object.fields.find((f) => f.id === fieldId)?.name ?? fieldId;
}

/** Sub-field rules that narrow their field and `when` rules that can lower a state: duties. */
function conditionalDuties(
  ctx: CompileContext,
  held: HeldRole,
  object: DiscoveredObject,
  grants: ObjectGrants,
): void {
  const { rules, base } = grants;
  const fields = rules?.fields ?? {};
  for (const key of Object.keys(fields).sort()) {
    if (key === 'default') continue;
    const [top = key, sub] = key.split('.');
    const field = resolveField(object, top);
    if (field === undefined) continue; // a problem, reported by checkNames
    const parent = fieldAt(ctx, held, rules, field, base).code;
    const writes = WRITES.map((a) => ({
      action: a,
      parent: fieldAt(ctx, held, rules, field, base, a),
    }));
    const writable = writes.some((w) => w.parent.code >= EDIT);
    let code = writable ? EDIT : parent;
    if (sub !== undefined) {
      const read = Math.min(parent, codeOfKey(ctx, held, fields, key, base).code) as FieldCode;
      // Written with its field: where the field is editable natively and the sub-field is not.
      const narrowed = writes
        .filter((w) => w.parent.code >= EDIT && isHeld(grants, w.action))
        .map((w) => ({ ...w, sub: codeOfKey(ctx, held, fields, key, base, w.action) }))
        .filter((w) => w.sub.code < EDIT);
      code = writable && narrowed.length === 0 ? EDIT : read;
      if (read < parent) {
        ctx.duty(
          `${base}.fields.${key}`,
          `${held.key}: ${object.nameSingular}.${key} is ${describeCode(read)} while ${top} is ${describeCode(parent)}; Twenty's field permissions cover whole fields, so the gateway narrows the sub-field`,
        );
      } else {
        for (const w of narrowed) {
          ctx.duty(
            w.sub.path,
            `${held.key}: ${object.nameSingular}.${key} is ${describeCode(w.sub.code)} on ${w.action} while ${top} is edit; Twenty's field permissions cover whole fields, so the gateway refuses writing the sub-field`,
          );
        }
      }
    }
    whenDuties(ctx, held, object.nameSingular, fields[key], key, code, base);
  }
}

function whenDuties(
  ctx: CompileContext,
  held: HeldRole,
  object: string,
  rule: FieldRule | undefined,
  key: string,
  code: FieldCode,
  base: string,
): void {
  rule?.when?.forEach((when, i) => {
    const below =
      when.below === undefined ? Infinity : (ctx.order.index.get(when.below) ?? Infinity);
    const cap = codeOf(when.state);
    if (held.tierIndex >= below || cap >= code) return;
    const refs = [...memberRefsOf(when.if)].sort();
    const on = refs.length === 0 ? 'the record' : `the record or the member (${refs.join(', ')})`;
    ctx.duty(
      `${base}.fields.${key}.when[${i}]`,
      `${held.key}: ${object}.${key} is ${describeCode(cap)} on records where ${describeCondition(when.if)}; Twenty's field permissions do not depend on ${on} (it gets ${describeCode(code)}), so the gateway applies the rule`,
    );
  });
}

/** The field names the policy uses on `object`, each checked against the data model. */
export function checkFieldNames(ctx: CompileContext, object: DiscoveredObject): void {
  const name = object.nameSingular;
  const check = (path: string, key: string) => {
    const top = key.split('.')[0] ?? key;
    if (resolveField(object, top) === undefined) {
      ctx.problem(path, `${name} has no field ${top} in the host's data model`);
    }
  };
  const settings = Object.hasOwn(ctx.policy.objects, name) ? ctx.policy.objects[name] : undefined;
  settings?.owner.forEach((key, i) => check(`objects.${name}.owner[${i}]`, key));
  settings?.fields?.forEach((key, i) => check(`objects.${name}.fields[${i}]`, key));
  for (const [role, spec] of Object.entries(ctx.policy.roles)) {
    const rules = Object.hasOwn(spec.objects, name) ? spec.objects[name] : undefined;
    for (const key of Object.keys(rules?.fields ?? {})) {
      if (key !== 'default') check(`roles.${role}.objects.${name}.fields.${key}`, key);
    }
  }
}
