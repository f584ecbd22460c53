/**
 * The aggregate fields of a connection (`totalCount`, `countEmptyName`, `minCreatedAt`,
 * `sumAmountAmountMicros`…), named as the schema declares them (src/host/core-schema/
 * aggregates.ts) and computed over every record the connection's filter matches, not only the
 * page (twentyhq/twenty `.../graphql-query-runner/helpers/process-aggregate.helper.ts`; the
 * percentages are fractions of the record count, as its SQL computes them).
 */
import { capitalize } from '../../host/core-schema/object-metadata.js';
import type { SandboxField, SandboxObject, SandboxRecord } from '../workspace.js';
import { compareValues } from './sql-values.js';

type Operation =
  | 'totalCount'
  | 'countUniqueValues'
  | 'countNotEmpty'
  | 'countEmpty'
  | 'percentageNotEmpty'
  | 'percentageEmpty'
  | 'min'
  | 'max'
  | 'avg'
  | 'sum';

const FIELD_OPERATIONS: readonly Operation[] = [
  'countUniqueValues',
  'countNotEmpty',
  'countEmpty',
  'percentageNotEmpty',
  'percentageEmpty',
  'min',
  'max',
  'avg',
  'sum',
];

export interface AggregateField {
  readonly operation: Operation;
  readonly field?: SandboxField;
  readonly subField?: string;
}

function suffixesOf(field: SandboxField): [string, string | undefined][] {
  const name = capitalize(field.name);
  if (field.type === 'CURRENCY')
    return [
      [`${name}AmountMicros`, 'amountMicros'],
      [name, undefined],
    ];
  return [[name, undefined]];
}

/** The aggregate a connection field name stands for, if it is one. */
export function aggregateField(object: SandboxObject, name: string): AggregateField | undefined {
  if (name === 'totalCount') return { operation: 'totalCount' };
  for (const operation of FIELD_OPERATIONS) {
    if (!name.startsWith(operation)) continue;
    const rest = name.slice(operation.length);
    for (const field of object.fields) {
      if (field.type === 'RELATION') continue;
      const match = suffixesOf(field).find(([suffix]) => suffix === rest);
      if (match) return { operation, field, subField: match[1] };
    }
  }
  return undefined;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.values(value).every(isEmpty);
  return false;
}

function valuesOf(records: readonly SandboxRecord[], aggregate: AggregateField): unknown[] {
  const field = aggregate.field;
  if (!field) return [];
  return records.map((record) => {
    const value = record[field.name] ?? null;
    if (aggregate.subField === undefined || typeof value !== 'object' || value === null)
      return value;
    return (value as Record<string, unknown>)[aggregate.subField] ?? null;
  });
}

function extreme(values: readonly unknown[], sign: 1 | -1, kind: 'dateTime' | 'number'): unknown {
  const present = values.filter((value) => value !== null);
  if (present.length === 0) return null;
  return present.reduce((best, value) =>
    compareValues(value, best, kind) * sign > 0 ? value : best,
  );
}

function numeric(values: readonly unknown[]): number[] {
  return values.filter((value) => value !== null && value !== '').map(Number);
}

/** The value of one aggregate over the records. */
export function computeAggregate(
  aggregate: AggregateField,
  records: readonly SandboxRecord[],
): number | string | null {
  const total = records.length;
  const values = valuesOf(records, aggregate);
  const empty = values.filter(isEmpty).length;
  const kind = aggregate.field?.type === 'DATE_TIME' ? 'dateTime' : 'number';
  switch (aggregate.operation) {
    case 'totalCount':
      return total;
    case 'countUniqueValues':
      return new Set(values.filter((value) => !isEmpty(value)).map((v) => JSON.stringify(v))).size;
    case 'countEmpty':
      return empty;
    case 'countNotEmpty':
      return total - empty;
    case 'percentageEmpty':
      return total === 0 ? null : empty / total;
    case 'percentageNotEmpty':
      return total === 0 ? null : (total - empty) / total;
    case 'min':
    case 'max': {
      const found = extreme(values, aggregate.operation === 'max' ? 1 : -1, kind);
      return kind === 'number' && found !== null ? Number(found) : (found as string | null);
    }
    case 'avg':
    case 'sum': {
      const numbers = numeric(values);
      if (numbers.length === 0) return null;
      const sum = numbers.reduce((a, b) => a + b, 0);
      return aggregate.operation === 'sum' ? sum : sum / numbers.length;
    }
  }
}
