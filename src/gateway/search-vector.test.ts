/**
 * The workspace-wide `search` through the gateway: each member's search covers only the
 * objects it reads whole with every search field in clear, whatever the client asks and
 * whatever the host's own role lets through. Each test asks the host directly too, which does
 * answer with the records, so each can fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctNames, split, who } from './bypass/bypass.test-support.js';
import {
  gatewayFixture,
  type Answer,
  type GatewayFixture,
} from './testing/gateway.test-support.js';
import { NO_SEARCHABLE_OBJECT, searchableObjectNames } from './core/search-vector.js';
import type { GatewayObject } from './core/model.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture();
}, 60_000);
afterAll(async () => fx.close());

const search = (args = '') => ({
  query: `{ search(searchInput: "", limit: 200${args}) { edges { node { recordId objectNameSingular label } } pageInfo { hasNextPage } } }`,
});

function found(answer: Answer): [string, string][] {
  const data = answer.body.data as {
    search?: { edges: { node: { objectNameSingular: string; recordId: string } }[] };
  } | null;
  return (data?.search?.edges ?? []).map((e) => [e.node.objectNameSingular, e.node.recordId]);
}

const objectsOf = (answer: Answer) => new Set(found(answer).map(([object]) => object));

describe('search through the gateway', () => {
  it('finds nothing of an object a member reads only in part, though the host would answer', async () => {
    // A junior rep reads the companies of the team: search cannot carry that scope.
    const rep = who(fx, 'sales-rep', 'junior');
    const { inside, outside } = split(fx, rep.id, 'company');
    expect(inside.length).toBeGreaterThan(0);
    const names = distinctNames(outside, inside);
    const direct = await fx.graphql(rep.token, search(), true);
    expect(objectsOf(direct).has('company')).toBe(true);
    expect(names.some((name) => direct.text.includes(name))).toBe(true);
    const through = await fx.graphql(rep.token, search());
    expect(through.body.errors).toBeUndefined();
    expect(objectsOf(through).has('company')).toBe(false);
    expect(names.filter((name) => through.text.includes(name))).toEqual([]);
  });

  it('keeps to the objects a member reads whole with every search field in clear', async () => {
    const support = who(fx, 'support', 'intern');
    const through = await fx.graphql(support.token, search());
    expect(objectsOf(through)).toEqual(new Set(['company']));
    const direct = await fx.graphql(support.token, search(), true);
    expect(objectsOf(direct).size).toBeGreaterThan(1);
  });

  it('never widens what the client asked, and answers an empty search when nothing is left', async () => {
    const director = who(fx, 'sales-manager', 'director');
    const only = await fx.graphql(
      director.token,
      search(', includedObjectNameSingulars: ["company"]'),
    );
    expect(objectsOf(only)).toEqual(new Set(['company']));
    const without = await fx.graphql(
      director.token,
      search(', excludedObjectNameSingulars: ["company"]'),
    );
    expect(objectsOf(without).has('company')).toBe(false);
    const rep = who(fx, 'sales-rep', 'junior');
    const none = await fx.graphql(rep.token, search(', includedObjectNameSingulars: ["company"]'));
    expect(none.body.errors).toBeUndefined();
    expect(found(none)).toEqual([]);
  });
});

describe('searchableObjectNames', () => {
  const object = (name: string): GatewayObject =>
    ({
      name,
      metadata: { nameSingular: name, namePlural: `${name}s`, labelSingular: name, fields: [] },
      fields: new Map([['searchVector', { name: 'searchVector', type: 'TS_VECTOR' }]]),
    }) as unknown as GatewayObject;
  const base = {
    objects: [object('company'), object('person'), object('secret')],
    requested: [],
    excluded: [],
    isNative: () => false,
    mayRead: (o: GatewayObject) => o.name !== 'secret',
    isSearchable: (o: GatewayObject) => o.name !== 'person',
    filterReadable: () => true,
  };

  it('keeps objects read whole with every search field in clear', () => {
    expect(searchableObjectNames(base)).toEqual(['company']);
  });

  it('names no real object when none is left, since an empty list means every object', () => {
    expect(searchableObjectNames({ ...base, requested: ['person'] })).toEqual([
      NO_SEARCHABLE_OBJECT,
    ]);
    expect(searchableObjectNames({ ...base, filterReadable: () => false })).toEqual([
      NO_SEARCHABLE_OBJECT,
    ]);
  });
});
