/**
 * REST writes by id racing a change made by someone else. The gateway judges `PATCH` and
 * `DELETE /rest/<objects>/<id>` on the record as it read it; a record that changes between
 * that read and the write (won, handed to another rep) is not written, and the member is
 * answered exactly as for a missing id. When nothing changes, the write lands and the answer
 * has the shape Twenty's REST gives (the record as a REST read of it shows it). The sandbox is
 * reached through a tap that changes the record, with the admin's key, right after the read.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  gatewayFixture,
  type Answer,
  type GatewayFixture,
} from '../testing/gateway.test-support.js';
import { idOf, owningJunior, split, type Row } from './bypass.test-support.js';
import { adminUpdateDeal, betweenReadAndWrite } from './write-race.test-support.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture({ tap: true });
}, 60_000);
afterAll(async () => fx.close());
beforeEach(() => {
  if (fx.tap) fx.tap.after = undefined;
});

type Action = 'update' | 'delete' | 'destroy';

/** Deals are used once each across the file. */
const used = new Set<string>();

/** A member of this role and tier with `count` unused live open deals they may act on. */
function memberWithDeals(role: string, tier: string, action: Action, count = 1) {
  for (const member of fx.policy.org.members) {
    if (member.role !== role || member.tier !== tier) continue;
    const deals = split(fx, member.id, 'opportunity', action).inside.filter(
      (deal) => deal.deletedAt === null && deal.stage !== 'CUSTOMER' && !used.has(idOf(deal)),
    );
    if (deals.length >= count) return { id: member.id, token: fx.tokenOf(member.id), deals };
  }
  throw new Error(`no ${role} at ${tier} with ${count} deals to ${action}`);
}

/** The next unused deal of a member's. */
function freshDeal(deals: readonly Row[]): Row {
  const deal = deals.find((d) => !used.has(idOf(d)));
  if (!deal) throw new Error('no unused deal left');
  used.add(idOf(deal));
  return deal;
}

function stored(id: string): Row | undefined {
  return fx.records('opportunity').find((record) => idOf(record) === id);
}

/** The answer is, byte for byte, the one a missing id gets. */
async function expectAnsweredAsMissing(
  answer: Answer,
  token: string,
  method: string,
  suffix: string,
  id: string,
  body?: unknown,
): Promise<void> {
  const missingId = randomUUID();
  const missing = await fx.rest(token, method, `/rest/opportunities/${missingId}${suffix}`, body);
  expect(answer.status).toBe(missing.status);
  expect(answer.text.replaceAll(id, '<id>')).toBe(missing.text.replaceAll(missingId, '<id>'));
}

/** The record as a REST read through the gateway shows it. */
async function readThrough(token: string, id: string, query = ''): Promise<unknown> {
  const answer = await fx.rest(token, 'GET', `/rest/opportunities/${id}${query}`);
  expect(answer.status).toBe(200);
  return answer.body.data?.opportunity;
}

const won = (id: string) => () => adminUpdateDeal(fx, id, { stage: 'CUSTOMER' });

describe('§20.1 a REST PATCH by id of a record that changes after the gateway’s read', () => {
  it('renames a junior rep’s own open deal when nothing changes in between, answered as Twenty answers (the control)', async () => {
    const rep = memberWithDeals('sales-rep', 'junior', 'update', 2);
    for (const query of ['', '?depth=1']) {
      const deal = freshDeal(rep.deals);
      const name = `Renamed in peace${query}`;
      const answer = await fx.rest(
        rep.token,
        'PATCH',
        `/rest/opportunities/${idOf(deal)}${query}`,
        {
          name,
        },
      );
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body)).toEqual(['data']);
      expect(Object.keys(answer.body.data ?? {})).toEqual(['updateOpportunity']);
      expect(stored(idOf(deal))?.name).toBe(name);
      // The written record, as a REST read of it (the host's answer, projected) shows it.
      expect(answer.body.data?.updateOpportunity).toEqual(
        await readThrough(rep.token, idOf(deal), query),
      );
    }
  });

  it('renames a junior rep’s own company at depth 1, its people and deals listed as a REST read lists them', async () => {
    const { id, token } = owningJunior(fx);
    const company = split(fx, id, 'company', 'update').inside[0] as Row;
    const path = `/rest/companies/${idOf(company)}?depth=1`;
    const answer = await fx.rest(token, 'PATCH', path, { name: 'Renamed with its people' });
    expect(answer.status).toBe(200);
    const read = await fx.rest(token, 'GET', path);
    const written = answer.body.data?.updateCompany as Row;
    expect(Array.isArray(written.people)).toBe(true);
    expect(written).toEqual(read.body.data?.company);
  });

  it('has the same keys as the host’s own answer to the same PATCH, less those the member may not read', async () => {
    const rep = memberWithDeals('sales-rep', 'junior', 'update', 2);
    const [mine, direct] = [freshDeal(rep.deals), freshDeal(rep.deals)];
    const through = await fx.rest(rep.token, 'PATCH', `/rest/opportunities/${idOf(mine)}`, {
      name: 'Side by side',
    });
    const host = await fx.rest(
      rep.token,
      'PATCH',
      `/rest/opportunities/${idOf(direct)}`,
      { name: 'Side by side' },
      true,
    );
    expect(through.status).toBe(host.status);
    expect(Object.keys(through.body)).toEqual(Object.keys(host.body));
    const keys = (answer: Answer) => Object.keys(answer.body.data?.updateOpportunity ?? {}).sort();
    const readable = Object.keys((await readThrough(rep.token, idOf(direct))) as Row).sort();
    expect(keys(through)).toEqual(readable);
    expect(keys(host)).toEqual(expect.arrayContaining(readable));
  });

  it('answers a PATCH the host refuses (a stage that does not exist) as the host answers it, writing nothing', async () => {
    const rep = memberWithDeals('sales-rep', 'junior', 'update', 2);
    const [mine, direct] = [freshDeal(rep.deals), freshDeal(rep.deals)];
    const before = structuredClone(stored(idOf(mine)));
    const body = { stage: 'NOT_A_STAGE' };
    const through = await fx.rest(rep.token, 'PATCH', `/rest/opportunities/${idOf(mine)}`, body);
    const host = await fx.rest(
      rep.token,
      'PATCH',
      `/rest/opportunities/${idOf(direct)}`,
      body,
      true,
    );
    expect(host.status).toBe(400);
    expect(through.status).toBe(host.status);
    expect(through.body).toEqual(host.body);
    expect(stored(idOf(mine))).toEqual(before);
  });

  it('does not rename a deal that was won (out of the junior’s update scope) after the read', async () => {
    const rep = memberWithDeals('sales-rep', 'junior', 'update');
    const deal = freshDeal(rep.deals);
    const ran = betweenReadAndWrite(fx, won(idOf(deal)));
    const body = { name: 'Renamed after the win' };
    const answer = await fx.rest(rep.token, 'PATCH', `/rest/opportunities/${idOf(deal)}`, body);
    expect(ran()).toBe(true);
    expect(stored(idOf(deal))?.stage).toBe('CUSTOMER');
    expect(stored(idOf(deal))?.name).not.toBe(body.name);
    await expectAnsweredAsMissing(answer, rep.token, 'PATCH', '', idOf(deal), body);
  });

  it('does not rename a deal handed to another rep after the read, with PATCH or PUT', async () => {
    const rep = memberWithDeals('sales-rep', 'junior', 'update', 2);
    const other = fx.policy.org.members.find((m) => m.id !== rep.id && m.role === 'sales-rep');
    for (const method of ['PATCH', 'PUT']) {
      const deal = freshDeal(rep.deals);
      const ran = betweenReadAndWrite(fx, () =>
        adminUpdateDeal(fx, idOf(deal), { ownerId: other?.id }),
      );
      const body = { name: `Renamed after the hand-over (${method})` };
      const answer = await fx.rest(rep.token, method, `/rest/opportunities/${idOf(deal)}`, body);
      expect(ran()).toBe(true);
      expect(stored(idOf(deal))?.ownerId).toBe(other?.id);
      expect(stored(idOf(deal))?.name).not.toBe(body.name);
      await expectAnsweredAsMissing(answer, rep.token, method, '', idOf(deal), body);
    }
  });
});

describe('§20.2 a REST DELETE by id of a record that changes after the gateway’s read', () => {
  it('soft-deletes an intermediate rep’s own open deal when nothing changes in between (the control)', async () => {
    const rep = memberWithDeals('sales-rep', 'intermediate', 'delete');
    const deal = freshDeal(rep.deals);
    const before = (await readThrough(rep.token, idOf(deal))) as Row;
    const answer = await fx.rest(
      rep.token,
      'DELETE',
      `/rest/opportunities/${idOf(deal)}?soft_delete=true`,
    );
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body.data ?? {})).toEqual(['deleteOpportunity']);
    expect(stored(idOf(deal))?.deletedAt).not.toBeNull();
    const record = answer.body.data?.deleteOpportunity as Row;
    expect(record.deletedAt).toBe(stored(idOf(deal))?.deletedAt);
    const { deletedAt: _a, updatedAt: _b, ...rest } = record;
    const { deletedAt: _c, updatedAt: _d, ...read } = before;
    expect(Object.keys(record).sort()).toEqual(Object.keys(before).sort());
    expect(rest).toEqual(read);
  });

  it('does not soft-delete a deal that was won after the read (won deals are kept below senior)', async () => {
    const rep = memberWithDeals('sales-rep', 'intermediate', 'delete');
    const deal = freshDeal(rep.deals);
    const ran = betweenReadAndWrite(fx, won(idOf(deal)));
    const suffix = '?soft_delete=true';
    const answer = await fx.rest(rep.token, 'DELETE', `/rest/opportunities/${idOf(deal)}${suffix}`);
    expect(ran()).toBe(true);
    expect(stored(idOf(deal))?.deletedAt).toBeNull();
    await expectAnsweredAsMissing(answer, rep.token, 'DELETE', suffix, idOf(deal));
  });

  it('does not soft-delete a deal handed to a rep outside the manager’s reports after the read', async () => {
    const manager = memberWithDeals('sales-manager', 'intermediate', 'delete');
    const deal = freshDeal(manager.deals);
    const outsider = fx.policy.org.members.find(
      (m) =>
        fx.engine.decide({
          member: manager.id,
          object: 'opportunity',
          action: 'delete',
          record: { ...deal, ownerId: m.id },
        }).effect === 'deny',
    );
    const ran = betweenReadAndWrite(fx, () =>
      adminUpdateDeal(fx, idOf(deal), { ownerId: outsider?.id }),
    );
    const suffix = '?soft_delete=true';
    const answer = await fx.rest(
      manager.token,
      'DELETE',
      `/rest/opportunities/${idOf(deal)}${suffix}`,
    );
    expect(ran()).toBe(true);
    expect(stored(idOf(deal))?.deletedAt).toBeNull();
    await expectAnsweredAsMissing(answer, manager.token, 'DELETE', suffix, idOf(deal));
  });

  it('destroys a deal for a director when nothing changes in between, answered as Twenty answers (the control)', async () => {
    const director = memberWithDeals('sales-manager', 'director', 'destroy');
    const deal = freshDeal(director.deals);
    const before = await readThrough(director.token, idOf(deal));
    const answer = await fx.rest(director.token, 'DELETE', `/rest/opportunities/${idOf(deal)}`);
    expect(answer.status).toBe(200);
    expect(stored(idOf(deal))).toBeUndefined();
    expect(answer.body.data).toEqual({ deleteOpportunity: before });
  });

  it('does not destroy a deal whose stage (a field the decision reads) changed after the read', async () => {
    const director = memberWithDeals('sales-manager', 'director', 'destroy');
    const deal = freshDeal(director.deals);
    const ran = betweenReadAndWrite(fx, won(idOf(deal)));
    const answer = await fx.rest(director.token, 'DELETE', `/rest/opportunities/${idOf(deal)}`);
    expect(ran()).toBe(true);
    expect(stored(idOf(deal))?.stage).toBe('CUSTOMER');
    await expectAnsweredAsMissing(answer, director.token, 'DELETE', '', idOf(deal));
  });
});
