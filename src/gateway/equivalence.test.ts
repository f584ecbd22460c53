/**
 * The gateway returns exactly the records the engine allows over the full data: for random
 * policies (random scopes, `where` conditions and restrictions per role and tier) and random
 * members of the seeded sandbox's org, through root reads, nested many-to-one relations and
 * nested one-to-many connections. No more (a leak) and no fewer (a scope the host filter reads
 * differently from the engine).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy } from '../policy/engine.js';
import type { Policy, ScopeGrant } from '../policy/schema.js';
import { Prng } from '../sandbox/seed/prng.js';
import {
  DEMO_POLICY,
  gatewayFixture,
  type GatewayFixture,
} from './testing/gateway.test-support.js';
import { openGateway } from './http/open.js';

const SCOPES = ['none', 'own', 'reports', 'team', 'teamTree', 'all'] as const;
const STAGES = ['NEW', 'SCREENING', 'MEETING', 'PROPOSAL', 'CUSTOMER'];
const OBJECTS = ['company', 'person', 'opportunity'] as const;
type ObjectName = (typeof OBJECTS)[number];

function randomWhere(prng: Prng, object: ObjectName): Record<string, unknown> {
  switch (object) {
    case 'company':
      return prng.chance(0.5)
        ? { employees: { gt: prng.int(0, 2_000) } }
        : { name: { ilike: `%${prng.pick(['a', 'e', 'o', 'in'])}%` } };
    case 'person':
      return prng.chance(0.5)
        ? { jobTitle: { ilike: `%${prng.pick(['a', 'e', 'manager', 'o'])}%` } }
        : { not: { city: { eq: prng.pick(['Paris', 'Berlin', 'London', 'Madrid']) } } };
    case 'opportunity':
      return prng.chance(0.5)
        ? { stage: { neq: prng.pick(STAGES) } }
        : { amount: { amountMicros: { gte: prng.int(0, 200_000) * 1_000_000 } } };
  }
}

function randomGrant(prng: Prng, object: ObjectName): ScopeGrant {
  // `none` rarely: a member who may read nothing shows little.
  const scope = prng.chance(0.1) ? 'none' : prng.pick(SCOPES.slice(1));
  return prng.chance(0.35) ? { scope, where: randomWhere(prng, object) } : scope;
}

/** The demo policy with every role's object rules drawn at random (fields all readable). */
function randomPolicy(seed: number): Policy {
  const prng = new Prng(seed);
  const tiers = DEMO_POLICY.tiers.map((t) => t.id);
  const roles: Policy['roles'] = {};
  for (const [id, role] of Object.entries(DEMO_POLICY.roles)) {
    const objects: Policy['roles'][string]['objects'] = {};
    for (const object of OBJECTS) {
      if (prng.chance(0.05)) continue;
      const read: Record<string, ScopeGrant> = {};
      for (const tier of prng.shuffle(tiers).slice(0, prng.int(1, 2)))
        read[tier] = randomGrant(prng, object);
      objects[object] = { read, fields: { default: { [tiers[0] as string]: 'read' } } };
    }
    roles[id] = { ...role, objects };
  }
  const restricted = prng.pick(OBJECTS);
  const restrictions: Policy['restrictions'] = prng.chance(0.5)
    ? [
        {
          id: 'random-restriction',
          objects: [restricted],
          actions: ['read'],
          tierBelow: prng.pick(tiers),
          where: randomWhere(prng, restricted),
        },
      ]
    : [];
  return { ...DEMO_POLICY, roles, restrictions };
}

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture();
}, 60_000);
afterAll(async () => fx.close());

interface Edge<T> {
  readonly node: T;
}

describe('the records through the gateway are exactly those the engine allows', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('for random policy %i and random members', async (seed) => {
    const policy = randomPolicy(seed);
    const engine = compilePolicy(policy);
    const gateway = await openGateway({
      hostUrl: fx.host.url,
      apiKey: fx.sandbox.adminKey,
      policy,
    });
    try {
      const prng = new Prng(1000 + seed);
      const members = prng.shuffle(policy.org.members).slice(0, 4);
      const allowed = (member: string, object: ObjectName) =>
        new Set(
          fx
            .records(object)
            .filter(
              (record) =>
                engine.decide({ member, object, action: 'read', record }).effect === 'allow',
            )
            .map((r) => r.id as string),
        );
      let compared = 0;
      for (const member of members) {
        const token = fx.tokenOf(member.id);
        const readable = (object: ObjectName) =>
          engine.decide({ member: member.id, object, action: 'read' }).effect === 'allow';
        const ask = (query: string) =>
          fetch(`${gateway.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query }),
          }).then(
            async (r) =>
              (await r.json()) as {
                data?: Record<string, { edges: Edge<Record<string, unknown>>[] } | null> | null;
                errors?: { message: string }[];
              },
          );
        const companies = allowed(member.id, 'company');
        const people = allowed(member.id, 'person');
        const opportunities = allowed(member.id, 'opportunity');
        const nested = {
          company: readable('person')
            ? 'people(first: 200) { totalCount edges { node { id } } }'
            : '',
          person: readable('company') ? 'company { id }' : '',
          opportunity: readable('company') ? 'company { id }' : '',
        };
        const roots = { company: 'companies', person: 'people', opportunity: 'opportunities' };
        const expected = { company: companies, person: people, opportunity: opportunities };
        for (const object of OBJECTS) {
          const key = roots[object];
          const answer = await ask(
            `{ ${key}(first: 200) { totalCount edges { node { id ${nested[object]} } } } }`,
          );
          if (!readable(object)) {
            // A read the member may not make is refused, naming it.
            expect(answer.errors?.[0]?.message).toContain(
              `Permission denied: this member may not read ${object} records`,
            );
            expect(answer.data ?? null).toBeNull();
            continue;
          }
          expect(answer.errors).toBeUndefined();
          const edges = answer.data?.[key]?.edges ?? [];
          expect(new Set(edges.map((e) => e.node.id as string))).toEqual(expected[object]);
          // The count is the host's, over the scoped filter: it must not count the others.
          expect((answer.data?.[key] as { totalCount?: number } | null)?.totalCount).toBe(
            expected[object].size,
          );
          compared += edges.length;
          if (object === 'company' && readable('person')) {
            // A company's people: exactly its people in scope.
            const companyOf = new Map(
              fx.records('person').map((p) => [p.id as string, p.companyId as string | null]),
            );
            for (const edge of edges) {
              const inner = edge.node.people as {
                totalCount: number;
                edges: Edge<{ id: string }>[];
              };
              const want = [...people].filter((id) => companyOf.get(id) === edge.node.id);
              expect(new Set(inner.edges.map((e) => e.node.id))).toEqual(new Set(want));
              expect(inner.totalCount).toBe(want.length);
            }
          }
          if (object !== 'company' && readable('company')) {
            // A related company shows only when it is in scope, and then always.
            const source = new Map(
              fx.records(object).map((r) => [r.id as string, r.companyId as string | null]),
            );
            for (const edge of edges) {
              const company = edge.node.company as { id: string } | null;
              const linked = source.get(edge.node.id as string) ?? null;
              expect(company?.id ?? null).toBe(
                linked !== null && companies.has(linked) ? linked : null,
              );
            }
          }
        }
      }
      // The draw compared records, not just refusals.
      expect(compared).toBeGreaterThan(0);
    } finally {
      await gateway.close();
    }
  });
});
