/**
 * The fields Twenty builds an object's `searchVector` (TS_VECTOR) from.
 *
 * Twenty stores `searchVector` as a generated column `to_tsvector('simple', …)` over the text of
 * some fields (twentyhq/twenty `packages/twenty-server/src/engine/workspace-manager/utils/
 * get-ts-vector-column-expression.util.ts`): every TEXT sub-field of a composite (PHONES: the
 * primary number and calling code, plus the additional phones; LINKS and EMAILS: plus their
 * secondary links and additional emails), or the column itself.
 *
 * Which fields, by default (`SEARCH_FIELDS_FOR_*` in each standard object's
 * `*.workspace-entity.ts` under `packages/twenty-server/src/modules/`):
 * - company: name, domainName (`company/standard-objects/company.workspace-entity.ts`)
 * - person: name, emails, phones, jobTitle (`person/standard-objects/person.workspace-entity.ts`)
 * - opportunity: name (`opportunity/standard-objects/opportunity.workspace-entity.ts`)
 * - task: title, bodyV2 (`task/standard-objects/task.workspace-entity.ts`)
 * - workspaceMember: name, userEmail
 *   (`workspace-member/standard-objects/workspace-member.workspace-entity.ts`)
 * - a custom object: its `name` field when it is searchable (`SEARCH_FIELDS_FOR_CUSTOM_OBJECT`,
 *   `engine/twenty-orm/custom.workspace-entity.ts`; junction objects without `name` have none).
 *
 * A workspace can change the set: 2.43's metadata API lists an object's
 * `searchFieldMetadataList` and a field's `isSearchable`, and any field of a searchable type
 * (`isSearchableFieldType`, twenty-shared: TEXT, FULL_NAME, EMAILS, ADDRESS, LINKS, PHONES,
 * RICH_TEXT, RICH_TEXT_V2) may be added (`search-field-metadata.service.ts`).
 */
import type { FieldMetadataType, ObjectMetadata } from './object-metadata.js';

export const DEFAULT_SEARCH_FIELDS: Readonly<Record<string, readonly string[]>> = {
  company: ['name', 'domainName'],
  person: ['name', 'emails', 'phones', 'jobTitle'],
  opportunity: ['name'],
  task: ['title', 'bodyV2'],
  workspaceMember: ['name', 'userEmail'],
};

/** A custom object's search field (`DEFAULT_LABEL_IDENTIFIER_FIELD_NAME`). */
export const CUSTOM_OBJECT_SEARCH_FIELD = 'name';

/** The field types Twenty can put into a search vector (twenty-shared `isSearchableFieldType`). */
export const SEARCHABLE_FIELD_TYPES: ReadonlySet<FieldMetadataType> = new Set<FieldMetadataType>([
  'TEXT',
  'FULL_NAME',
  'EMAILS',
  'ADDRESS',
  'LINKS',
  'PHONES',
  'RICH_TEXT',
]);

/** The fields a fresh workspace builds this object's search vector from, as Twenty ships it. */
export function defaultSearchFields(object: ObjectMetadata): readonly string[] {
  const listed = DEFAULT_SEARCH_FIELDS[object.nameSingular];
  if (listed) return listed.filter((name) => object.fields.some((f) => f.name === name));
  const name = object.fields.find((f) => f.name === CUSTOM_OBJECT_SEARCH_FIELD);
  return name && SEARCHABLE_FIELD_TYPES.has(name.type) ? [name.name] : [];
}

/**
 * Every field that may feed this object's search vector in some workspace: the defaults and
 * every field of a searchable type (an admin may add any of them).
 */
export function possibleSearchFields(object: ObjectMetadata): readonly string[] {
  const names = new Set(defaultSearchFields(object));
  for (const field of object.fields)
    if (SEARCHABLE_FIELD_TYPES.has(field.type) && field.isSystem !== true) names.add(field.name);
  return [...names];
}

/** The TS_VECTOR fields of an object (Twenty's `searchVector`). */
export function searchVectorFields(object: ObjectMetadata): readonly string[] {
  return object.fields.filter((f) => f.type === 'TS_VECTOR').map((f) => f.name);
}
