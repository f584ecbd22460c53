/**
 * The objects of the workspace as the core API sees them: only active objects and fields, field
 * lookup by name or by join column, and the record tables in the state.
 */
import { fieldKind, type FieldKind } from '../../host/core-schema/field-types.js';
import type { SandboxField, SandboxObject, SandboxRecord, WorkspaceState } from '../workspace.js';
import { coreError } from './errors.js';

/** Active objects with their active fields; relations to inactive objects are left out. */
export function activeObjects(state: WorkspaceState): SandboxObject[] {
  const active = state.objects.filter((object) => object.isActive);
  const names = new Set(active.map((object) => object.nameSingular));
  return active.map((object) => ({
    ...object,
    fields: object.fields.filter(
      (field) =>
        field.isActive &&
        field.type !== 'MORPH_RELATION' &&
        (field.relation === undefined || names.has(field.relation.targetObject)),
    ),
  }));
}

export function objectNamed(objects: readonly SandboxObject[], name: string): SandboxObject {
  const found = objects.find((object) => object.nameSingular === name);
  if (!found) throw coreError(`Object ${name} not found`);
  return found;
}

/** The records of one object, by id (created empty on first write). */
export function tableOf(
  state: WorkspaceState,
  object: SandboxObject,
): Record<string, SandboxRecord> {
  const existing = state.records[object.nameSingular];
  if (existing) return existing;
  const created: Record<string, SandboxRecord> = {};
  state.records[object.nameSingular] = created;
  return created;
}

export interface ResolvedField {
  readonly field: SandboxField;
  readonly kind: FieldKind;
}

/** The field behind a record key: a field name, or a MANY_TO_ONE join column (`companyId`). */
export function fieldOfKey(object: SandboxObject, key: string): ResolvedField | undefined {
  for (const field of object.fields) {
    const kind = fieldKind(object, field);
    if (kind.kind === 'oneToMany') continue;
    if (kind.kind === 'manyToOne' ? kind.joinColumn === key : field.name === key) {
      return { field, kind };
    }
  }
  return undefined;
}

/** The relation field behind a GraphQL field name (`company`, `people`), if it is one. */
export function relationField(object: SandboxObject, name: string): ResolvedField | undefined {
  const field = object.fields.find((candidate) => candidate.name === name);
  if (field?.type !== 'RELATION') return undefined;
  return { field, kind: fieldKind(object, field) };
}

/**
 * The metadata field name a GraphQL or record key belongs to: `companyId` and `company` both
 * name the field `company`. Unknown keys (aggregates, `__typename`) give undefined.
 */
export function metadataFieldName(object: SandboxObject, key: string): string | undefined {
  if (object.fields.some((field) => field.name === key)) return key;
  return fieldOfKey(object, key)?.field.name;
}

/** The ONE_TO_MANY field's join column on the target object (`person.companyId`). */
export function inverseJoinColumn(
  objects: readonly SandboxObject[],
  owner: SandboxObject,
  field: SandboxField,
): string {
  const relation = field.relation;
  if (!relation) throw coreError(`${owner.nameSingular}.${field.name} is not a relation`);
  const target = objectNamed(objects, relation.targetObject);
  const inverse = target.fields.find(
    (candidate) =>
      candidate.relation?.type === 'MANY_TO_ONE' &&
      candidate.relation.targetObject === owner.nameSingular &&
      (relation.targetField === undefined || candidate.name === relation.targetField),
  );
  if (!inverse) throw coreError(`${owner.nameSingular}.${field.name} has no inverse relation`);
  return inverse.relation?.joinColumn ?? `${inverse.name}Id`;
}
