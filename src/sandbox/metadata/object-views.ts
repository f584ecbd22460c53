/**
 * `Object` and `Field` as the metadata API returns them, read from the sandbox's objects.
 * Nested fields (`fields`, `fieldsList`, `object`, `relation`) are functions, which graphql-js
 * calls only when the query selects them.
 *
 * Properties the sandbox does not model get Twenty's values for a plain workspace object:
 * readability/writability OPEN (repo `metadata-modules/object-metadata/dtos/object-metadata.dto
 * .ts`), not remote, editable and creatable from the UI unless system. Objects and fields carry
 * no timestamps in the sandbox model, so createdAt/updatedAt answer METADATA_EPOCH.
 */
import type { SandboxField, SandboxObject, WorkspaceState } from '../workspace.js';
import { type CursorPaging, connectionOf, matchesFilter } from './connection.js';
import { connectionArgsSchema, parseArgs } from './parse.js';

export const METADATA_EPOCH = '1970-01-01T00:00:00.000Z';
/** Stand-ins for Twenty's standard application and the workspace's custom application. */
export const STANDARD_APPLICATION_ID = '20202020-0000-4000-8000-000000000001';
export const CUSTOM_APPLICATION_ID = '20202020-0000-4000-8000-000000000002';

/** Twenty's DEFAULT_LABEL_IDENTIFIER_FIELD_NAME, and `title` for objects without a name. */
const LABEL_IDENTIFIER_NAMES = ['name', 'title'];

export function findObject(state: WorkspaceState, id: string): SandboxObject | undefined {
  return state.objects.find((object) => object.id === id);
}

export function findObjectByName(state: WorkspaceState, name: string): SandboxObject | undefined {
  return state.objects.find((object) => object.nameSingular === name);
}

export function findField(
  state: WorkspaceState,
  fieldId: string,
): { readonly object: SandboxObject; readonly field: SandboxField } | undefined {
  for (const object of state.objects) {
    const field = object.fields.find((candidate) => candidate.id === fieldId);
    if (field !== undefined) return { object, field };
  }
  return undefined;
}

export function labelIdentifierField(object: SandboxObject): SandboxField | undefined {
  for (const name of LABEL_IDENTIFIER_NAMES) {
    const field = object.fields.find((candidate) => candidate.name === name);
    if (field !== undefined) return field;
  }
  return undefined;
}

function applicationIdOf(object: SandboxObject): string {
  return object.isCustom ? CUSTOM_APPLICATION_ID : STANDARD_APPLICATION_ID;
}

/** Field `settings` as Twenty stores them: the relation's type and join column, or NUMBER's. */
function fieldSettings(field: SandboxField): unknown {
  if (field.relation === undefined) return field.settings ?? null;
  if (field.relation.type === 'ONE_TO_MANY') return { relationType: 'ONE_TO_MANY' };
  return {
    relationType: 'MANY_TO_ONE',
    onDelete: 'SET_NULL',
    joinColumnName: field.relation.joinColumn ?? `${field.name}Id`,
  };
}

function relationView(state: WorkspaceState, object: SandboxObject, field: SandboxField) {
  const relation = field.relation;
  if (relation?.targetField === undefined) return null;
  const target = findObjectByName(state, relation.targetObject);
  const targetField = target?.fields.find((candidate) => candidate.name === relation.targetField);
  if (target === undefined || targetField === undefined) return null;
  return {
    type: relation.type,
    sourceObjectMetadata: () => objectView(state, object),
    targetObjectMetadata: () => objectView(state, target),
    sourceFieldMetadata: () => fieldView(state, object, field),
    targetFieldMetadata: () => fieldView(state, target, targetField),
  };
}

export function fieldView(state: WorkspaceState, object: SandboxObject, field: SandboxField) {
  const isSystem = field.isSystem ?? false;
  return {
    id: field.id,
    universalIdentifier: field.id,
    type: field.type,
    name: field.name,
    label: field.label,
    description: field.description ?? null,
    icon: null,
    isActive: field.isActive,
    isSystem,
    isUIEditable: !isSystem,
    writability: 'OPEN',
    isUIReadOnly: isSystem,
    isNullable: field.isNullable,
    isUnique: field.name === 'id',
    isSearchable: false,
    isAuditLogged: true,
    defaultValue: field.defaultValue ?? null,
    options: field.options ?? null,
    settings: fieldSettings(field),
    objectMetadataId: object.id,
    isLabelSyncedWithName: false,
    morphId: null,
    createdAt: METADATA_EPOCH,
    updatedAt: METADATA_EPOCH,
    applicationId: applicationIdOf(object),
    object: () => objectView(state, object),
    relation: () => relationView(state, object, field),
    morphRelations: null,
  };
}

/** The properties a FieldFilter compares. */
function fieldFilterProperties(object: SandboxObject, field: SandboxField) {
  const isSystem = field.isSystem ?? false;
  return {
    id: field.id,
    isActive: field.isActive,
    isSystem,
    isUIEditable: !isSystem,
    isUIReadOnly: isSystem,
    objectMetadataId: object.id,
  };
}

export interface ConnectionArgs {
  readonly paging?: CursorPaging;
  readonly filter?: Readonly<Record<string, unknown>>;
}

export function fieldsConnection(
  state: WorkspaceState,
  object: SandboxObject,
  args: ConnectionArgs,
) {
  const fields = object.fields.filter((field) =>
    matchesFilter(fieldFilterProperties(object, field), args.filter ?? {}),
  );
  return connectionOf(
    fields.map((field) => fieldView(state, object, field)),
    args.paging,
  );
}

/** The properties an ObjectFilter compares. */
export function objectFilterProperties(object: SandboxObject) {
  const isSystem = object.isSystem ?? false;
  return {
    id: object.id,
    universalIdentifier: object.id,
    isActive: object.isActive,
    isRemote: false,
    isSearchable: !isSystem,
    isSystem,
    isUICreatable: !isSystem,
    isUIEditable: !isSystem,
    isUIReadOnly: isSystem,
  };
}

export function objectView(state: WorkspaceState, object: SandboxObject) {
  return {
    ...objectFilterProperties(object),
    nameSingular: object.nameSingular,
    namePlural: object.namePlural,
    labelSingular: object.labelSingular,
    labelPlural: object.labelPlural,
    description: object.description ?? null,
    icon: null,
    shortcut: null,
    color: null,
    openRecordIn: 'SIDE_PANEL',
    readability: 'OPEN',
    readabilityParentFieldUniversalIdentifiers: null,
    writability: 'OPEN',
    applicationId: applicationIdOf(object),
    createdAt: METADATA_EPOCH,
    updatedAt: METADATA_EPOCH,
    labelIdentifierFieldMetadataId: labelIdentifierField(object)?.id ?? null,
    imageIdentifierFieldMetadataId: null,
    isLabelSyncedWithName: false,
    duplicateCriteria: null,
    fields: (args: unknown) =>
      fieldsConnection(state, object, parseArgs(connectionArgsSchema, args)),
    indexMetadatas: (args: unknown) =>
      connectionOf([], parseArgs(connectionArgsSchema, args).paging),
    fieldsList: () => object.fields.map((field) => fieldView(state, object, field)),
    indexMetadataList: [],
    searchFieldMetadataList: [],
  };
}
