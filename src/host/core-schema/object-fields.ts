/**
 * The SDL fields one metadata field contributes to each type of its object.
 *
 * Relations (repo `.../graphql-type-generators/input-types/relation-field-metadata-gql-type.
 * generator.ts`, `object-types/relation-field-metadata-gql-object-type.generator.ts`,
 * `object-types/object-metadata-with-relations-gql-object-type.generator.ts`): a MANY_TO_ONE
 * field is its join column (`companyId: UUID`) in the object type, the filter, the order-by,
 * the inputs and the group-by, plus the related object (`company: Company`) in the object type;
 * a ONE_TO_MANY field is only a connection field with the findMany arguments.
 *
 * Nullability (repo `utils/apply-type-options-for-output-type.util.ts`,
 * `utils/apply-type-options-for-create-input.util.ts`): a field is non-null in the object type
 * and the create input when it is not nullable and has no default value. `id` is always non-null
 * in the object type and optional in the create input.
 */
import { compositeTypeName, fieldEnumName, fieldKind, type FieldKind } from './field-types.js';
import { findManyArgs, objectTypeNames } from './names.js';
import type { FieldMetadata, ObjectMetadata } from './object-metadata.js';
import type { SdlField } from './sdl.js';

function isRequired(field: FieldMetadata): boolean {
  return !field.isNullable && field.defaultValue === undefined;
}

function withBang(type: string, required: boolean): string {
  return required ? `${type}!` : type;
}

/** The value type of a field that is neither a relation nor a composite. */
function valueType(owner: ObjectMetadata, field: FieldMetadata, kind: FieldKind): string {
  if (kind.kind === 'atomic') return kind.mapping.scalar;
  if (kind.kind === 'enum') {
    const name = fieldEnumName(owner, field);
    return kind.type === 'MULTI_SELECT' ? `[${name}!]` : name;
  }
  if (kind.kind === 'composite') return compositeTypeName(kind.type, '');
  return 'UUID';
}

function one(name: string, type: string, description?: string): SdlField[] {
  return [description === undefined ? { name, type } : { name, type, description }];
}

/** Fields of the plain object type, before the relation fields. */
export function outputFields(owner: ObjectMetadata, field: FieldMetadata): SdlField[] {
  const kind = fieldKind(owner, field);
  const required = field.name === 'id' || isRequired(field);
  switch (kind.kind) {
    case 'oneToMany':
      return [];
    case 'manyToOne':
      return one(kind.joinColumn, withBang('UUID', !field.isNullable), field.description);
    default:
      return one(field.name, withBang(valueType(owner, field, kind), required), field.description);
  }
}

/** Relation fields, added to the object type after the others. */
export function relationFields(owner: ObjectMetadata, field: FieldMetadata): SdlField[] {
  const kind = fieldKind(owner, field);
  if (kind.kind === 'manyToOne') return one(field.name, objectTypeNames(kind.target).plain);
  if (kind.kind !== 'oneToMany') return [];
  const type = objectTypeNames(kind.target).connection;
  return [{ name: field.name, type, args: findManyArgs(kind.target) }];
}

/** Fields of `<Object>FilterInput` (repo `input-types/filter-input/object-metadata-filter-…`). */
export function filterFields(owner: ObjectMetadata, field: FieldMetadata): SdlField[] {
  const kind = fieldKind(owner, field);
  switch (kind.kind) {
    case 'oneToMany':
      return [];
    case 'manyToOne':
      return one(kind.joinColumn, 'UUIDFilter');
    case 'atomic':
      return one(field.name, kind.mapping.filter);
    case 'enum':
      return one(field.name, `${fieldEnumName(owner, field)}Filter`);
    case 'composite':
      return one(field.name, compositeTypeName(kind.type, 'Filter'));
  }
}

/**
 * Fields of `<Object>OrderByInput`; for group-by ordering, date fields take
 * `OrderByDateGranularityInput` (repo `input-types/order-by-input/object-metadata-order-by-
 * base.generator.ts`).
 */
export function orderByFields(
  owner: ObjectMetadata,
  field: FieldMetadata,
  forGroupBy = false,
): SdlField[] {
  const kind = fieldKind(owner, field);
  switch (kind.kind) {
    case 'oneToMany':
      return [];
    case 'manyToOne':
      return one(kind.joinColumn, 'OrderByDirection');
    case 'atomic':
      if (!kind.mapping.orderable) return [];
      if (forGroupBy && kind.mapping.groupBy === 'GroupByDateGranularityInput') {
        return one(field.name, 'OrderByDateGranularityInput');
      }
      return one(field.name, 'OrderByDirection');
    case 'enum':
      return one(field.name, 'OrderByDirection');
    case 'composite':
      return one(field.name, compositeTypeName(kind.type, 'OrderBy'));
  }
}

/** Fields of `<Object>CreateInput` and `<Object>UpdateInput` (update: everything optional). */
export function inputFields(
  owner: ObjectMetadata,
  field: FieldMetadata,
  input: 'Create' | 'Update',
): SdlField[] {
  const kind = fieldKind(owner, field);
  const required = input === 'Create' && field.name !== 'id' && isRequired(field);
  switch (kind.kind) {
    case 'oneToMany':
      return [];
    case 'manyToOne':
      return one(kind.joinColumn, withBang('UUID', required));
    case 'atomic':
      if (!kind.mapping.writable) return [];
      return one(field.name, withBang(kind.mapping.scalar, required));
    case 'enum':
      return one(field.name, withBang(valueType(owner, field, kind), required));
    case 'composite':
      return one(field.name, withBang(compositeTypeName(kind.type, input), required));
  }
}

/** Fields of `<Object>GroupByInput` (repo `input-types/group-by-input/object-metadata-group-by-…`). */
export function groupByFields(owner: ObjectMetadata, field: FieldMetadata): SdlField[] {
  const kind = fieldKind(owner, field);
  switch (kind.kind) {
    case 'oneToMany':
      return [];
    case 'manyToOne':
      return one(kind.joinColumn, 'Boolean');
    case 'atomic':
      return kind.mapping.groupBy === undefined ? [] : one(field.name, kind.mapping.groupBy);
    case 'enum':
      return one(field.name, 'Boolean');
    case 'composite':
      return one(field.name, compositeTypeName(kind.type, 'GroupBy'));
  }
}
