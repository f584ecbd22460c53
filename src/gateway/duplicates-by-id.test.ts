/**
 * `<singular>Duplicates(ids: [...])` (and `POST /rest/<plural>/duplicates` with `{ ids }`)
 * answers the records equal to the ones named on the object's duplicate criteria (person: first
 * and last name, LinkedIn URL, primary email; company: name, domain). An answer tells that a
 * value the member sees masked or not at all on one record equals a value on another, so every
 * criteria field must be readable in clear, as for a lookup by `data`.
 */
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDARD_OBJECTS } from '../host/core-schema/standard-objects.js';
import { compilePolicy } from '../policy/engine.js';
import { expectPermissionDenied, idOf, split } from './bypass/bypass.test-support.js';
import { Denial } from './core/denial.js';
import { prepareOperation } from './graphql/prepare.js';
import {
  DEMO_POLICY,
  demoPolicyWith,
  gatewayFixture,
  type GatewayFixture,
} from './testing/gateway.test-support.js';
import { GatewayModel } from './core/model.js';

const model = new GatewayModel(STANDARD_OBJECTS);
const ID = '0b6a6c1e-0000-4000-8000-000000000001';

function prepare(role: string, tier: string, query: string, policy = DEMO_POLICY) {
  const member = policy.org.members.find((m) => m.role === role && m.tier === tier)?.id ?? '';
  const caller = { judge: compilePolicy(policy).for(member), policy, member };
  return () => prepareOperation(parse(query), undefined, {}, caller, model);
}

describe('duplicates looked up by id, judged by the fields they are matched on', () => {
  it('refuses ids when a criteria field is masked for the member', () => {
    // A sales-rep intern sees people's emails masked to their domain.
    expect(
      prepare(
        'sales-rep',
        'intern',
        `{ personDuplicates(ids: ["${ID}"]) { edges { node { id } } } }`,
      ),
    ).toThrow(/finding duplicates by id, matched on person\.emails/);
  });

  it('refuses ids when a criteria field is hidden from the member, or a sub-field of one', () => {
    const person = DEMO_POLICY.roles.support?.objects.person;
    for (const rule of [
      { linkedinLink: { intern: 'hidden' } },
      { 'name.lastName': { intern: 'hidden' } },
    ]) {
      const policy = demoPolicyWith({
        support: {
          ...DEMO_POLICY.roles.support?.objects,
          person: { ...person, fields: { ...person?.fields, ...rule } },
        },
      });
      const query = `{ personDuplicates(ids: ["${ID}"]) { edges { node { id } } } }`;
      expect(prepare('support', 'intern', query, policy), JSON.stringify(rule)).toThrow(Denial);
    }
  });

  it('passes ids when every criteria field is readable in clear, leaving other fields aside', () => {
    // A support intern reads emails in clear and sees phones masked: phones are not a criterion.
    const prepared = prepare(
      'support',
      'intern',
      `{ personDuplicates(ids: ["${ID}"]) { edges { node { id } } } }`,
    )();
    expect(prepared.checks).toEqual([expect.objectContaining({ kind: 'read', ids: [ID] })]);
  });

  it('refuses ids on an object whose duplicate criteria the gateway does not know', () => {
    expect(
      prepare(
        'sales-manager',
        'director',
        `{ opportunityDuplicates(ids: ["${ID}"]) { edges { node { id } } } }`,
      ),
    ).toThrow(/by id are not available/);
  });
});

describe('duplicates by id against the sandbox', () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await gatewayFixture();
  }, 60_000);
  afterAll(async () => fx.close());

  /** A member of this role and tier with a live person they may read, and their token. */
  function reader(role: string, tier: string) {
    for (const member of fx.policy.org.members) {
      if (member.role !== role || member.tier !== tier) continue;
      const person = split(fx, member.id, 'person').inside.find(
        (p) => (p.deletedAt ?? null) === null,
      );
      if (person) return { token: fx.tokenOf(member.id), id: idOf(person) };
    }
    throw new Error(`no ${role} ${tier} reads a person`);
  }

  const QUERY = 'query($ids: [UUID!]) { personDuplicates(ids: $ids) { edges { node { id } } } }';

  it('refuses over GraphQL a person the intern may read, whose email they see masked', async () => {
    const { token, id } = reader('sales-rep', 'intern');
    const answer = await fx.graphql(token, { query: QUERY, variables: { ids: [id] } });
    expectPermissionDenied(answer);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses the same through POST /rest/people/duplicates', async () => {
    const { token, id } = reader('sales-rep', 'intern');
    const answer = await fx.rest(token, 'POST', '/rest/people/duplicates', { ids: [id] });
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body).sort()).toEqual(['error', 'messages', 'statusCode']);
  });

  it('still answers a member who reads every criteria field in clear, over GraphQL and REST', async () => {
    const { token, id } = reader('sales-rep', 'junior');
    const graphql = await fx.graphql(token, { query: QUERY, variables: { ids: [id] } });
    expect(graphql.body.errors, graphql.text).toBeUndefined();
    const rest = await fx.rest(token, 'POST', '/rest/people/duplicates', { ids: [id] });
    expect(rest.status, rest.text).toBe(200);
  });
});
