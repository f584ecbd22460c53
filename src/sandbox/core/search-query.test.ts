import { describe, expect, it } from 'vitest';
import type { Authorizer } from '../authorizer.js';
import { coreError } from './errors.js';
import { at, C_ACME, harness, list, P_ADA, P_CARLA } from './fixtures.test-support.js';

const SEARCH = `query ($q: String!, $limit: Int!, $after: String, $only: [String!], $not: [String!], $filter: ObjectRecordFilterInput) {
  search(searchInput: $q, limit: $limit, after: $after, includedObjectNameSingulars: $only, excludedObjectNameSingulars: $not, filter: $filter) {
    edges { cursor node { recordId objectNameSingular objectLabelSingular label imageUrl tsRankCD tsRank } }
    pageInfo { endCursor hasNextPage }
  }
}`;

const nodes = (data: unknown) => list(data, 'search.edges').map((edge) => at(edge, 'node'));
const found = (data: unknown) =>
  nodes(data).map((node) => [at(node, 'objectNameSingular'), at(node, 'recordId')]);

describe('the search query', () => {
  it('finds records of every searchable object by a prefix of their searchable words', async () => {
    const data = await harness().run(SEARCH, { q: 'smi', limit: 10 });
    expect(found(data)).toEqual(
      expect.arrayContaining([
        ['person', P_ADA],
        ['person', P_CARLA],
      ]),
    );
    const ada = nodes(data).find((node) => at(node, 'recordId') === P_ADA);
    expect(ada).toMatchObject({ label: 'Ada Smith', objectLabelSingular: 'Person' });
    // A soft-deleted record is not found.
    expect(found(await harness().run(SEARCH, { q: 'gone', limit: 10 }))).toEqual([]);
  });

  it('takes a company by its domain, with its logo as the image', async () => {
    const data = await harness().run(SEARCH, { q: 'acme.com', limit: 10, only: ['company'] });
    expect(nodes(data)).toEqual([
      expect.objectContaining({
        recordId: C_ACME,
        label: 'Acme',
        imageUrl: 'https://twenty-icons.com/acme.com',
      }),
    ]);
  });

  it('keeps to the included objects, leaves out the excluded ones, and applies the filter', async () => {
    const h = harness();
    expect(found(await h.run(SEARCH, { q: 'a', limit: 50, not: ['person'] }))).not.toContainEqual([
      'person',
      P_ADA,
    ]);
    const filtered = await h.run(SEARCH, {
      q: 'smith',
      limit: 10,
      filter: { id: { eq: P_CARLA } },
    });
    expect(found(filtered)).toEqual([['person', P_CARLA]]);
  });

  it('pages with limit and the after cursor, without repeating a record', async () => {
    const h = harness();
    const all = found(await h.run(SEARCH, { q: '', limit: 100 }));
    expect(all.length).toBeGreaterThan(3);
    const first = await h.run(SEARCH, { q: '', limit: 2 });
    expect(at(first, 'search.pageInfo.hasNextPage')).toBe(true);
    const second = await h.run(SEARCH, {
      q: '',
      limit: 100,
      after: at(first, 'search.pageInfo.endCursor'),
    });
    expect([...found(first), ...found(second)]).toEqual(all);
  });

  it('leaves out the objects the role cannot read, and the rows it cannot reach', async () => {
    const authorizer: Authorizer = {
      check(request) {
        if (request.object.nameSingular === 'company') throw coreError('Permission denied');
      },
      rowFilter: (_principal, object) =>
        object.nameSingular === 'person' ? (record) => record.city === 'Paris' : undefined,
    };
    const data = await harness({ authorizer }).run(SEARCH, { q: '', limit: 100 });
    const objects = new Set(found(data).map(([object]) => object));
    expect(objects.has('company')).toBe(false);
    expect(found(data).filter(([object]) => object === 'person')).toEqual([['person', P_ADA]]);
  });
});
