/**
 * The types of each composite field type: `FullName`, `FullNameFilterInput`,
 * `FullNameOrderByInput`, `FullNameCreateInput`, `FullNameUpdateInput`, `FullNameGroupByInput`,
 * plus `ActorSourceEnum` and its filter. Twenty builds them for every composite type, used or not.
 *
 * Source: twentyhq/twenty `.../workspace-schema-builder/graphql-type-generators/`
 * `object-types/composite-field-metadata-gql-object-type.generator.ts` (sub-field non-null when
 * `isRequired`), `input-types/filter-input/composite-field-metadata-filter-gql-input-types.
 * generator.ts`, `input-types/{create,update}-input/composite-field-metadata-*-gql-input-type.
 * generator.ts`, `input-types/order-by-input/composite-field-metadata-order-by-gql-input-type.
 * generator.ts`, `input-types/group-by-input/composite-field-metadata-group-by-gql-input-type.
 * generator.ts`; names from `factories/composite-input-type-definition.factory.ts`.
 *
 * Create-input sub-fields are all optional here; whether 2.43 makes ACTOR `source`/`context`
 * required in `ActorCreateInput` was not confirmed.
 */
import { COMPOSITE_TYPES, type CompositeType } from './composite-types.js';
import { compositeTypeName, subFieldEnumName, subFieldTypes } from './field-types.js';
import { block, enumBlock, type SdlField } from './sdl.js';
import { enumFilterBlock } from './shared-sdl.js';

function enumBlocks(composite: CompositeType): string[] {
  return composite.properties.flatMap((property) => {
    if (property.type !== 'SELECT') return [];
    const name = subFieldEnumName(composite.type, property);
    const values = (property.options ?? []).map((option) => ({
      name: option.value,
      description: option.label,
    }));
    return [enumBlock(name, values), enumFilterBlock(name)];
  });
}

function objectBlock(composite: CompositeType): string {
  const fields: SdlField[] = composite.properties.map((property) => {
    const { scalar } = subFieldTypes(composite.type, property);
    return { name: property.name, type: property.isRequired ? `${scalar}!` : scalar };
  });
  return block('type', compositeTypeName(composite.type, ''), fields);
}

function filterBlock(composite: CompositeType): string {
  const fields = composite.properties.map((property) => ({
    name: property.name,
    type: subFieldTypes(composite.type, property).filter,
  }));
  return block('input', compositeTypeName(composite.type, 'Filter'), fields);
}

function orderByBlock(composite: CompositeType): string {
  const fields = composite.properties.map((property) => ({
    name: property.name,
    type: 'OrderByDirection',
  }));
  return block('input', compositeTypeName(composite.type, 'OrderBy'), fields);
}

/** Create and update inputs leave out the sub-fields hidden from input (ACTOR's member and name). */
function inputBlock(composite: CompositeType, kind: 'Create' | 'Update'): string {
  const fields = composite.properties
    .filter((property) => property.hidden !== 'input')
    .map((property) => ({
      name: property.name,
      type: subFieldTypes(composite.type, property).scalar,
    }));
  return block('input', compositeTypeName(composite.type, kind), fields);
}

function groupByBlock(composite: CompositeType): string {
  const fields = composite.properties.map((property) => ({
    name: property.name,
    type: 'Boolean',
  }));
  return block('input', compositeTypeName(composite.type, 'GroupBy'), fields);
}

/** SDL blocks of every composite type. */
export function compositeTypeBlocks(): string[] {
  return COMPOSITE_TYPES.flatMap((composite) => [
    ...enumBlocks(composite),
    objectBlock(composite),
    filterBlock(composite),
    orderByBlock(composite),
    inputBlock(composite, 'Create'),
    inputBlock(composite, 'Update'),
    groupByBlock(composite),
  ]);
}
