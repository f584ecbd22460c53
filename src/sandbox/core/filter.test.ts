import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { FieldMetadata, FieldMetadataType } from '../../host/core-schema/object-metadata.js';
import { compileFilter, type RecordFilter } from './filter.js';
import { sandboxObject } from './fixtures.test-support.js';

function field(name: string, type: FieldMetadataType): FieldMetadata {
  return { name, label: name, type, isNullable: true };
}

const gadget = sandboxObject({
  nameSingular: 'gadget',
  namePlural: 'gadgets',
  labelSingular: 'Gadget',
  labelPlural: 'Gadgets',
  fields: [
    field('id', 'UUID'),
    field('label', 'TEXT'),
    field('size', 'NUMBER'),
    field('madeAt', 'DATE_TIME'),
    field('tags', 'ARRAY'),
    field('colours', 'MULTI_SELECT'),
    field('data', 'RAW_JSON'),
    field('name', 'FULL_NAME'),
  ],
});

type Row = Readonly<Record<string, unknown>>;

function truth(filter: RecordFilter, row: Row): boolean | null {
  return compileFilter(gadget, filter)(row);
}

function refusal(filter: RecordFilter): string {
  try {
    compileFilter(gadget, filter);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    return (error as GraphQLError).message;
  }
  throw new Error('the filter was accepted');
}

describe('compileFilter', () => {
  it('reads only the first operator of a field, as Twenty’s field parser does', () => {
    const row = { label: 'a' };
    expect(truth({ label: { eq: 'a', neq: 'a' } }, row)).toBe(true);
    expect(truth({ label: { neq: 'a', eq: 'a' } }, row)).toBe(false);
    expect(
      truth({ name: { firstName: { eq: 'Ada', like: 'x' } } }, { name: { firstName: 'Ada' } }),
    ).toBe(true);
  });

  it('refuses a field without an operator, or a null where a filter belongs', () => {
    expect(refusal({ label: {} })).toBe('Filter for field "label" must have exactly one operator');
    expect(refusal({ label: null })).toBe('Filter value for field "label" must be an object');
    expect(refusal({ name: { firstName: null } })).toBe(
      'Filter value for field "name.firstName" must be an object',
    );
    expect(refusal({ and: null })).toBe('Filter value for "and" must be a filter');
  });

  it('names an unknown field or sub-field as Twenty does', () => {
    expect(refusal({ colour: { eq: 'red' } })).toBe(
      'Object gadget doesn\'t have any "colour" field.',
    );
    expect(refusal({ name: { middleName: { eq: 'Q' } } })).toBe(
      'Sub field "middleName" not found for composite type: FULL_NAME',
    );
  });

  it('refuses in, contains and notContains without a non-empty list', () => {
    const message = (key: string) =>
      `Invalid filter value for field ${key}. Expected non-empty array`;
    expect(refusal({ label: { in: [] } })).toBe(message('label'));
    expect(refusal({ label: { in: 'a' } })).toBe(message('label'));
    expect(refusal({ tags: { contains: [] } })).toBe(message('tags'));
    expect(refusal({ tags: { notContains: 'a' } })).toBe(message('tags'));
    expect(refusal({ name: { lastName: { in: [] } } })).toBe(message('lastName'));
  });

  it('refuses the operators the filter inputs declare but Twenty’s SQL builder has no case for', () => {
    for (const operator of ['regex', 'iregex']) {
      expect(refusal({ label: { [operator]: 'a' } })).toBe(
        `Operator "${operator}" is not supported`,
      );
    }
    expect(refusal({ tags: { not_contains: ['a'] } })).toBe(
      'Operator "not_contains" is not supported',
    );
    expect(refusal({ data: { containsJsonb: '{}' } })).toBe(
      'Operator "containsJsonb" is not supported',
    );
  });

  it('keeps in unknown when the list holds NULL and nothing matches, so not selects nothing', () => {
    const filter = { label: { in: ['a', null] } };
    expect(truth(filter, { label: 'a' })).toBe(true);
    expect(truth(filter, { label: 'b' })).toBeNull();
    expect(truth({ not: filter }, { label: 'b' })).toBeNull();
    expect(truth({ not: { label: { in: ['a'] } } }, { label: 'b' })).toBe(true);
  });

  it('leaves a comparison with NULL unknown, on either side', () => {
    expect(truth({ size: { gt: 1 } }, { size: null })).toBeNull();
    expect(truth({ size: { neq: null } }, { size: 3 })).toBeNull();
    expect(truth({ size: { is: 'NULL' } }, {})).toBe(true);
    expect(truth({ size: { is: 'NOT_NULL' } }, { size: 0 })).toBe(true);
  });

  it('compares numbers as numbers and instants as instants, to the millisecond', () => {
    expect(truth({ size: { gt: 9 } }, { size: 10 })).toBe(true);
    const madeAt = { madeAt: '2026-06-30T12:00:00.120Z' };
    expect(truth({ madeAt: { eq: '2026-06-30T14:00:00.12+02:00' } }, madeAt)).toBe(true);
    expect(truth({ madeAt: { lt: '2026-06-30T12:00:00.121Z' } }, madeAt)).toBe(true);
    // A date-only operand is midnight UTC, as PostgreSQL casts it in a UTC session.
    expect(truth({ madeAt: { gt: '2026-06-30' } }, { madeAt: '2026-06-30T00:00:00.000Z' })).toBe(
      false,
    );
  });

  it('matches like, startsWith and endsWith against the column as ::text prints it', () => {
    expect(truth({ label: { like: '50\\%%' } }, { label: '50% off' })).toBe(true);
    expect(truth({ label: { like: '50\\%%' } }, { label: '500 off' })).toBe(false);
    expect(truth({ label: { ilike: 'A_C' } }, { label: 'abc' })).toBe(true);
    expect(truth({ tags: { like: '{a,"b c"}' } }, { tags: ['a', 'b c'] })).toBe(true);
    expect(
      truth({ data: { like: '{"b": 1, "aa": [1, 2]}' } }, { data: { aa: [1, 2], b: 1 } }),
    ).toBe(true);
    expect(
      truth(
        { madeAt: { startsWith: '2026-06-30 12:00:00.12+00' } },
        {
          madeAt: '2026-06-30T12:00:00.120Z',
        },
      ),
    ).toBe(true);
    expect(truth({ label: { endsWith: 'off' } }, { label: '50% off' })).toBe(true);
  });

  it('binds a null pattern as the text "null", as Twenty’s `${value}` does', () => {
    expect(truth({ label: { like: null } }, { label: 'null' })).toBe(true);
  });

  it('compares array items as text, NULL items matching nothing', () => {
    const row = { tags: ['a', 'b', null], colours: ['RED'] };
    expect(truth({ tags: { containsAny: ['b', 'z'] } }, row)).toBe(true);
    expect(truth({ tags: { contains: ['a', 'b'] } }, row)).toBe(true);
    expect(truth({ tags: { contains: ['a', null] } }, row)).toBe(false);
    expect(truth({ tags: { notContains: ['z'] } }, row)).toBe(true);
    expect(truth({ colours: { containsAny: ['RED'] } }, row)).toBe(true);
    expect(truth({ tags: { isEmptyArray: true } }, { tags: [] })).toBe(true);
    expect(truth({ tags: { isEmptyArray: false } }, { tags: [] })).toBe(true);
    expect(truth({ tags: { containsAny: ['a'] } }, { tags: null })).toBeNull();
  });

  it('reads containsIlike on a NULL array as false, not unknown, since EXISTS never is', () => {
    expect(truth({ tags: { containsIlike: ['%B%'] } }, { tags: ['abc'] })).toBe(true);
    expect(truth({ tags: { containsIlike: ['%b%'] } }, { tags: null })).toBe(false);
    expect(truth({ not: { tags: { containsIlike: ['%b%'] } } }, { tags: null })).toBe(true);
  });

  it('ANDs the sub-fields of a composite, and reads an empty one as no condition', () => {
    const row = { name: { firstName: 'Ada', lastName: 'Lovelace' } };
    expect(truth({ name: { firstName: { eq: 'Ada' }, lastName: { eq: 'Byron' } } }, row)).toBe(
      false,
    );
    expect(truth({ name: {} }, row)).toBe(true);
  });
});
