/**
 * Several writes in one document, and writes racing a change made by someone else. The
 * gateway judges each write against the record as it read it: a document that writes one
 * record twice (or mixes a filtered write with other writes of the object) is refused, and a
 * record that changes between the gateway's read and its write is not written (the scope and
 * the fields judged are part of the write's own filter). The sandbox is reached through a tap
 * that changes the record, with the admin's key, right after the gateway's read.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatewayFixture, type GatewayFixture } from '../testing/gateway.test-support.js';
import { idOf, split, type Row } from './bypass.test-support.js';
import { adminUpdateDeal, betweenReadAndWrite } from './write-race.test-support.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture({ tap: true });
}, 60_000);
afterAll(async () => fx.close());
beforeEach(() => {
  if (fx.tap) fx.tap.after = undefined;
});

/** A sales rep of this tier with at least `count` deals they may update and delete (or update). */
function repWithDeals(tier: string, action: 'update' | 'delete', count = 1) {
  for (const member of fx.policy.org.members) {
    if (member.role !== 'sales-rep' || member.tier !== tier) continue;
    const deals = split(fx, member.id, 'opportunity', action).inside.filter(
      (deal) => deal.deletedAt === null,
    );
    if (deals.length >= count) return { id: member.id, token: fx.tokenOf(member.id), deals };
  }
  throw new Error(`no ${tier} sales rep with ${count} deals to ${action}`);
}

function stored(object: string, id: string): Row | undefined {
  return fx.records(object).find((record) => idOf(record) === id);
}

const UPDATE_DEAL =
  'mutation($id: UUID!, $d: OpportunityUpdateInput!) { updateOpportunity(id: $id, data: $d) { id name } }';

describe('§24.1 a record that changes between the gateway’s read and its write is not written', () => {
  it('updates a junior rep’s own open deal when nothing changes in between (the control)', async () => {
    const rep = repWithDeals('junior', 'update');
    const deal = rep.deals[0] as Row;
    const answer = await fx.graphql(rep.token, {
      query: UPDATE_DEAL,
      variables: { id: idOf(deal), d: { name: 'Renamed in peace' } },
    });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.updateOpportunity).toEqual({
      id: idOf(deal),
      name: 'Renamed in peace',
    });
    expect(stored('opportunity', idOf(deal))?.name).toBe('Renamed in peace');
  });

  it('does not rename a deal that was won (out of the junior’s update scope) after the gateway read it', async () => {
    const rep = repWithDeals('junior', 'update');
    const deal = rep.deals[0] as Row;
    const ran = betweenReadAndWrite(fx, () =>
      adminUpdateDeal(fx, idOf(deal), { stage: 'CUSTOMER' }),
    );
    const answer = await fx.graphql(rep.token, {
      query: UPDATE_DEAL,
      variables: { id: idOf(deal), d: { name: 'Renamed after the win' } },
    });
    expect(ran()).toBe(true);
    expect(stored('opportunity', idOf(deal))?.stage).toBe('CUSTOMER');
    expect(stored('opportunity', idOf(deal))?.name).not.toBe('Renamed after the win');
    expect(answer.body.data?.updateOpportunity).toBeNull();
    expect(answer.body.errors?.[0]?.message).toContain('was not found or is outside');
  });

  it('does not rename a deal handed to another rep after the gateway read it', async () => {
    const rep = repWithDeals('junior', 'update');
    const deal = rep.deals[rep.deals.length - 1] as Row;
    const other = fx.policy.org.members.find((m) => m.id !== rep.id && m.role === 'sales-rep');
    const ran = betweenReadAndWrite(fx, () =>
      adminUpdateDeal(fx, idOf(deal), { ownerId: other?.id }),
    );
    await fx.graphql(rep.token, {
      query: UPDATE_DEAL,
      variables: { id: idOf(deal), d: { name: 'Renamed after the hand-over' } },
    });
    expect(ran()).toBe(true);
    expect(stored('opportunity', idOf(deal))?.ownerId).toBe(other?.id);
    expect(stored('opportunity', idOf(deal))?.name).not.toBe('Renamed after the hand-over');
  });

  it('does not delete a deal that was won after the gateway read it (won deals are kept below senior)', async () => {
    const rep = repWithDeals('intermediate', 'delete');
    const deal = rep.deals[0] as Row;
    const ran = betweenReadAndWrite(fx, () =>
      adminUpdateDeal(fx, idOf(deal), { stage: 'CUSTOMER' }),
    );
    const answer = await fx.graphql(rep.token, {
      query: 'mutation($id: UUID!) { deleteOpportunity(id: $id) { id } }',
      variables: { id: idOf(deal) },
    });
    expect(ran()).toBe(true);
    expect(stored('opportunity', idOf(deal))?.deletedAt).toBeNull();
    expect(answer.body.data?.deleteOpportunity).toBeNull();
  });

  it('deletes the intermediate rep’s own open deal when nothing changes in between (the control)', async () => {
    const rep = repWithDeals('intermediate', 'delete');
    const deal = rep.deals[0] as Row;
    const answer = await fx.graphql(rep.token, {
      query: 'mutation($id: UUID!) { deleteOpportunity(id: $id) { id } }',
      variables: { id: idOf(deal) },
    });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.deleteOpportunity).toEqual({ id: idOf(deal) });
    expect(stored('opportunity', idOf(deal))?.deletedAt).not.toBeNull();
  });
});

describe('§24.2 several writes in one document', () => {
  it('refuses updating one deal twice under two aliases, and changes nothing', async () => {
    const rep = repWithDeals('junior', 'update');
    const deal = rep.deals[0] as Row;
    const before = structuredClone(stored('opportunity', idOf(deal)));
    const answer = await fx.graphql(rep.token, {
      query: `mutation($id: UUID!) {
        a: updateOpportunity(id: $id, data: { name: "First" }) { id }
        b: updateOpportunity(id: $id, data: { name: "Second" }) { id }
      }`,
      variables: { id: idOf(deal) },
    });
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.body.errors?.[0]?.message).toContain('as separate requests');
    expect(stored('opportunity', idOf(deal))).toEqual(before);
  });

  it('refuses winning a deal and deleting it in one document (the delete would be judged on the open deal)', async () => {
    const rep = repWithDeals('intermediate', 'delete');
    const deal = rep.deals[rep.deals.length - 1] as Row;
    const before = structuredClone(stored('opportunity', idOf(deal)));
    const answer = await fx.graphql(rep.token, {
      query: `mutation($id: UUID!) {
        won: updateOpportunity(id: $id, data: { stage: CUSTOMER }) { id }
        gone: deleteOpportunity(id: $id) { id }
      }`,
      variables: { id: idOf(deal) },
    });
    expect(answer.body.errors?.[0]?.message).toContain('twice');
    expect(stored('opportunity', idOf(deal))).toEqual(before);
  });

  it('refuses creating a company with a chosen id and updating it in the same document', async () => {
    const rep = repWithDeals('junior', 'update');
    const id = randomUUID();
    const answer = await fx.graphql(rep.token, {
      query: `mutation($id: UUID!) {
        createCompany(data: { id: $id, name: "Made and moved", accountOwnerId: "${rep.id}" }) { id }
        updateCompany(id: $id, data: { name: "Moved" }) { id }
      }`,
      variables: { id },
    });
    expect(answer.body.errors?.[0]?.message).toContain('twice');
    expect(stored('company', id)).toBeUndefined();
  });

  it('refuses a filtered update beside another write of the same object', async () => {
    const rep = repWithDeals('junior', 'update', 2);
    const [first, second] = rep.deals as [Row, Row];
    const before = [
      structuredClone(stored('opportunity', idOf(first))),
      structuredClone(stored('opportunity', idOf(second))),
    ];
    const answer = await fx.graphql(rep.token, {
      query: `mutation($a: UUID!, $b: UUID!) {
        one: updateOpportunity(id: $a, data: { name: "One" }) { id }
        many: updateOpportunities(filter: { id: { in: [$b] } }, data: { name: "Many" }) { id }
      }`,
      variables: { a: idOf(first), b: idOf(second) },
    });
    expect(answer.body.errors?.[0]?.message).toContain('picks its records by a filter');
    expect([stored('opportunity', idOf(first)), stored('opportunity', idOf(second))]).toEqual(
      before,
    );
  });

  it('applies two updates of two different deals in one document, each judged on its own record', async () => {
    const rep = repWithDeals('junior', 'update', 2);
    const [first, second] = rep.deals.slice(-2) as [Row, Row];
    const answer = await fx.graphql(rep.token, {
      query: `mutation($a: UUID!, $b: UUID!) {
        one: updateOpportunity(id: $a, data: { name: "Pair one" }) { id name }
        two: updateOpportunity(id: $b, data: { name: "Pair two" }) { id name }
      }`,
      variables: { a: idOf(first), b: idOf(second) },
    });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toEqual({
      one: { id: idOf(first), name: 'Pair one' },
      two: { id: idOf(second), name: 'Pair two' },
    });
    expect(stored('opportunity', idOf(second))?.name).toBe('Pair two');
  });
});
