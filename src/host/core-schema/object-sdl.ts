/**
 * The types of one object: its enums, `Person`, `PersonEdge`, `PersonConnection`,
 * `PersonGroupByConnection` and the inputs `PersonFilterInput` (with `and`/`or`/`not`),
 * `PersonOrderByInput`, `PersonCreateInput`, `PersonUpdateInput`, `PersonGroupByInput`,
 * `PersonOrderByWithGroupByInput`.
 *
 * Source: twentyhq/twenty `.../workspace-schema-builder/graphql-type-generators/`
 * `enum-types/enum-field-metadata-gql-enum-type.generator.ts` (option value → enum value, label →
 * description), `object-types/edge-gql-object-type.generator.ts` (`node: X!`, `cursor: Cursor!`),
 * `object-types/connection-gql-object-type.generator.ts` (aggregates, `edges: [XEdge!]!`,
 * `pageInfo: PageInfo!`), `object-types/group-by-connection-gql-object-type.generator.ts`
 * (the connection plus `groupByDimensionValues: [String!]!`), `input-types/filter-input/
 * object-metadata-filter-gql-input-type.generator.ts` (`and: [XFilterInput]`,
 * `or: [XFilterInput]`, `not: XFilterInput`), `input-types/order-by-input/object-metadata-order-
 * by-with-group-by-gql-input-type.generator.ts` (`aggregate` plus the dimension fields).
 */
import { connectionAggregates } from './aggregates.js';
import { fieldEnumName, fieldKind } from './field-types.js';
import { objectTypeNames, type ObjectTypeNames } from './names.js';
import {
  filterFields,
  groupByFields,
  inputFields,
  orderByFields,
  outputFields,
  relationFields,
} from './object-fields.js';
import type { FieldMetadata, ObjectMetadata } from './object-metadata.js';
import { assertGraphqlName, block, enumBlock, type SdlField } from './sdl.js';
import { enumFilterBlock } from './shared-sdl.js';

type FieldsOf = (owner: ObjectMetadata, field: FieldMetadata) => SdlField[];

function collect(object: ObjectMetadata, fieldsOf: FieldsOf): SdlField[] {
  return object.fields.flatMap((field) => fieldsOf(object, field));
}

function enumBlocks(object: ObjectMetadata): string[] {
  return object.fields.flatMap((field) => {
    if (fieldKind(object, field).kind !== 'enum') return [];
    const name = fieldEnumName(object, field);
    const options = field.options ?? [];
    if (options.length === 0)
      throw new Error(`${object.nameSingular}.${field.name} has no options`);
    const values = [...options]
      .sort((a, b) => a.position - b.position)
      .map((option) => {
        assertGraphqlName(option.value, `${object.nameSingular}.${field.name} option`);
        return { name: option.value, description: option.label };
      });
    return [enumBlock(name, values, field.description), enumFilterBlock(name)];
  });
}

function outputBlocks(object: ObjectMetadata, names: ObjectTypeNames): string[] {
  const own = [...collect(object, outputFields), ...collect(object, relationFields)];
  const aggregates = connectionAggregates(object.fields);
  const connection: SdlField[] = [
    ...aggregates,
    { name: 'edges', type: `[${names.edge}!]!` },
    { name: 'pageInfo', type: 'PageInfo!' },
  ];
  return [
    block('type', names.plain, own, object.description),
    block('type', names.edge, [
      { name: 'node', type: `${names.plain}!` },
      { name: 'cursor', type: 'Cursor!' },
    ]),
    block('type', names.connection, connection),
    block('type', names.groupByConnection, [
      ...connection,
      { name: 'groupByDimensionValues', type: '[String!]!' },
    ]),
  ];
}

function filterBlock(object: ObjectMetadata, names: ObjectTypeNames): string {
  return block('input', names.filter, [
    ...collect(object, filterFields),
    { name: 'and', type: `[${names.filter}]` },
    { name: 'or', type: `[${names.filter}]` },
    { name: 'not', type: names.filter },
  ]);
}

function orderByWithGroupByBlocks(object: ObjectMetadata, names: ObjectTypeNames): string[] {
  const aggregateFields = connectionAggregates(object.fields).map((aggregate) => ({
    ...aggregate,
    type: 'OrderByDirection',
  }));
  const dimensions = collect(object, (owner, field) => orderByFields(owner, field, true));
  return [
    block('input', names.orderByWithGroupByAggregate, aggregateFields, 'Aggregate-based ordering'),
    block('input', names.orderByWithGroupBy, [
      {
        name: 'aggregate',
        type: names.orderByWithGroupByAggregate,
        description: 'Order by aggregate values',
      },
      ...dimensions,
    ]),
  ];
}

function inputBlocks(object: ObjectMetadata, names: ObjectTypeNames): string[] {
  return [
    filterBlock(object, names),
    block(
      'input',
      names.orderBy,
      collect(object, (owner, field) => orderByFields(owner, field)),
    ),
    block(
      'input',
      names.create,
      collect(object, (o, f) => inputFields(o, f, 'Create')),
    ),
    block(
      'input',
      names.update,
      collect(object, (o, f) => inputFields(o, f, 'Update')),
    ),
    block('input', names.groupBy, collect(object, groupByFields)),
    ...orderByWithGroupByBlocks(object, names),
  ];
}

/** SDL blocks of one object's types. */
export function objectTypeBlocks(object: ObjectMetadata): string[] {
  const names = objectTypeNames(object.nameSingular);
  return [...enumBlocks(object), ...outputBlocks(object, names), ...inputBlocks(object, names)];
}
