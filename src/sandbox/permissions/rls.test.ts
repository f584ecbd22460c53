import { describe, expect, it } from 'vitest';
import type { RlsPredicate } from '../workspace.js';
import {
  COMPANY,
  MEMBER_ID,
  OTHER_MEMBER_ID,
  WORKSPACE_MEMBER,
  fieldId,
  predicate,
  record,
} from './fixtures.test-support.js';
import { filterFor, kept, rows } from './rls.test-support.js';

describe('row-level predicates: text', () => {
  const companies = rows({ a: { name: 'Acme Corp' }, b: { name: 'Globex' }, c: { name: null } });

  it('keeps rows whose text contains the value, ignoring case', () => {
    expect(kept([predicate(COMPANY, 'name', 'CONTAINS', { value: 'acme' })], companies)).toEqual([
      'a',
    ]);
  });

  it('keeps rows whose text does not contain the value, but not empty ones', () => {
    const doesNot = predicate(COMPANY, 'name', 'DOES_NOT_CONTAIN', { value: 'acme' });
    expect(kept([doesNot], companies)).toEqual(['b']);
  });

  it('treats NULL and the empty string as empty', () => {
    const withBlank = [...companies, record('d', { name: '' })];
    expect(kept([predicate(COMPANY, 'name', 'IS_EMPTY')], withBlank)).toEqual(['c', 'd']);
    expect(kept([predicate(COMPANY, 'name', 'IS_NOT_EMPTY')], withBlank)).toEqual(['a', 'b']);
  });
});

describe('row-level predicates: numbers, currency and ratings', () => {
  const companies = rows({ small: { employees: 10 }, big: { employees: 500 }, none: {} });

  it('compares numbers with >= and <=, leaving NULL out', () => {
    const atLeast = predicate(COMPANY, 'employees', 'GREATER_THAN_OR_EQUAL', { value: 100 });
    const atMost = predicate(COMPANY, 'employees', 'LESS_THAN_OR_EQUAL', { value: '10' });
    expect(kept([atLeast], companies)).toEqual(['big']);
    expect(kept([atMost], companies)).toEqual(['small']);
  });

  it('keeps rows equal or not equal to a number, NULL in neither', () => {
    expect(kept([predicate(COMPANY, 'employees', 'IS', { value: 10 })], companies)).toEqual([
      'small',
    ]);
    expect(kept([predicate(COMPANY, 'employees', 'IS_NOT', { value: 10 })], companies)).toEqual([
      'big',
    ]);
  });

  it('compares a currency amount in units against amountMicros', () => {
    const deals = rows({
      low: { arr: { amountMicros: 5_000_000, currencyCode: 'USD' } },
      high: { arr: { amountMicros: 50_000_000, currencyCode: 'EUR' } },
    });
    const atLeast = predicate(COMPANY, 'arr', 'GREATER_THAN_OR_EQUAL', { value: 10 });
    expect(kept([atLeast], deals)).toEqual(['high']);
  });

  it('matches currency codes from a list', () => {
    const deals = rows({
      usd: { arr: { currencyCode: 'USD' } },
      eur: { arr: { currencyCode: 'EUR' } },
    });
    const inEuro = predicate(COMPANY, 'arr', 'IS', {
      value: ['EUR'],
      subFieldName: 'currencyCode',
    });
    expect(kept([inEuro], deals)).toEqual(['eur']);
  });

  it('keeps ratings at or above a number of stars', () => {
    const rated = rows({ two: { rating: 'RATING_2' }, four: { rating: 'RATING_4' } });
    const threeUp = predicate(COMPANY, 'rating', 'GREATER_THAN_OR_EQUAL', { value: 3 });
    expect(kept([threeUp], rated)).toEqual(['four']);
  });
});

describe('row-level predicates: dates', () => {
  const companies = rows({
    old: { foundedOn: '2020-01-01', renewsAt: '2026-06-01T00:00:00.000Z' },
    today: { foundedOn: '2026-06-15', renewsAt: '2026-06-15T18:00:00.000Z' },
    later: { foundedOn: '2027-03-01', renewsAt: '2026-09-01T00:00:00.000Z' },
  });
  const ids = (operand: RlsPredicate['operand'], fieldName: string, value?: string) =>
    kept([predicate(COMPANY, fieldName, operand, { value })], companies);

  it('keeps dates before a day (exclusive) and after a day (inclusive)', () => {
    expect(ids('IS_BEFORE', 'foundedOn', '2026-06-15')).toEqual(['old']);
    expect(ids('IS_AFTER', 'foundedOn', '2026-06-15')).toEqual(['today', 'later']);
  });

  it('keeps dates in the past, today and in the future', () => {
    expect(ids('IS_IN_PAST', 'foundedOn')).toEqual(['old']);
    expect(ids('IS_TODAY', 'foundedOn')).toEqual(['today']);
    expect(ids('IS_IN_FUTURE', 'foundedOn')).toEqual(['today', 'later']);
  });

  it('keeps instants before, after and on a day', () => {
    expect(ids('IS_BEFORE', 'renewsAt', '2026-06-15T00:00:00.000Z')).toEqual(['old']);
    expect(ids('IS_AFTER', 'renewsAt', '2026-06-15T00:00:00.000Z')).toEqual(['today', 'later']);
    expect(ids('IS', 'renewsAt', '2026-06-15')).toEqual(['today']);
  });

  it('keeps instants in the past, today and in the future', () => {
    expect(ids('IS_IN_PAST', 'renewsAt')).toEqual(['old']);
    expect(ids('IS_TODAY', 'renewsAt')).toEqual(['today']);
    expect(ids('IS_IN_FUTURE', 'renewsAt')).toEqual(['today', 'later']);
  });

  it('keeps instants in a past, next or current relative range', () => {
    const renewals = rows({
      lastWeek: { renewsAt: '2026-06-10T00:00:00.000Z' },
      nextWeek: { renewsAt: '2026-06-20T00:00:00.000Z' },
      nextYear: { renewsAt: '2027-02-01T00:00:00.000Z' },
    });
    const relative = (value: string) =>
      kept([predicate(COMPANY, 'renewsAt', 'IS_RELATIVE', { value })], renewals);
    expect(relative('PAST_7_DAY')).toEqual(['lastWeek']);
    expect(relative('NEXT_1_MONTH')).toEqual(['nextWeek']);
    expect(relative('THIS_1_MONTH')).toEqual(['lastWeek', 'nextWeek']);
  });

  it('keeps dates in a relative range of days', () => {
    const founded = rows({ recent: { foundedOn: '2026-06-12' }, old: { foundedOn: '2026-01-01' } });
    const pastWeek = predicate(COMPANY, 'foundedOn', 'IS_RELATIVE', { value: 'PAST_7_DAY' });
    expect(kept([pastWeek], founded)).toEqual(['recent']);
  });

  it('denies every row for a relative range it cannot read', () => {
    expect(ids('IS_RELATIVE', 'renewsAt', 'SOON_7_DAY')).toEqual([]);
  });
});

describe('row-level predicates: options, lists, booleans and uuids', () => {
  it('keeps rows whose select value is one of the options, and the others with IS_NOT', () => {
    const companies = rows({ gold: { tier: 'GOLD' }, silver: { tier: 'SILVER' }, none: {} });
    const value = ['GOLD', 'PLATINUM'];
    expect(kept([predicate(COMPANY, 'tier', 'IS', { value })], companies)).toEqual(['gold']);
    expect(kept([predicate(COMPANY, 'tier', 'IS_NOT', { value })], companies)).toEqual(['silver']);
  });

  it('keeps rows whose multi-select holds any of the options', () => {
    const companies = rows({ a: { tags: ['vip', 'eu'] }, b: { tags: ['us'] }, c: { tags: [] } });
    const value = JSON.stringify(['eu']);
    expect(kept([predicate(COMPANY, 'tags', 'CONTAINS', { value })], companies)).toEqual(['a']);
    expect(kept([predicate(COMPANY, 'tags', 'DOES_NOT_CONTAIN', { value })], companies)).toEqual([
      'b',
      'c',
    ]);
  });

  it('keeps rows whose array holds an item containing the value', () => {
    const companies = rows({ a: { domains: ['acme.com'] }, b: { domains: ['globex.io'] } });
    expect(kept([predicate(COMPANY, 'domains', 'CONTAINS', { value: '.COM' })], companies)).toEqual(
      ['a'],
    );
  });

  it('compares a boolean with the value true', () => {
    const companies = rows({ yes: { isPartner: true }, no: { isPartner: false } });
    expect(kept([predicate(COMPANY, 'isPartner', 'IS', { value: true })], companies)).toEqual([
      'yes',
    ]);
  });

  it('keeps rows whose uuid is among the ids', () => {
    const companies = rows({ a: { externalId: MEMBER_ID }, b: { externalId: OTHER_MEMBER_ID } });
    const value = [OTHER_MEMBER_ID];
    expect(kept([predicate(COMPANY, 'externalId', 'IS', { value })], companies)).toEqual(['b']);
  });
});

describe('row-level predicates: relations and the current member', () => {
  const companies = rows({
    mine: { accountOwnerId: MEMBER_ID, createdBy: { workspaceMemberId: OTHER_MEMBER_ID } },
    theirs: { accountOwnerId: OTHER_MEMBER_ID, createdBy: { workspaceMemberId: MEMBER_ID } },
    nobody: { accountOwnerId: null, createdBy: { workspaceMemberId: null } },
  });

  it('keeps rows related to one of the selected records', () => {
    const value = { selectedRecordIds: [OTHER_MEMBER_ID] };
    expect(kept([predicate(COMPANY, 'accountOwner', 'IS', { value })], companies)).toEqual([
      'theirs',
    ]);
  });

  it('keeps rows related to the current workspace member when selected', () => {
    const value = { isCurrentWorkspaceMemberSelected: true, selectedRecordIds: [] };
    expect(kept([predicate(COMPANY, 'accountOwner', 'IS', { value })], companies)).toEqual([
      'mine',
    ]);
  });

  it('keeps unrelated rows, and rows with no relation, with IS_NOT', () => {
    const value = { isCurrentWorkspaceMemberSelected: true, selectedRecordIds: [] };
    expect(kept([predicate(COMPANY, 'accountOwner', 'IS_NOT', { value })], companies)).toEqual([
      'theirs',
      'nobody',
    ]);
  });

  it('keeps rows the current member created', () => {
    const value = { isCurrentWorkspaceMemberSelected: true, selectedRecordIds: [] };
    const createdByMe = predicate(COMPANY, 'createdBy', 'IS', {
      value,
      subFieldName: 'workspaceMemberId',
    });
    expect(kept([createdByMe], companies)).toEqual(['theirs']);
  });

  it("compares a field with the current member's value of a member field", () => {
    const regional = rows({ eu: { region: 'EMEA' }, us: { region: 'AMER' } });
    const sameRegion = predicate(COMPANY, 'region', 'CONTAINS', {
      workspaceMemberFieldMetadataId: fieldId(WORKSPACE_MEMBER, 'region'),
    });
    expect(kept([sameRegion], regional)).toEqual(['eu']);
  });

  it("wraps the current member's select value in a list for a select field", () => {
    const tiers = rows({ gold: { tier: 'GOLD' }, silver: { tier: 'SILVER' } });
    const sameTier = predicate(COMPANY, 'tier', 'IS', {
      workspaceMemberFieldMetadataId: fieldId(WORKSPACE_MEMBER, 'tier'),
    });
    expect(kept([sameTier], tiers)).toEqual(['gold']);
  });

  it('denies every row when the current member has no value in the member field', () => {
    const sameEmail = predicate(COMPANY, 'region', 'CONTAINS', {
      workspaceMemberFieldMetadataId: fieldId(WORKSPACE_MEMBER, 'name'),
      workspaceMemberSubFieldName: 'middleName',
    });
    expect(kept([sameEmail], rows({ eu: { region: 'EMEA' } }))).toEqual([]);
  });
});

describe('row-level predicates: values', () => {
  it('drops a predicate whose value is empty', () => {
    const companies = rows({ a: { name: 'Acme' }, b: { name: 'Globex' } });
    expect(filterFor([predicate(COMPANY, 'name', 'CONTAINS', { value: '' })])).toBeUndefined();
    expect(
      kept(
        [
          predicate(COMPANY, 'tier', 'IS', { value: [] }),
          predicate(COMPANY, 'name', 'CONTAINS', { value: 'ac' }),
        ],
        companies,
      ),
    ).toEqual(['a']);
  });
});

describe('row-level predicates: unsupported operands', () => {
  it('denies every row for an operand the field type does not take', () => {
    expect(
      kept([predicate(COMPANY, 'name', 'IS', { value: 'Acme' })], rows({ a: { name: 'Acme' } })),
    ).toEqual([]);
  });

  it('denies every row for IS_NOT_NULL and VECTOR_SEARCH', () => {
    const companies = rows({ a: { name: 'Acme' } });
    expect(kept([predicate(COMPANY, 'name', 'IS_NOT_NULL')], companies)).toEqual([]);
    expect(kept([predicate(COMPANY, 'name', 'VECTOR_SEARCH', { value: 'a' })], companies)).toEqual(
      [],
    );
  });
});
