import { beforeAll, describe, expect, it } from 'vitest';
import {
  AMOUNT_RANGE,
  DEFAULT_REFERENCE,
  OPPORTUNITY_STAGES,
  seedWorkspace,
  type CompanyRecord,
  type OpportunityRecord,
  type SeedData,
} from './seed.js';

const DAY_MS = 86_400_000;
const reference = DEFAULT_REFERENCE.getTime();

/** The items that break a rule: checking thousands of records with one `expect` each is slow. */
const breaking = <T>(items: readonly T[], rule: (item: T) => boolean): T[] =>
  items.filter((item) => !rule(item));

let data: SeedData;
beforeAll(() => {
  data = seedWorkspace();
});

describe('the seeded opportunities', () => {
  it('have whole-micro amounts from 5k to 2M, and a few none', () => {
    const amounts = data.opportunities.map((o) => o.amount.amountMicros);
    const known = amounts.filter((a) => a !== null);
    expect(known.length).toBeLessThan(amounts.length);
    expect(known.length / amounts.length).toBeGreaterThan(0.9);
    const wholeAndInRange = (micros: number): boolean =>
      Number.isSafeInteger(micros) &&
      micros % 1_000_000 === 0 &&
      micros >= AMOUNT_RANGE.min * 1e6 &&
      micros <= AMOUNT_RANGE.max * 1e6;
    expect(breaking(known, wholeAndInRange)).toEqual([]);
  });

  it('close within twelve months before and six after the reference, won deals in the past', () => {
    const inWindow = (o: OpportunityRecord): boolean => {
      const close = Date.parse(o.closeDate ?? '');
      return (
        close >= reference - 365 * DAY_MS &&
        close <= reference + 183 * DAY_MS &&
        (o.stage !== 'CUSTOMER' || close < reference)
      );
    };
    expect(breaking(data.opportunities, inWindow)).toEqual([]);
    const closes = data.opportunities.map((o) => Date.parse(o.closeDate ?? ''));
    expect(closes.some((c) => c < reference - 300 * DAY_MS)).toBe(true);
    expect(closes.some((c) => c > reference + 150 * DAY_MS)).toBe(true);
  });

  it('spread over every stage without any dominating', () => {
    for (const stage of OPPORTUNITY_STAGES) {
      const share = data.opportunities.filter((o) => o.stage === stage).length / 3000;
      expect(share).toBeGreaterThan(0.08);
      expect(share).toBeLessThan(0.5);
    }
  });

  it('sum into their company’s annual recurring revenue when won', () => {
    const won = new Map<string, number>();
    for (const o of data.opportunities) {
      if (o.stage !== 'CUSTOMER' || o.amount.amountMicros === null) continue;
      won.set(o.companyId ?? '', (won.get(o.companyId ?? '') ?? 0) + o.amount.amountMicros);
    }
    const matches = (c: CompanyRecord): boolean =>
      c.annualRecurringRevenue.amountMicros === (won.get(c.id) ?? null);
    expect(breaking(data.companies, matches)).toEqual([]);
  });
});
