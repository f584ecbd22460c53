/**
 * Searching by fields one cannot read: `searchVector` is built from a person's name, emails,
 * phones and job title, so its `search` filter finds a person by a masked phone number, and its
 * value lists the number outright. Each probe is shown to work against the host directly (it
 * returns the person, or the number), and to be refused through the gateway with nothing of
 * the number in the answer; a member who reads every such field in clear still searches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gatewayFixture,
  type Answer,
  type GatewayFixture,
} from '../testing/gateway.test-support.js';
import {
  expectNoLeak,
  expectPermissionDenied,
  idOf,
  nodes,
  phoneNumbers,
  split,
  who,
  type Row,
} from './bypass.test-support.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture();
}, 60_000);
afterAll(async () => fx.close());

/** Reads every person, phones masked to their last four digits. */
const supportIntern = () => who(fx, 'support', 'intern');
/** Reads every person, every field of them in clear. */
const supportJunior = () => who(fx, 'support', 'junior');

/** A person the member may read, and their full phone number (which the member may not). */
function target(member: string): { person: Row; phone: string } {
  const person = split(fx, member, 'person').inside.find((p) => phoneNumbers([p]).length > 0);
  expect(person).toBeDefined();
  return { person: person as Row, phone: phoneNumbers([person as Row])[0] as string };
}

const FILTER_PROBES: Record<string, (phone: string) => { query: string; variables?: unknown }> = {
  'a root filter': (phone) => ({
    query: `{ people(filter: { searchVector: { search: "${phone}" } }) { edges { node { id } } } }`,
  }),
  'a filter in variables': (phone) => ({
    query: 'query($f: PersonFilterInput) { people(filter: $f) { edges { node { id } } } }',
    variables: { f: { or: [{ searchVector: { search: phone } }, { id: { is: 'NULL' } }] } },
  }),
  'a search string in a variable, under not': (phone) => ({
    query:
      'query($s: String) { people(filter: { not: { not: { searchVector: { search: $s } } } }) { edges { node { id } } } }',
    variables: { s: phone },
  }),
  'a findOne filter': (phone) => ({
    query: `{ person(filter: { searchVector: { search: "${phone}" } }) { id } }`,
  }),
  'a nested relation filter': (phone) => ({
    query: `{ companies(first: 200) { edges { node { id people(filter: { searchVector: { search: "${phone}" } }) { edges { node { id } } } } } } }`,
  }),
  'a group-by filter': (phone) => ({
    query: `{ peopleGroupBy(groupBy: [{ jobTitle: true }], filter: { searchVector: { search: "${phone}" } }) { groupByDimensionValues edges { node { id } } } }`,
  }),
};

const SELECTION_PROBES: Record<string, string> = {
  'selected plainly': '{ people(first: 200) { edges { node { id searchVector } } } }',
  'selected under an alias': '{ people(first: 200) { edges { node { id words: searchVector } } } }',
  'selected in a fragment':
    'query { people(first: 200) { edges { node { ...P } } } } fragment P on Person { id searchVector }',
  'selected in an inline fragment':
    '{ people(first: 200) { edges { node { id ... on Person { searchVector } } } } }',
  'selected through a relation':
    '{ companies(first: 200) { edges { node { people { edges { node { id searchVector } } } } } } }',
};

describe('§21.1 searchVector over fields the member cannot read in clear', () => {
  for (const [variant, probe] of Object.entries(FILTER_PROBES)) {
    it(`finds a person by masked phone directly, and is refused through the gateway: ${variant}`, async () => {
      const member = supportIntern();
      const { person, phone } = target(member.id);
      const direct = await fx.graphql(member.token, probe(phone), true);
      expect(direct.body.errors).toBeUndefined();
      expect(direct.text).toContain(idOf(person));
      const through = await fx.graphql(member.token, probe(phone));
      expectPermissionDenied(through);
      expect(through.body.errors?.[0]?.message).toContain('filter by a field you can read');
      expectNoLeak(through, [phone, idOf(person)]);
    });
  }

  for (const [variant, query] of Object.entries(SELECTION_PROBES)) {
    it(`reveals masked phones directly, and is refused through the gateway: ${variant}`, async () => {
      const member = supportIntern();
      const phones = phoneNumbers(fx.records('person'));
      const direct = await fx.graphql(member.token, { query }, true);
      expect(direct.body.errors).toBeUndefined();
      expect(phones.some((phone) => direct.text.includes(phone))).toBe(true);
      const through = await fx.graphql(member.token, { query });
      expectPermissionDenied(through);
      expectNoLeak(through, phones);
    });
  }

  it('refuses an intern whose phones are hidden and emails masked, by email too', async () => {
    const member = who(fx, 'sales-rep', 'intern');
    const person = split(fx, member.id, 'person').inside[0] as Row;
    const email = (person.emails as { primaryEmail: string }).primaryEmail;
    const query = `{ people(filter: { searchVector: { search: "${email}" } }) { edges { node { id } } } }`;
    const direct = await fx.graphql(member.token, { query }, true);
    expect(direct.text).toContain(idOf(person));
    const through = await fx.graphql(member.token, { query });
    expectPermissionDenied(through);
    expectNoLeak(through, [email, idOf(person)]);
  });
});

describe('§21.2 searchVector for a member who reads every field it is built from', () => {
  it('searches by phone through the gateway as directly, within the scope', async () => {
    const member = supportJunior();
    const { person, phone } = target(member.id);
    const query = `{ people(filter: { searchVector: { search: "${phone}" } }) { edges { node { id searchVector } } } }`;
    const direct = await fx.graphql(member.token, { query }, true);
    const through = await fx.graphql(member.token, { query });
    expect(through.body.errors).toBeUndefined();
    expect(nodes(through.body.data, 'people').map(idOf)).toContain(idOf(person));
    expect(through.body.data).toEqual(direct.body.data);
  });
});

describe('§21.3 searchVector in REST filters', () => {
  const restProbes = (phone: string): Record<string, string> => ({
    ilike: `searchVector[ilike]:"%${phone}%"`,
    'like under or': `or(searchVector[like]:"%${phone}%",id[is]:NULL)`,
    'eq under not': `not(searchVector[eq]:"${phone}")`,
  });

  it('refuses any comparison of searchVector for a member who cannot read its fields', async () => {
    const member = supportIntern();
    const { person, phone } = target(member.id);
    for (const [variant, filter] of Object.entries(restProbes(phone))) {
      const through = await fx.rest(
        member.token,
        'GET',
        `/rest/people?filter=${encodeURIComponent(filter)}`,
      );
      // A permission refusal, in Twenty 2.43's REST shape (src/gateway/rest/refusals.ts).
      expect(through.status, variant).toBe(400);
      expect(through.text, variant).toContain('filter by a field you can read');
      expectNoLeak(through, [phone, idOf(person)]);
    }
  });

  it("passes a member who reads every field on to the host, whose answer is the member's", async () => {
    const member = supportJunior();
    const { phone } = target(member.id);
    const path = `/rest/people?filter=${encodeURIComponent(`searchVector[ilike]:"%${phone}%"`)}`;
    const through: Answer = await fx.rest(member.token, 'GET', path);
    const direct = await fx.rest(member.token, 'GET', path, undefined, true);
    expect(through.status).toBe(direct.status);
    expect(through.text).not.toContain('Permission denied');
  });

  it("refuses the search comparator, which Twenty's REST filter does not have", async () => {
    const member = supportJunior();
    const { phone } = target(member.id);
    const through = await fx.rest(
      member.token,
      'GET',
      `/rest/people?filter=${encodeURIComponent(`searchVector[search]:${phone}`)}`,
    );
    expect(through.status).toBe(400);
    expect(through.text).not.toContain(phone);
  });
});

describe("§21.4 Twenty's search query", () => {
  const search = (phone: string) => ({
    query: `{ search(searchInput: "${phone}", limit: 10) { edges { node { recordId objectNameSingular label } } } }`,
  });

  it('finds no record by a field the member reads only masked, though the host would', async () => {
    const member = supportIntern();
    const { person, phone } = target(member.id);
    const id = String(person.id);
    const direct = await fx.graphql(member.token, search(phone), true);
    expect(direct.text).toContain(id);
    const through = await fx.graphql(member.token, search(phone));
    expect(through.body.errors).toBeUndefined();
    expect(through.text).not.toContain(id);
    expect(through.text).not.toContain(phone);
  });

  it('finds the record for a member who reads every search field in clear', async () => {
    const member = supportJunior();
    const { person, phone } = target(member.id);
    const through = await fx.graphql(member.token, search(phone));
    expect(through.body.errors).toBeUndefined();
    expect(through.text).toContain(String(person.id));
  });
});
