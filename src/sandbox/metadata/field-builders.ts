/**
 * The fields a new custom object starts with, and fields built from `createOneField` input.
 *
 * Default fields follow repo `metadata-modules/object-metadata/utils/build-default-flat-field-
 * metadatas-for-custom-object.util.ts`: `name` (TEXT, nullable, label "Name"; left out with
 * `skipNameField`) plus the system fields of `PARTIAL_SYSTEM_FLAT_FIELD_METADATAS`: id,
 * createdAt, createdBy, deletedAt, position, searchVector, updatedAt, updatedBy. Their shapes
 * match the standard objects' (src/host/core-schema/standard-objects.ts). Twenty also links a
 * new object to timelineActivities, favorites, attachments, noteTargets and taskTargets; the
 * sandbox has none of those objects, so no such relations are created.
 */
import {
  camelCase,
  type FieldMetadata,
  type FieldMetadataType,
  type FieldOption,
  type RelationType,
} from '../../host/core-schema/object-metadata.js';
import type { SandboxField, SandboxObject } from '../workspace.js';

function sandboxField(id: string, field: FieldMetadata): SandboxField {
  return { ...field, id, isActive: true };
}

const SYSTEM_FIELD_SHAPES: readonly FieldMetadata[] = [
  { name: 'id', label: 'Id', type: 'UUID', isNullable: false, defaultValue: 'uuid' },
  {
    name: 'createdAt',
    label: 'Creation date',
    type: 'DATE_TIME',
    isNullable: false,
    defaultValue: 'now',
  },
  {
    name: 'updatedAt',
    label: 'Last update',
    type: 'DATE_TIME',
    isNullable: false,
    defaultValue: 'now',
  },
  { name: 'deletedAt', label: 'Deleted at', type: 'DATE_TIME', isNullable: true },
  {
    name: 'createdBy',
    label: 'Created by',
    type: 'ACTOR',
    isNullable: false,
    defaultValue: { source: "'MANUAL'", name: "'System'" },
  },
  {
    name: 'updatedBy',
    label: 'Updated by',
    type: 'ACTOR',
    isNullable: false,
    defaultValue: { source: "'MANUAL'", name: "'System'" },
  },
  { name: 'position', label: 'Position', type: 'POSITION', isNullable: true, defaultValue: 0 },
  { name: 'searchVector', label: 'Search vector', type: 'TS_VECTOR', isNullable: true },
];

const SYSTEM_FIELDS = SYSTEM_FIELD_SHAPES.map((field) => ({ ...field, isSystem: true }));

export function defaultFieldsForCustomObject(
  newId: () => string,
  skipNameField: boolean,
): SandboxField[] {
  const name: FieldMetadata = { name: 'name', label: 'Name', type: 'TEXT', isNullable: true };
  return [...(skipNameField ? [] : [name]), ...SYSTEM_FIELDS].map((field) =>
    sandboxField(newId(), field),
  );
}

/** Field types a caller may create; the rest are system-managed or not modelled. */
export const CREATABLE_FIELD_TYPES: readonly FieldMetadataType[] = [
  'TEXT',
  'NUMBER',
  'NUMERIC',
  'BOOLEAN',
  'DATE',
  'DATE_TIME',
  'SELECT',
  'MULTI_SELECT',
  'RATING',
  'CURRENCY',
  'EMAILS',
  'PHONES',
  'FULL_NAME',
  'LINKS',
  'ADDRESS',
  'RICH_TEXT',
  'UUID',
  'RAW_JSON',
  'ARRAY',
  'RELATION',
];

export interface FieldDraft {
  readonly type: FieldMetadataType;
  readonly name: string;
  readonly label: string;
  readonly description?: string | null;
  readonly isNullable?: boolean | null;
  readonly isSystem?: boolean | null;
  readonly isActive?: boolean | null;
  readonly defaultValue?: unknown;
  readonly options?: readonly FieldOption[] | null;
  readonly settings?: FieldMetadata['settings'] | null;
}

export function fieldFromDraft(id: string, draft: FieldDraft): SandboxField {
  return {
    id,
    name: draft.name,
    label: draft.label,
    type: draft.type,
    isNullable: draft.isNullable ?? true,
    isActive: draft.isActive ?? true,
    ...(draft.isSystem == null ? {} : { isSystem: draft.isSystem }),
    ...(draft.description == null ? {} : { description: draft.description }),
    ...(draft.defaultValue == null ? {} : { defaultValue: draft.defaultValue }),
    ...(draft.options == null ? {} : { options: draft.options }),
    ...(draft.settings == null ? {} : { settings: draft.settings }),
  };
}

export interface RelationDraft {
  readonly name: string;
  readonly label: string;
  readonly description?: string | null;
  readonly type: RelationType;
  readonly targetFieldLabel: string;
  readonly targetFieldName?: string | null;
}

function inverseOf(type: RelationType): RelationType {
  return type === 'MANY_TO_ONE' ? 'ONE_TO_MANY' : 'MANY_TO_ONE';
}

function relationField(
  id: string,
  name: string,
  label: string,
  type: RelationType,
  target: { readonly object: string; readonly field: string },
): SandboxField {
  return {
    id,
    name,
    label,
    type: 'RELATION',
    isNullable: true,
    isActive: true,
    relation: {
      type,
      targetObject: target.object,
      targetField: target.field,
      ...(type === 'MANY_TO_ONE' ? { joinColumn: `${name}Id` } : {}),
    },
  };
}

/**
 * Both sides of a relation created through `relationCreationPayload` (HOST-CONTRACT §D): the
 * target side is named from its label (Twenty's `computeMetadataNameFromLabel`, approximated by
 * camelCase) unless `targetFieldName` is given, and has the inverse relation type.
 */
export function relationPair(
  ids: { readonly source: string; readonly target: string },
  source: SandboxObject,
  target: SandboxObject,
  draft: RelationDraft,
): { readonly sourceField: SandboxField; readonly targetField: SandboxField } {
  const targetName = draft.targetFieldName ?? camelCase(draft.targetFieldLabel);
  const sourceField = relationField(ids.source, draft.name, draft.label, draft.type, {
    object: target.nameSingular,
    field: targetName,
  });
  const targetField = relationField(
    ids.target,
    targetName,
    draft.targetFieldLabel,
    inverseOf(draft.type),
    { object: source.nameSingular, field: draft.name },
  );
  return {
    sourceField:
      draft.description == null ? sourceField : { ...sourceField, description: draft.description },
    targetField,
  };
}

/** Names a new field would collide with: field names and MANY_TO_ONE join columns. */
export function takenFieldNames(object: SandboxObject): Set<string> {
  const names = new Set<string>();
  for (const field of object.fields) {
    names.add(field.name);
    if (field.relation?.type === 'MANY_TO_ONE') {
      names.add(field.relation.joinColumn ?? `${field.name}Id`);
    }
  }
  return names;
}
