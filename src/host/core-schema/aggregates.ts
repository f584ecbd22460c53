/**
 * Aggregate fields of a connection: `totalCount`, and per non-relation field
 * `countUniqueValues<Field>`, `countEmpty<Field>`, `countNotEmpty<Field>`,
 * `percentageEmpty<Field>`, `percentageNotEmpty<Field>`; min/max of DATE_TIME fields;
 * min/max/avg/sum of NUMBER fields and of CURRENCY `amountMicros` (`…AmountMicros`).
 *
 * Source: twentyhq/twenty `.../workspace-schema-builder/utils/get-available-aggregations-from-
 * object-fields.util.ts`. Only what both an older stored version (0caca0f) and the newest one
 * (fe955cc) have is reproduced; the newest adds min/max for DATE fields and `countTrue`/
 * `countFalse` for BOOLEAN fields, which we could not date against 2.43 and leave out.
 */
import { capitalize, type FieldMetadata } from './object-metadata.js';
import type { SdlField } from './sdl.js';

type Scalar = 'Int' | 'Float' | 'DateTime';

function aggregate(name: string, type: Scalar, description: string): SdlField {
  return { name, type, description };
}

function countsOf(field: FieldMetadata): SdlField[] {
  const name = capitalize(field.name);
  const of = field.name;
  return [
    aggregate(`countUniqueValues${name}`, 'Int', `Number of unique values for ${of}`),
    aggregate(`countEmpty${name}`, 'Int', `Number of empty values for ${of}`),
    aggregate(`countNotEmpty${name}`, 'Int', `Number of non-empty values for ${of}`),
    aggregate(`percentageEmpty${name}`, 'Float', `Percentage of empty values for ${of}`),
    aggregate(`percentageNotEmpty${name}`, 'Float', `Percentage of non-empty values for ${of}`),
  ];
}

function numericOf(field: FieldMetadata): SdlField[] {
  const of = field.name;
  if (field.type === 'DATE_TIME') {
    const name = capitalize(field.name);
    return [
      aggregate(`min${name}`, 'DateTime', `Earliest date contained in the field ${of}`),
      aggregate(`max${name}`, 'DateTime', `Latest date contained in the field ${of}`),
    ];
  }
  if (field.type !== 'NUMBER' && field.type !== 'CURRENCY') return [];
  const name = capitalize(field.name) + (field.type === 'CURRENCY' ? 'AmountMicros' : '');
  return [
    aggregate(`min${name}`, 'Float', `Minimum amount contained in the field ${of}`),
    aggregate(`max${name}`, 'Float', `Maximum amount contained in the field ${of}`),
    aggregate(`avg${name}`, 'Float', `Average amount contained in the field ${of}`),
    aggregate(`sum${name}`, 'Float', `Sum of amounts contained in the field ${of}`),
  ];
}

export const TOTAL_COUNT: SdlField = aggregate(
  'totalCount',
  'Int',
  'Total number of records in the connection',
);

/** The aggregate fields of one field (none for relations). */
export function fieldAggregates(field: FieldMetadata): SdlField[] {
  if (field.type === 'RELATION' || field.type === 'MORPH_RELATION') return [];
  return [...countsOf(field), ...numericOf(field)];
}

/** The aggregate fields of a connection over an object with these fields. */
export function connectionAggregates(fields: readonly FieldMetadata[]): SdlField[] {
  return [TOTAL_COUNT, ...fields.flatMap(fieldAggregates)];
}
