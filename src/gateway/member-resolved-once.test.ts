/**
 * The gateway resolves the caller's member once per request: every decision a request needs
 * (several objects, their fields, the records the host answers, the writes it checks) is asked
 * of the one judge built for it, and the answers are what the engine decides record by record.
 * The spy is on `Engine.prototype.for`, which the engine's request-style calls go through too,
 * so an enforcement point that asked the engine for each decision would show here.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Engine } from '../policy/engine.js';
import type { Action } from '../policy/schema.js';
import { gatewayFixture, type GatewayFixture } from './testing/gateway.test-support.js';

type Row = Record<string, unknown>;

let fx: GatewayFixture;

beforeAll(async () => {
  fx = await gatewayFixture();
}, 60_000);
afterAll(async () => fx.close());

/** Runs `request` with `Engine.for` counted, and returns what it gave with the ids asked. */
async function counted<T>(request: () => Promise<T>): Promise<{ answer: T; members: string[] }> {
  const resolved = vi.spyOn(Engine.prototype, 'for');
  try {
    const answer = await request();
    return { answer, members: resolved.mock.calls.map(([member]) => member) };
  } finally {
    resolved.mockRestore();
  }
}

/** The ids of the stored records of `object` the member may act on, as the engine decides. */
function allowedIds(member: string, object: string, action: Action = 'read'): string[] {
  return fx
    .records(object)
    .filter((record) => fx.engine.decide({ member, object, action, record }).effect === 'allow')
    .map((record) => record.id as string)
    .sort();
}

function nodes(data: Row | null | undefined, key: string): Row[] {
  const connection = data?.[key] as { edges: { node: Row }[] } | undefined;
  return (connection?.edges ?? []).map((edge) => edge.node);
}

/** The first sales rep at `tier` who may act on some records of each object. */
function repWithRecords(tier: string, objects: readonly string[], action: Action = 'read'): string {
  const found = fx.policy.org.members.find(
    (m) =>
      m.role === 'sales-rep' &&
      m.tier === tier &&
      objects.every((object) => allowedIds(m.id, object, action).length > 0),
  );
  if (!found) throw new Error(`the seed has no sales rep at ${tier} with ${action}able records`);
  return found.id;
}

const ids = (rows: readonly Row[]): string[] => rows.map((row) => row.id as string).sort();

const SEVERAL_OBJECTS = `{
  companies(first: 200) { edges { node { id name annualRecurringRevenue { amountMicros } } } }
  people(first: 200) { edges { node { id emails { primaryEmail } phones { primaryPhoneNumber } } } }
  opportunities(first: 200) { edges { node { id name stage amount { amountMicros } } } }
}`;

describe('the gateway resolves the member once per request', () => {
  it('asks Engine.for once for a GraphQL request over several objects, and answers as the engine decides', async () => {
    const intern = repWithRecords('intern', ['company', 'person', 'opportunity']);
    const { answer, members } = await counted(() =>
      fx.graphql(fx.tokenOf(intern), { query: SEVERAL_OBJECTS }),
    );
    expect(members).toEqual([intern]);
    expect(answer.body.errors).toBeUndefined();
    const data = answer.body.data;
    const companies = nodes(data, 'companies');
    const people = nodes(data, 'people');
    const opportunities = nodes(data, 'opportunities');
    expect(ids(companies)).toEqual(allowedIds(intern, 'company'));
    expect(ids(people)).toEqual(allowedIds(intern, 'person'));
    expect(ids(opportunities)).toEqual(allowedIds(intern, 'opportunity'));
    // Each object had records to judge, so the one judge answered for all three.
    expect(companies.length * people.length * opportunities.length).toBeGreaterThan(0);
    // Hidden for an intern: ARR, phones, amounts; emails are masked to their domain.
    expect(companies.every((c) => c.annualRecurringRevenue === null)).toBe(true);
    expect(opportunities.every((o) => o.amount === null)).toBe(true);
    expect(people.every((p) => p.phones === null)).toBe(true);
    const stored = new Map(fx.records('person').map((p) => [p.id as string, p]));
    for (const person of people) {
      const record = stored.get(person.id as string) ?? {};
      const expected = fx.engine.project({ member: intern, object: 'person', record });
      expect(person.emails).toEqual({
        primaryEmail: (expected?.emails as Row | undefined)?.primaryEmail,
      });
    }
  });

  it('asks Engine.for once per request when the preparation is cached, and once per member', async () => {
    const junior = repWithRecords('junior', ['company', 'opportunity']);
    const intern = repWithRecords('intern', ['company', 'opportunity']);
    const query = {
      query: `{
        companies(first: 200) { edges { node { id } } }
        opportunities(first: 200) { edges { node { id } } }
      }`,
    };
    const first = await counted(() => fx.graphql(fx.tokenOf(junior), query));
    expect(first.members).toEqual([junior]);
    expect(ids(nodes(first.answer.body.data, 'companies'))).toEqual(allowedIds(junior, 'company'));
    expect(ids(nodes(first.answer.body.data, 'opportunities'))).toEqual(
      allowedIds(junior, 'opportunity'),
    );
    // The same request again, its preparation kept: the member is still resolved once.
    const again = await counted(() => fx.graphql(fx.tokenOf(junior), query));
    expect(again.members).toEqual([junior]);
    expect(again.answer.body).toEqual(first.answer.body);
    // The same text from another member is that member's own request, judged by its own judge.
    const other = await counted(() => fx.graphql(fx.tokenOf(intern), query));
    expect(other.members).toEqual([intern]);
    expect(ids(nodes(other.answer.body.data, 'companies'))).toEqual(allowedIds(intern, 'company'));
  });

  it('asks Engine.for once for a write the gateway checks against the host first', async () => {
    const junior = repWithRecords('junior', ['company'], 'update');
    const own = allowedIds(junior, 'company', 'update')[0];
    const query = `mutation { updateCompany(id: "${own}", data: { name: "Renamed once" }) { id name } }`;
    const { answer, members } = await counted(() => fx.graphql(fx.tokenOf(junior), { query }));
    expect(members).toEqual([junior]);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toEqual({ updateCompany: { id: own, name: 'Renamed once' } });
  });

  it('asks Engine.for once for a REST list and once for a refused request', async () => {
    const intern = repWithRecords('intern', ['company']);
    const token = fx.tokenOf(intern);
    const list = await counted(() => fx.rest(token, 'GET', '/rest/companies?limit=200'));
    expect(list.members).toEqual([intern]);
    const companies = (list.answer.body.data?.companies ?? []) as Row[];
    expect(ids(companies)).toEqual(allowedIds(intern, 'company'));
    // An intern may not create companies: the refusal is judged by the same one judge.
    const refused = await counted(() =>
      fx.graphql(token, { query: 'mutation { createCompany(data: { name: "No" }) { id } }' }),
    );
    expect(refused.members).toEqual([intern]);
    expect(refused.answer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
