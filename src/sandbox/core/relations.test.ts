import { describe, expect, it } from 'vitest';
import type { ObjectMetadata } from '../../host/core-schema/object-metadata.js';
import { STANDARD_OBJECTS } from '../../host/core-schema/standard-objects.js';
import {
  at,
  O_NONE,
  uuid,
  C_ACME,
  C_GLOBEX,
  harness,
  ids,
  list,
  makeState,
  O_BIG,
  O_WON,
  P_ADA,
  P_CARLA,
  sandboxObject,
} from './fixtures.test-support.js';

describe('relations', () => {
  it('resolves a many-to-one relation from its join column', async () => {
    const data = await harness().run(
      '{ opportunities { edges { node { id company { name } pointOfContact { name { firstName } } owner { userId } } } } }',
    );
    expect(list(at(data, 'opportunities.edges')).map((edge) => at(edge, 'node'))).toEqual([
      {
        id: O_BIG,
        company: { name: 'Acme' },
        pointOfContact: { name: { firstName: 'Ada' } },
        owner: null,
      },
      { id: O_NONE, company: { name: 'Globex' }, pointOfContact: null, owner: null },
      {
        id: O_WON,
        company: { name: 'Acme' },
        pointOfContact: null,
        owner: { userId: uuid(901) },
      },
    ]);
  });

  it('hides a soft-deleted related record', async () => {
    const h = harness();
    await h.run('mutation ($id: UUID!) { deleteCompany(id: $id) { id } }', { id: C_ACME });
    const data = await h.run('{ people { edges { node { company { id } } } } }');
    expect(list(at(data, 'people.edges')).map((edge) => at(edge, 'node.company'))).toEqual([
      null,
      { id: C_GLOBEX },
      null,
    ]);
  });

  it('resolves a one-to-many relation as a connection with filter, order and first', async () => {
    const data = await harness().run(
      '{ companies { edges { node { name people(orderBy: [{ name: { firstName: DescNullsLast } }]) { totalCount edges { node { id } } } opportunities(filter: { stage: { eq: CUSTOMER } }, first: 1) { edges { node { id } } } } } } }',
    );
    const [acme, globex] = list(at(data, 'companies.edges')).map((edge) => at(edge, 'node'));
    expect(ids(acme, 'people')).toEqual([P_CARLA, P_ADA]);
    expect(at(acme, 'people.totalCount')).toBe(2);
    expect(ids(acme, 'opportunities')).toEqual([O_WON]);
    expect(at(globex, 'people.totalCount')).toBe(1);
  });
});

describe('groupBy', () => {
  it('groups records by a field with per-group connections and aggregates', async () => {
    const data = await harness().run(
      '{ opportunitiesGroupBy(groupBy: [{ companyId: true }], orderBy: [{ aggregate: { totalCount: DescNullsLast } }]) { groupByDimensionValues totalCount sumAmountAmountMicros edges { node { id } } } }',
    );
    expect(list(at(data, 'opportunitiesGroupBy'))).toEqual([
      {
        groupByDimensionValues: [C_ACME],
        totalCount: 2,
        sumAmountAmountMicros: 5_001_000_000,
        edges: [{ node: { id: O_BIG } }, { node: { id: O_WON } }],
      },
      {
        groupByDimensionValues: [C_GLOBEX],
        totalCount: 1,
        sumAmountAmountMicros: null,
        edges: [{ node: { id: O_NONE } }],
      },
    ]);
  });

  it('groups by composite sub-fields and by date granularity, within the filter', async () => {
    const h = harness();
    const byName = await h.run(
      '{ peopleGroupBy(groupBy: [{ name: { lastName: true } }], orderBy: [{ name: { lastName: AscNullsLast } }]) { groupByDimensionValues totalCount } }',
    );
    expect(list(at(byName, 'peopleGroupBy'))).toEqual([
      { groupByDimensionValues: ['Jones'], totalCount: 1 },
      { groupByDimensionValues: ['Smith'], totalCount: 2 },
    ]);
    const byMonth = await h.run(
      '{ opportunitiesGroupBy(groupBy: [{ closeDate: { granularity: MONTH } }], filter: { closeDate: { is: NOT_NULL } }) { groupByDimensionValues totalCount } }',
    );
    expect(list(at(byMonth, 'opportunitiesGroupBy'))).toEqual([
      { groupByDimensionValues: ['2026-01'], totalCount: 1 },
      { groupByDimensionValues: ['2026-03'], totalCount: 1 },
    ]);
  });
});

const PROJECT: ObjectMetadata = {
  nameSingular: 'project',
  namePlural: 'projects',
  labelSingular: 'Project',
  labelPlural: 'Projects',
  isCustom: true,
  fields: [
    ...(STANDARD_OBJECTS[0]?.fields.filter((field) => field.isSystem === true) ?? []),
    { name: 'title', label: 'Title', type: 'TEXT', isNullable: true },
    { name: 'tags', label: 'Tags', type: 'ARRAY', isNullable: true },
    {
      name: 'colors',
      label: 'Colors',
      type: 'MULTI_SELECT',
      isNullable: true,
      options: [
        { value: 'RED', label: 'Red', position: 0 },
        { value: 'BLUE', label: 'Blue', position: 1 },
      ],
    },
  ],
};

describe('custom objects', () => {
  it('serves an object added to the state after the first request, with array filters', async () => {
    const state = makeState();
    const h = harness({ state });
    await h.run('{ companies { totalCount } }');
    state.objects.push(sandboxObject(PROJECT, true));
    await h.run(
      'mutation { createProjects(data: [{ title: "A", tags: ["alpha", "Beta"], colors: [RED] }, { title: "B", tags: [], colors: [BLUE, RED] }, { title: "C" }]) { id } }',
    );
    const titles = async (filter: string): Promise<string[]> => {
      const data = await h.run(`{ projects(filter: ${filter}) { edges { node { title } } } }`);
      return list(at(data, 'projects.edges')).map((edge) => String(at(edge, 'node.title')));
    };
    expect(await titles('{ tags: { containsIlike: ["%bet%"] } }')).toEqual(['A']);
    expect(await titles('{ tags: { isEmptyArray: true } }')).toEqual(['B']);
    expect(await titles('{ tags: { is: NULL } }')).toEqual(['C']);
    expect(await titles('{ colors: { containsAny: [BLUE] } }')).toEqual(['B']);
    expect(await titles('{ not: { tags: { isEmptyArray: true } } }')).toEqual(['A']);
  });
});

describe('schema', () => {
  it('keeps one schema while the objects are unchanged and rebuilds it when they change', () => {
    const state = makeState();
    const h = harness({ state });
    const first = h.api.schema;
    expect(h.api.schema).toBe(first);
    expect(first.getQueryType()?.getFields().projects).toBeUndefined();
    state.objects.push(sandboxObject(PROJECT, true));
    expect(h.api.schema).not.toBe(first);
    expect(h.api.schema.getQueryType()?.getFields().projects).toBeDefined();
  });

  it('leaves inactive objects out of the schema', () => {
    const state = makeState([{ ...sandboxObject(PROJECT, true), isActive: false }]);
    expect(harness({ state }).api.schema.getQueryType()?.getFields().projects).toBeUndefined();
  });
});
