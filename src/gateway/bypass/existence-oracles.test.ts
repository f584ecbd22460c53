/**
 * What a member can learn from how the gateway answers, beyond the records it serves:
 * whether a record they cannot see exists (a create naming its id, the host round trips a
 * request costs) and how the policy is built (the words of a refusal). The sandbox is reached
 * through a tap that counts the gateway's calls to it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gatewayFixture,
  type Answer,
  type GatewayFixture,
} from '../testing/gateway.test-support.js';
import { idOf, owningJunior, split } from './bypass.test-support.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture({ tap: true });
}, 60_000);
afterAll(async () => fx.close());

/** A junior sales rep who owns companies and cannot see some others. */
function junior() {
  const member = owningJunior(fx);
  const { inside, outside } = split(fx, member.id, 'company', 'read');
  const updatable = split(fx, member.id, 'company', 'update').inside;
  return { ...member, inside, outside, updatable };
}

/** An answer with a record id replaced, so two answers about two ids can be compared. */
function shape(answer: Answer, id: string): unknown {
  return { status: answer.status, body: JSON.parse(answer.text.split(id).join('<id>')) as unknown };
}

describe('§15.1 a create naming the id of a record the member cannot see', () => {
  it('is answered exactly as a create naming the id of a record the member can see', async () => {
    const rep = junior();
    const hidden = idOf(rep.outside[0] as Record<string, unknown>);
    const visible = idOf(rep.inside[0] as Record<string, unknown>);
    const create = (id: string, direct = false) =>
      fx.graphql(
        rep.token,
        {
          query: 'mutation($d: CompanyCreateInput!) { createCompany(data: $d) { id name } }',
          variables: { d: { id, name: 'Taken id', accountOwnerId: rep.id } },
        },
        direct,
      );
    // The host itself tells every caller the id is taken, and points at the record holding it.
    const direct = await create(hidden, true);
    expect(direct.body.errors?.[0]?.message).toBe('A duplicate entry was detected');
    expect(direct.text).toContain('conflictingRecordId');
    const throughHidden = await create(hidden);
    const throughVisible = await create(visible);
    expect(throughHidden.text).not.toContain('conflictingRecordId');
    expect(shape(throughHidden, hidden)).toEqual(shape(throughVisible, visible));
    // Both are the host's own words for a taken id: nothing more than it tells anyone.
    expect(throughHidden.body.errors?.[0]?.message).toBe('A duplicate entry was detected');
    expect(fx.records('company').find((c) => idOf(c) === hidden)?.name).not.toBe('Taken id');
  });
});

describe('§15.2 an id out of reach and an id that does not exist', () => {
  const requests: [string, (token: string, id: string) => Promise<Answer>][] = [
    [
      'GraphQL findOne',
      (token, id) =>
        fx.graphql(token, {
          query: 'query($id: UUID!) { company(filter: { id: { eq: $id } }) { id name } }',
          variables: { id },
        }),
    ],
    [
      'GraphQL updateOne',
      (token, id) =>
        fx.graphql(token, {
          query: 'mutation($id: UUID!) { updateCompany(id: $id, data: { name: "X" }) { id } }',
          variables: { id },
        }),
    ],
    [
      'GraphQL deleteOne',
      (token, id) =>
        fx.graphql(token, {
          query: 'mutation($id: UUID!) { deleteCompany(id: $id) { id } }',
          variables: { id },
        }),
    ],
    ['REST GET', (token, id) => fx.rest(token, 'GET', `/rest/companies/${id}`)],
    ['REST PATCH', (token, id) => fx.rest(token, 'PATCH', `/rest/companies/${id}`, { name: 'X' })],
    ['REST DELETE', (token, id) => fx.rest(token, 'DELETE', `/rest/companies/${id}`)],
  ];

  it.each(requests)(
    'cost the host the same round trips and get the same answer: %s',
    async (_, send) => {
      const rep = junior();
      const hidden = idOf(rep.outside[1] as Record<string, unknown>);
      const missing = randomUUID();
      const tap = fx.tap;
      if (!tap) throw new Error('the fixture has no tap');
      await send(rep.token, missing); // the caller's identity is looked up once, then kept
      const count = async (id: string) => {
        const start = tap.calls.length;
        const answer = await send(rep.token, id);
        return { calls: tap.calls.length - start, answer: shape(answer, id) };
      };
      const outOfReach = await count(hidden);
      const absent = await count(missing);
      expect(outOfReach.calls).toBeGreaterThan(0);
      expect(outOfReach.calls).toBe(absent.calls);
      expect(outOfReach.answer).toEqual(absent.answer);
    },
  );
});

/** Words that would tell a member how the policy is built, or who else is in it. */
function policyWords(): RegExp[] {
  const roles = Object.keys(fx.policy.roles);
  const tiers = fx.policy.tiers.map((t) => t.id);
  const members = fx.policy.org.members.map((m) => m.id);
  return [
    /roles\./,
    /restrictions?\b/,
    /no-rule|out-of-scope:/,
    ...[...roles, ...tiers].map((word) => new RegExp(`\\b${word}\\b`)),
    ...members.map((id) => new RegExp(id)),
  ];
}

describe('§15.3 a refusal shown to a member', () => {
  const refusals: [string, () => Promise<{ answer: Answer; object: string }>][] = [
    [
      'a field the member may not edit',
      async () => {
        const rep = junior();
        const answer = await fx.graphql(rep.token, {
          query:
            'mutation($id: UUID!) { updateCompany(id: $id, data: { annualRecurringRevenue: { amountMicros: 1 } }) { id } }',
          variables: { id: idOf(rep.updatable[0] as Record<string, unknown>) },
        });
        return { answer, object: 'company' };
      },
    ],
    [
      'a record outside the update scope',
      async () => {
        const rep = junior();
        const readOnly = rep.inside.find((c) => !rep.updatable.some((u) => idOf(u) === idOf(c)));
        const answer = await fx.graphql(rep.token, {
          query:
            'mutation($id: UUID!) { updateCompany(id: $id, data: { name: "Not mine" }) { id } }',
          variables: { id: idOf(readOnly as Record<string, unknown>) },
        });
        return { answer, object: 'company' };
      },
    ],
    [
      'mass assignment on create',
      async () => {
        const intern = fx.member('sales-rep', 'intern');
        const answer = await fx.graphql(fx.tokenOf(intern.id), {
          query:
            'mutation { createPerson(data: { name: { firstName: "Mass" }, phones: { primaryPhoneNumber: "5550001111" } }) { id } }',
        });
        return { answer, object: 'person' };
      },
    ],
    [
      'an object the member may not read',
      async () => {
        const analyst = fx.member('analyst', 'intermediate');
        const answer = await fx.graphql(fx.tokenOf(analyst.id), {
          query: '{ people { edges { node { id } } } }',
        });
        return { answer, object: 'person' };
      },
    ],
    [
      'an action the member’s tier does not have',
      async () => {
        const rep = junior();
        const deal = fx.records('opportunity').find((o) => o.ownerId === rep.id);
        const answer = await fx.graphql(rep.token, {
          query: 'mutation($id: UUID!) { deleteOpportunity(id: $id) { id } }',
          variables: { id: idOf(deal as Record<string, unknown>) },
        });
        return { answer, object: 'opportunity' };
      },
    ],
  ];

  it.each(refusals)(
    'names no policy path, role, tier or member, and says what to do: %s',
    async (_, refuse) => {
      const before = fx.denials.length;
      const { answer, object } = await refuse();
      const message = answer.body.errors?.[0]?.message ?? '';
      expect(message).toContain('Permission denied');
      expect(message).toContain(object);
      for (const word of policyWords()) expect(answer.text).not.toMatch(word);
      // The journal keeps the refusal with the member who made it.
      const journaled = fx.denials.slice(before);
      expect(journaled.some((d) => d.message.startsWith(message))).toBe(true);
    },
  );

  it('keeps the policy’s reasons for the journal when the scope or the tier refuses', async () => {
    const before = fx.denials.length;
    const analyst = fx.member('analyst', 'intermediate');
    await fx.graphql(fx.tokenOf(analyst.id), { query: '{ people { edges { node { id } } } }' });
    const journaled = fx.denials
      .slice(before)
      .map((d) => d.message)
      .join('\n');
    expect(journaled).toContain('no-rule');
    expect(journaled).toContain(analyst.id);
  });
});
