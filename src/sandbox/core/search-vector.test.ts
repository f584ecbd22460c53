import { describe, expect, it } from 'vitest';
import { at, C_ACME, harness, ids, P_ADA, P_BOB, P_CARLA } from './fixtures.test-support.js';

async function people(search: string): Promise<string[]> {
  const data = await harness().run(
    'query ($s: String) { people(filter: { searchVector: { search: $s } }) { edges { node { id } } } }',
    { s: search },
  );
  return ids(at(data, 'people'));
}

describe('searchVector, computed from the search fields', () => {
  it("prints the words of a person's name, emails and job title as a tsvector, city left out", async () => {
    const data = await harness().run(
      `{ person(filter: { id: { eq: "${P_ADA}" } }) { searchVector } company(filter: { id: { eq: "${C_ACME}" } }) { searchVector } }`,
    );
    expect(at(data, 'person.searchVector')).toBe(
      "'acme.com':4 'ada':1 'ada@acme.com':3 'ceo':5 'smith':2",
    );
    expect(at(data, 'company.searchVector')).toBe("'acme':1 'acme.com':2");
  });
});

describe('the search filter', () => {
  it('matches each term as a word prefix, every term required, case aside', async () => {
    expect(await people('smi')).toEqual([P_ADA, P_CARLA]);
    expect(await people('Smith ada')).toEqual([P_ADA]);
    expect(await people('smith bob')).toEqual([]);
    expect(await people('globex')).toEqual([P_BOB]);
  });

  it("also matches the vector's text anywhere (ILIKE), and an empty search matches all", async () => {
    expect(await people('zz.com')).toEqual([]);
    expect(await people('x.com')).toEqual([P_BOB]);
    expect(await people('cme.c')).toEqual([P_ADA]);
    expect((await people('')).length).toBeGreaterThan(2);
  });

  it('refuses any other operator, as Twenty does', async () => {
    await expect(
      harness().run('{ people(filter: { searchVector: { eq: "ada" } }) { totalCount } }'),
    ).rejects.toThrow();
  });
});
