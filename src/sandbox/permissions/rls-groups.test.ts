import { describe, expect, it } from 'vitest';
import { COMPANY, group, predicate } from './fixtures.test-support.js';
import { filterFor, kept, rows } from './rls.test-support.js';

const companies = rows({
  euBig: { region: 'EMEA', employees: 500 },
  euSmall: { region: 'EMEA', employees: 5 },
  usBig: { region: 'AMER', employees: 800 },
  usSmall: { region: 'AMER', employees: 8 },
});
const inEurope = (groupId?: string) =>
  predicate(COMPANY, 'region', 'CONTAINS', {
    value: 'EMEA',
    rowLevelPermissionPredicateGroupId: groupId ?? null,
  });
const isBig = (groupId?: string) =>
  predicate(COMPANY, 'employees', 'GREATER_THAN_OR_EQUAL', {
    value: 100,
    rowLevelPermissionPredicateGroupId: groupId ?? null,
  });
const isSmall = (groupId?: string) =>
  predicate(COMPANY, 'employees', 'LESS_THAN_OR_EQUAL', {
    value: 10,
    rowLevelPermissionPredicateGroupId: groupId ?? null,
  });

describe('row-level predicate groups', () => {
  it('ANDs predicates that belong to no group', () => {
    expect(kept([inEurope(), isBig()], companies)).toEqual(['euBig']);
  });

  it('keeps a row meeting every predicate of an AND group', () => {
    expect(kept([inEurope('g'), isBig('g')], companies, [group('g', 'AND')])).toEqual(['euBig']);
  });

  it('keeps a row meeting any predicate of an OR group', () => {
    expect(kept([inEurope('g'), isBig('g')], companies, [group('g', 'OR')])).toEqual([
      'euBig',
      'euSmall',
      'usBig',
    ]);
  });

  it('nests an OR group inside an AND group', () => {
    const groups = [group('root', 'AND'), group('size', 'OR', 'root')];
    const predicates = [inEurope('root'), isBig('size'), isSmall('size')];
    expect(kept(predicates, companies, groups)).toEqual(['euBig', 'euSmall']);
  });

  it('ANDs ungrouped predicates with the group', () => {
    const predicates = [inEurope(), isBig('g'), isSmall('g')];
    expect(kept(predicates, companies, [group('g', 'OR')])).toEqual(['euBig', 'euSmall']);
  });

  it('honours only the first group without a parent, as Twenty compiles them', () => {
    const groups = [group('first', 'AND'), group('second', 'AND')];
    expect(kept([isBig('first'), inEurope('second')], companies, groups)).toEqual([
      'euBig',
      'usBig',
    ]);
  });

  it('ignores a predicate whose group does not exist', () => {
    expect(filterFor([inEurope('missing')])).toBeUndefined();
  });
});
