/**
 * The types every workspace schema has, whatever its objects: scalars, `FilterIs`,
 * `OrderByDirection`, the per-type filter inputs and `PageInfo`.
 *
 * Source: twentyhq/twenty `packages/twenty-server/src/engine/api/graphql/workspace-schema-builder/
 * graphql-types/` — `scalars/*.scalar.ts`, `enum/order-by-direction.enum-type.ts`,
 * `input/filter-is.input-type.ts`, `input/{string,uuid,date,date-time,float,big-float,boolean,
 * raw-json,array,ts-vector}-filter.input-type.ts`, `object/page-into.object-type.ts`, and
 * `graphql-type-generators/input-types/group-by-input/group-by-date-granularity-gql-input-type.
 * generator.ts`.
 */
import { block, enumBlock, scalarBlock, type SdlField } from './sdl.js';

const SCALARS: readonly (readonly [string, string])[] = [
  ['UUID', 'A UUID scalar type'],
  ['DateTime', 'A date-time string at UTC, such as 2019-12-03T09:54:33Z'],
  ['Date', 'A date string, such as 2007-12-03'],
  ['BigFloat', 'A custom scalar type for representing big floating point numbers'],
  ['Position', 'A custom scalar type for representing record position in a list'],
  [
    'RawJSONScalar',
    'The `RawJSONScalar` scalar type represents JSON values, but stringifies inputs and parses outputs.',
  ],
  ['Cursor', 'A custom scalar that represents a cursor for pagination'],
  ['ConnectionCursor', 'Cursor for paging through collections'],
  ['TSVector', 'A full-text search vector'],
];

function scalarTypes(): string[] {
  return SCALARS.map(([name, description]) => scalarBlock(name, description));
}

function enums(): string[] {
  return [
    enumBlock(
      'FilterIs',
      [
        { name: 'NULL', description: 'Nulish values' },
        { name: 'NOT_NULL', description: 'Non-nulish values' },
      ],
      'This enum to filter by nullability',
    ),
    enumBlock(
      'OrderByDirection',
      [
        { name: 'AscNullsFirst', description: 'Ascending order, nulls first' },
        { name: 'AscNullsLast', description: 'Ascending order, nulls last' },
        { name: 'DescNullsFirst', description: 'Descending order, nulls first' },
        { name: 'DescNullsLast', description: 'Descending order, nulls last' },
      ],
      'This enum is used to specify the order of results',
    ),
    // Values as twenty-shared `ObjectRecordGroupByDateGranularity` lists them.
    enumBlock(
      'DateGranularityEnum',
      [
        'DAY',
        'DAY_OF_THE_WEEK',
        'MONTH',
        'MONTH_OF_THE_YEAR',
        'NONE',
        'QUARTER',
        'QUARTER_OF_THE_YEAR',
        'WEEK',
        'YEAR',
      ].map((name) => ({ name })),
      'Date granularity (e.g. day, month, quarter, year, day of the week, quarter of the year, month of the year)',
    ),
  ];
}

/** eq, neq, gt(e), lt(e), in and is over one scalar: the numeric and date filters. */
function comparisonFilter(name: string, scalar: string): string {
  const fields: SdlField[] = [
    { name: 'eq', type: scalar },
    { name: 'gt', type: scalar },
    { name: 'gte', type: scalar },
    { name: 'in', type: `[${scalar}!]` },
    { name: 'lt', type: scalar },
    { name: 'lte', type: scalar },
    { name: 'neq', type: scalar },
    { name: 'is', type: 'FilterIs' },
  ];
  return block('input', name, fields);
}

function stringFilter(): string {
  const fields: SdlField[] = [
    { name: 'eq', type: 'String' },
    { name: 'gt', type: 'String' },
    { name: 'gte', type: 'String' },
    { name: 'in', type: '[String!]' },
    { name: 'lt', type: 'String' },
    { name: 'lte', type: 'String' },
    { name: 'neq', type: 'String' },
    { name: 'startsWith', type: 'String' },
    { name: 'endsWith', type: 'String' },
    {
      name: 'like',
      type: 'String',
      description: 'Pattern match with % wildcard (e.g. %value%)',
    },
    {
      name: 'ilike',
      type: 'String',
      description: 'Case-insensitive match with % wildcard (e.g. %value%)',
    },
    { name: 'regex', type: 'String' },
    { name: 'iregex', type: 'String' },
    { name: 'is', type: 'FilterIs' },
  ];
  return block('input', 'StringFilter', fields);
}

function otherFilters(): string[] {
  return [
    block('input', 'UUIDFilter', [
      { name: 'eq', type: 'UUID' },
      { name: 'in', type: '[UUID]' },
      { name: 'neq', type: 'UUID' },
      { name: 'is', type: 'FilterIs' },
    ]),
    block('input', 'BooleanFilter', [
      { name: 'eq', type: 'Boolean' },
      { name: 'is', type: 'FilterIs' },
    ]),
    block('input', 'RawJsonFilter', [
      { name: 'is', type: 'FilterIs' },
      { name: 'like', type: 'String' },
      { name: 'containsJsonb', type: 'String' },
    ]),
    block('input', 'ArrayFilter', [
      { name: 'containsIlike', type: '[String]' },
      { name: 'contains', type: '[String]' },
      { name: 'not_contains', type: '[String]' },
      { name: 'is', type: 'FilterIs' },
      { name: 'isEmptyArray', type: 'Boolean' },
    ]),
    block('input', 'TSVectorFilter', [{ name: 'search', type: 'String' }]),
  ];
}

function filters(): string[] {
  return [
    stringFilter(),
    comparisonFilter('DateTimeFilter', 'DateTime'),
    comparisonFilter('DateFilter', 'Date'),
    comparisonFilter('FloatFilter', 'Float'),
    comparisonFilter('IntFilter', 'Int'),
    comparisonFilter('BigFloatFilter', 'BigFloat'),
    ...otherFilters(),
  ];
}

function pagingAndGrouping(): string[] {
  return [
    block('type', 'PageInfo', [
      { name: 'startCursor', type: 'ConnectionCursor' },
      { name: 'endCursor', type: 'ConnectionCursor' },
      { name: 'hasNextPage', type: 'Boolean!' },
      { name: 'hasPreviousPage', type: 'Boolean!' },
    ]),
    block('input', 'GroupByDateGranularityInput', [
      { name: 'granularity', type: 'DateGranularityEnum' },
    ]),
    block('input', 'OrderByDateGranularityInput', [
      { name: 'orderBy', type: 'OrderByDirection' },
      { name: 'granularity', type: 'DateGranularityEnum' },
    ]),
  ];
}

/** SDL blocks of the object-independent types. */
export function sharedTypeBlocks(): string[] {
  return [...scalarTypes(), ...enums(), ...filters(), ...pagingAndGrouping()];
}

/**
 * `<Enum>Filter` for a SELECT, MULTI_SELECT or RATING enum (repo `.../workspace-schema-builder/
 * utils/create-gql-enum-filter-type.util.ts`). The stored repo adds gt/gte/lt/lte for composite
 * SELECT sub-fields; that is newer than 2.43 as far as we can tell and left out.
 */
export function enumFilterBlock(enumName: string): string {
  return block('input', `${enumName}Filter`, [
    { name: 'eq', type: enumName },
    { name: 'neq', type: enumName },
    { name: 'in', type: `[${enumName}]` },
    { name: 'containsAny', type: `[${enumName}]` },
    { name: 'is', type: 'FilterIs' },
    { name: 'isEmptyArray', type: 'Boolean' },
  ]);
}
