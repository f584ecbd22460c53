/**
 * Attacks on the REST calls past plain records, through the gateway with the seeded members'
 * own tokens: odd targets, duplicates, groupBy, restore, merge and many-record writes. Each
 * test searches the raw answer for what the member must not get (taken from the sandbox and the
 * policy engine), and either asks the host directly for the same thing (which answers it) or
 * reads the sandbox before and after a refused write, so each test can fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gatewayFixture,
  type Answer,
  type GatewayFixture,
} from './testing/gateway.test-support.js';
import {
  arrAmounts,
  distinctNames,
  expectNoLeak,
  idOf,
  leaked,
  phoneNumbers,
  split,
  who,
  type Row,
} from './bypass/bypass.test-support.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture();
}, 60_000);
afterAll(async () => fx.close());

/** A junior sales rep: the team's companies, may update its own, ARR hidden. */
const junior = () => who(fx, 'sales-rep', 'junior');
/** A director, whose token asks the host directly for the positive controls. */
const director = () => fx.tokenOf(fx.member('sales-manager', 'director').id);

const q = encodeURIComponent;

/** A gateway refusal in Twenty 2.43's REST shape for a permission refusal, and nothing else. */
function expectRestPermissionRefusal(answer: Answer): void {
  expect(answer.status).toBe(400);
  const body = answer.body as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'messages', 'statusCode']);
  expect(body.statusCode).toBe(400);
  expect(body.error).toBe('Error');
  expect(Array.isArray(body.messages)).toBe(true);
}

function live(rows: readonly Row[]): Row[] {
  return rows.filter((r) => (r.deletedAt ?? null) === null);
}

function scope(member: string) {
  const { inside, outside } = split(fx, member, 'company');
  const liveOutside = live(outside).filter((c) => distinctNames([c], inside).length === 1);
  return { inside: live(inside), outside: liveOutside, names: distinctNames(liveOutside, inside) };
}

function stored(id: string): Row | undefined {
  return fx.records('company').find((r) => r.id === id);
}

describe('odd REST targets', () => {
  it.each([
    ['GET', '/rest/companies/duplicates'],
    ['GET', '/rest/companies/merge'],
    ['DELETE', '/rest/companies/duplicates?filter=name[like]:"%25"'],
    ['PATCH', '/rest/companies/groupBy?filter=name[like]:"%25"'],
    ['POST', '/rest/companies/duplicates/x'],
    ['GET', '/rest/companies/groupBy/x'],
  ])('refuses %s %s in the REST refusal shape, asking the host nothing', async (method, path) => {
    const rep = junior();
    const before = JSON.stringify(fx.records('company'));
    const answer = await fx.rest(rep.token, method, path, method === 'GET' ? undefined : {});
    expectRestPermissionRefusal(answer);
    expect(JSON.stringify(fx.records('company'))).toBe(before);
  });

  it("refuses an id that is not a UUID with Twenty's words", async () => {
    const answer = await fx.rest(junior().token, 'GET', '/rest/companies/not-an-id');
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      statusCode: 400,
      error: 'BadRequestException',
      messages: ["'not-an-id' is not a valid UUID"],
    });
  });
});

describe('POST /rest/<plural>/duplicates', () => {
  it('refuses duplicates of an out-of-scope record by id, naming none of it', async () => {
    const rep = junior();
    const { outside, names } = scope(rep.id);
    const target = outside[0] as Row;
    const answer = await fx.rest(rep.token, 'POST', '/rest/companies/duplicates', {
      ids: [idOf(target)],
    });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expectNoLeak(answer, names);
  });

  it('answers duplicates by data with in-scope records only, without counts or cursors', async () => {
    const rep = junior();
    const { outside, inside } = scope(rep.id);
    const target = outside[0] as Row;
    const body = { data: [{ name: String(target.name) }] };
    const through = await fx.rest(rep.token, 'POST', '/rest/companies/duplicates', body);
    expect(through.status).toBe(200);
    const [entry] = (through.body as unknown as { data: Record<string, unknown>[] }).data;
    expect(Object.keys(entry ?? {})).toEqual(['companyDuplicates']);
    const insideIds = new Set(inside.map(idOf));
    for (const record of (entry?.companyDuplicates ?? []) as Row[])
      expect(insideIds.has(idOf(record))).toBe(true);
    expectNoLeak(through, [idOf(target)]);
    const direct = await fx.rest(director(), 'POST', '/rest/companies/duplicates', body, true);
    expect(direct.status).toBe(200);
    expect(leaked(direct.text, [idOf(target)])).toEqual([idOf(target)]);
  });

  it('refuses duplicates by data on a field hidden to the member', async () => {
    const rep = junior();
    const answer = await fx.rest(rep.token, 'POST', '/rest/companies/duplicates', {
      data: [{ annualRecurringRevenue: { amountMicros: 1 } }],
    });
    expectRestPermissionRefusal(answer);
  });
});

describe('GET /rest/<plural>/groupBy', () => {
  it('refuses grouping by a field hidden to the member, and aggregating it', async () => {
    const rep = junior();
    const byHidden = await fx.rest(
      rep.token,
      'GET',
      `/rest/companies/groupBy?group_by=${q(JSON.stringify([{ annualRecurringRevenue: { amountMicros: true } }]))}`,
    );
    expectRestPermissionRefusal(byHidden);
    expectNoLeak(byHidden, arrAmounts(fx.records('company')));
    const summed = await fx.rest(
      rep.token,
      'GET',
      `/rest/companies/groupBy?group_by=${q(JSON.stringify([{ name: true }]))}&aggregate=${q(JSON.stringify(['sumAnnualRecurringRevenueAmountMicros']))}`,
    );
    expectRestPermissionRefusal(summed);
  });

  it('refuses grouping by a masked field, whose group keys would be the unmasked values', async () => {
    const rep = junior();
    const groupBy = q(JSON.stringify([{ phones: { primaryPhoneNumber: true } }]));
    const answer = await fx.rest(rep.token, 'GET', `/rest/people/groupBy?group_by=${groupBy}`);
    expectRestPermissionRefusal(answer);
    const direct = await fx.rest(
      director(),
      'GET',
      `/rest/people/groupBy?group_by=${groupBy}`,
      undefined,
      true,
    );
    expect(direct.status).toBe(200);
    expect(phoneNumbers(fx.records('person')).some((n) => direct.text.includes(n))).toBe(true);
  });

  it('groups and counts only the records in scope, naming no group key outside it', async () => {
    const rep = junior();
    const { inside, names } = scope(rep.id);
    const path = `/rest/companies/groupBy?group_by=${q(JSON.stringify([{ name: true }]))}&aggregate=${q(JSON.stringify(['totalCount']))}&limit=200`;
    const through = await fx.rest(rep.token, 'GET', path);
    expect(through.status).toBe(200);
    const groups = through.body as unknown as { totalCount: number }[];
    expect(groups.reduce((sum, g) => sum + g.totalCount, 0)).toBe(inside.length);
    expectNoLeak(through, names);
    const direct = await fx.rest(director(), 'GET', path, undefined, true);
    expect(direct.status).toBe(200);
    expect(leaked(direct.text, names).length).toBeGreaterThan(0);
  });

  it('refuses viewId and a group-level order_by, which the gateway does not check', async () => {
    const rep = junior();
    const groupBy = q(JSON.stringify([{ name: true }]));
    for (const extra of ['viewId=00000000-0000-4000-8000-000000000000', 'order_by=name'])
      expect(
        (await fx.rest(rep.token, 'GET', `/rest/companies/groupBy?group_by=${groupBy}&${extra}`))
          .status,
      ).toBe(400);
  });
});

describe('PATCH /rest/<plural>/merge and /restore', () => {
  it('refuses merging into a record the member cannot read, and merges nothing', async () => {
    const rep = junior();
    const { outside, inside, names } = scope(rep.id);
    const mine = inside.find((c) => c.accountOwnerId === rep.id) ?? inside[0];
    expect(mine).toBeDefined();
    const theirs = outside[0] as Row;
    const answer = await fx.rest(rep.token, 'PATCH', '/rest/companies/merge', {
      ids: [idOf(theirs), idOf(mine as Row)],
      conflictPriorityIndex: 0,
    });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expectNoLeak(answer, names);
    expect(stored(idOf(theirs))?.deletedAt ?? null).toBeNull();
    expect(stored(idOf(mine as Row))?.deletedAt ?? null).toBeNull();
  });

  it('restores a deal the member may delete, answering it as restore<Singular>', async () => {
    const found = fx.policy.org.members.find(
      (m) => live(split(fx, m.id, 'opportunity', 'delete').inside).length > 0,
    );
    expect(found).toBeDefined();
    const member = (found as { id: string }).id;
    const deal = live(split(fx, member, 'opportunity', 'delete').inside)[0] as Row;
    const removed = await fx.rest(
      director(),
      'DELETE',
      `/rest/opportunities/${idOf(deal)}?soft_delete=true`,
      undefined,
      true,
    );
    expect(removed.status).toBe(200);
    const answer = await fx.rest(
      fx.tokenOf(member),
      'PATCH',
      `/rest/opportunities/${idOf(deal)}/restore`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data).toMatchObject({ restoreOpportunity: { id: idOf(deal) } });
    expect(fx.records('opportunity').find((r) => r.id === idOf(deal))?.deletedAt).toBeNull();
  });

  it('does not restore a record out of scope, by id or by filter', async () => {
    const rep = junior();
    const { outside, names } = scope(rep.id);
    const target = outside[1] as Row;
    const removed = await fx.rest(
      director(),
      'DELETE',
      `/rest/companies/${idOf(target)}?soft_delete=true`,
      undefined,
      true,
    );
    expect(removed.status).toBe(200);
    expect(stored(idOf(target))?.deletedAt).not.toBeNull();
    const byId = await fx.rest(rep.token, 'PATCH', `/rest/companies/${idOf(target)}/restore`);
    expect(byId.status).toBeGreaterThanOrEqual(400);
    expectNoLeak(byId, names);
    const byFilter = await fx.rest(
      rep.token,
      'PATCH',
      `/rest/companies/restore?filter=id[eq]:"${idOf(target)}"`,
    );
    expect(JSON.stringify(byFilter.body)).not.toContain(idOf(target));
    expect(stored(idOf(target))?.deletedAt).not.toBeNull();
  });
});

describe('PATCH and DELETE /rest/<plural> without an id (many)', () => {
  it('refuses setting a field hidden to the member on many records, changing nothing', async () => {
    const rep = junior();
    const before = JSON.stringify(fx.records('company'));
    const answer = await fx.rest(rep.token, 'PATCH', '/rest/companies?filter=name[like]:"%25"', {
      annualRecurringRevenue: { amountMicros: 1, currencyCode: 'EUR' },
    });
    expectRestPermissionRefusal(answer);
    expect(JSON.stringify(fx.records('company'))).toBe(before);
  });

  it('updates only the records the member may update, whatever the filter', async () => {
    // A member who may update some companies and not others (found, not hard-coded).
    const found = fx.policy.org.members.find((m) => {
      const { inside, outside } = split(fx, m.id, 'company', 'update');
      return live(inside).length > 0 && live(outside).length > 0;
    });
    expect(found).toBeDefined();
    const rep = {
      id: (found as { id: string }).id,
      token: fx.tokenOf((found as { id: string }).id),
    };
    const { inside: updatable, outside: notUpdatable } = split(fx, rep.id, 'company', 'update');
    expect(live(notUpdatable).length).toBeGreaterThan(0);
    const untouched = new Map(live(notUpdatable).map((r) => [idOf(r), JSON.stringify(r)]));
    const answer = await fx.rest(rep.token, 'PATCH', '/rest/companies?filter=name[like]:"%25"', {
      employees: 4242,
    });
    expect(answer.status).toBe(200);
    const updated = (answer.body as { data: { updateCompanies: Row[] } }).data.updateCompanies;
    const allowed = new Set(live(updatable).map(idOf));
    expect(updated.length).toBeGreaterThan(0);
    for (const record of updated) expect(allowed.has(idOf(record))).toBe(true);
    for (const [id, text] of untouched)
      expect(JSON.stringify(fx.records('company').find((r) => r.id === id))).toBe(text);
  });

  it('refuses a bulk delete without a filter, and a destroy the member may not do', async () => {
    const rep = junior();
    const before = JSON.stringify(fx.records('company'));
    const unfiltered = await fx.rest(rep.token, 'DELETE', '/rest/companies');
    expect(unfiltered.status).toBe(400);
    expect((unfiltered.body as { messages: string[] }).messages[0]).toMatch(
      /^Filters are mandatory for bulk destroy operations/,
    );
    const destroy = await fx.rest(rep.token, 'DELETE', '/rest/companies?filter=name[like]:"%25"');
    expectRestPermissionRefusal(destroy);
    expect(JSON.stringify(fx.records('company'))).toBe(before);
  });
});
