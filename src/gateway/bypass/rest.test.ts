/**
 * The bypass suite over Twenty's REST API (`/rest/<plural>`, `/rest/<plural>/<id>`,
 * `/rest/batch/<plural>`): every known way around record scopes, hidden and masked fields and
 * write rules, tried with the seeded members' own tokens through the gateway (src/gateway/rest/handle.ts).
 * Each test searches the raw response text for the values the member must not get (taken from
 * the sandbox's records and the policy engine, never hard-coded) and asks the host directly for
 * the same thing, which does answer with them; each write reads the sandbox's records before
 * and after, so a refused write is shown to change nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fetchAnswer,
  gatewayFixture,
  type Answer,
  type GatewayFixture,
} from '../testing/gateway.test-support.js';
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
} from './bypass.test-support.js';
import { REST_PERMISSION_DENIED } from '../rest/refusals.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture();
}, 60_000);
afterAll(async () => fx.close());

const CREATED_AT = '2026-01-01T00:00:00.000Z';

/** A permission refusal's status on Twenty 2.43's REST API, which the gateway's own refusals share. */
const REFUSED = REST_PERMISSION_DENIED.status;

/** A junior sales rep: companies and people of the team, phones masked, ARR hidden. */
const junior = () => who(fx, 'sales-rep', 'junior');
/** An intern sales rep: own records only, phones hidden, emails masked, ARR hidden. */
const intern = () => who(fx, 'sales-rep', 'intern');
/** A support intern: every company and person, ARR hidden, phones masked last4. */
const supportIntern = () => who(fx, 'support', 'intern');
/** A director, whose token asks the host directly for the positive controls. */
const director = () => fx.tokenOf(fx.member('sales-manager', 'director').id);

/** The first member of the policy who satisfies `test` (found, not hard-coded). */
function memberWhere(test: (id: string) => boolean) {
  const member = fx.policy.org.members.find((m) => test(m.id));
  expect(member).toBeDefined();
  const id = (member as { id: string }).id;
  return { id, token: fx.tokenOf(id) };
}

/** The body of a REST answer as a plain object (Twenty's `{ data, totalCount, pageInfo }`). */
function bodyOf(answer: Answer): Record<string, unknown> {
  return answer.body;
}

/** The records of a REST list answer: `data.<plural>`. */
function listOf(answer: Answer, plural: string): Row[] {
  const data = bodyOf(answer).data as Record<string, unknown> | undefined;
  const records = data?.[plural];
  return Array.isArray(records) ? (records as Row[]) : [];
}

/** The positive control of a REST answer: it succeeded and holds some of the values. */
function expectHostShowsRest(answer: Answer, restricted: readonly string[]): void {
  expect(answer.status).toBe(200);
  expect(leaked(answer.text, restricted).length).toBeGreaterThan(0);
}

/** A refusal by the gateway (or the host): not a success, and no record data in it. */
function expectRefused(answer: Answer): void {
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(bodyOf(answer).data ?? null).toBeNull();
}

/** The records of an object by id, as stored now (copied, so later writes do not change them). */
function snapshot(object: string): Map<string, Row> {
  return new Map(fx.records(object).map((r) => [idOf(r), structuredClone(r)]));
}

/** The live (not soft-deleted) records of an object the member may read, as the engine decides. */
function liveInside(member: string, object: string): Row[] {
  return split(fx, member, object).inside.filter((r) => (r.deletedAt ?? null) === null);
}

function companyScope(member: string) {
  const { inside, outside } = split(fx, member, 'company');
  return { inside, outside, outsideNames: distinctNames(outside, inside) };
}

/** An out-of-scope company whose name cannot be mistaken for one in scope. */
function outsideCompany(member: string): Row {
  const { inside, outside } = split(fx, member, 'company');
  const target = outside.find(
    (c) => (c.deletedAt ?? null) === null && distinctNames([c], inside).length === 1,
  );
  expect(target).toBeDefined();
  return target as Row;
}

/**
 * The answer about an existing record out of reach is the answer about a missing id, word for
 * word once the ids are swapped, and names nothing of the record.
 */
function expectAnsweredAsMissing(through: Answer, missing: Answer, target: Row, missingId: string) {
  expectRefused(through);
  expect(through.status).toBe(missing.status);
  expect(through.text.replaceAll(idOf(target), '<id>')).toBe(
    missing.text.replaceAll(missingId, '<id>'),
  );
  expectNoLeak(through, [String(target.name)]);
}

/** A request with headers of one's own (the fixture's `rest` sets only the token). */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  direct = false,
): Promise<Answer> {
  return fetchAnswer(`${direct ? fx.host.url : fx.gateway.url}${path}`, { method, headers });
}

/** A base64 cursor as Twenty writes one: the JSON of the order values and the id. */
function cursor(values: Record<string, unknown>): string {
  return encodeURIComponent(Buffer.from(JSON.stringify(values)).toString('base64'));
}

const q = encodeURIComponent;

describe('§19.1 a record by id outside the scope', () => {
  it('answers GET of an out-of-scope company exactly as a missing id, without its name', async () => {
    const rep = junior();
    const target = outsideCompany(rep.id);
    const through = await fx.rest(rep.token, 'GET', `/rest/companies/${idOf(target)}`);
    const missing = await fx.rest(rep.token, 'GET', `/rest/companies/${randomUUID()}`);
    expect(through.status).toBe(404);
    expect(through.status).toBe(missing.status);
    expect(through.body).toEqual(missing.body);
    expectNoLeak(through, [String(target.name)]);
    expectHostShowsRest(
      await fx.rest(rep.token, 'GET', `/rest/companies/${idOf(target)}`, undefined, true),
      [String(target.name)],
    );
  });

  it('answers GET of an out-of-scope company with depth=1 as a missing id too', async () => {
    const rep = junior();
    const target = outsideCompany(rep.id);
    const through = await fx.rest(rep.token, 'GET', `/rest/companies/${idOf(target)}?depth=1`);
    const missing = await fx.rest(rep.token, 'GET', `/rest/companies/${randomUUID()}?depth=1`);
    expect(through.status).toBe(404);
    expect(through.status).toBe(missing.status);
    expect(Object.keys(bodyOf(through)).sort()).toEqual(Object.keys(bodyOf(missing)).sort());
    expectNoLeak(through, [String(target.name)]);
  });
});

describe('§19.2 relations embedded with depth=1', () => {
  it('embeds no out-of-scope person, nor an unmasked phone, under a junior rep’s companies', async () => {
    const rep = junior();
    const companies = new Set(liveInside(rep.id, 'company').map(idOf));
    const { inside, outside } = split(fx, rep.id, 'person');
    const reached = outside.filter((p) => companies.has(p.companyId as string));
    // The attack has something to reach: people out of scope at companies in scope.
    expect(reached.length).toBeGreaterThan(0);
    const insidePhones = inside.filter((p) => companies.has(p.companyId as string));
    const restricted = [...reached.map(idOf), ...phoneNumbers([...reached, ...insidePhones])];
    const path = '/rest/companies?depth=1&limit=200';
    const through = await fx.rest(rep.token, 'GET', path);
    expect(through.status).toBe(200);
    expectNoLeak(through, restricted);
    expectHostShowsRest(await fx.rest(director(), 'GET', path, undefined, true), restricted);
  });

  it('embeds no out-of-scope company, nor any ARR, under an intern rep’s people', async () => {
    const rep = intern();
    const { outside, inside } = companyScope(rep.id);
    const people = liveInside(rep.id, 'person');
    const reached = outside.filter((c) => people.some((p) => p.companyId === c.id));
    expect(reached.length).toBeGreaterThan(0);
    const linked = fx.records('company').filter((c) => people.some((p) => p.companyId === c.id));
    const restricted = [...distinctNames(reached, inside), ...arrAmounts(linked)];
    const path = '/rest/people?depth=1&limit=200';
    const through = await fx.rest(rep.token, 'GET', path);
    expect(through.status).toBe(200);
    expect(listOf(through, 'people').length).toBeGreaterThan(0);
    expectNoLeak(through, restricted);
    expectHostShowsRest(await fx.rest(rep.token, 'GET', path, undefined, true), restricted);
  });

  it('embeds no company the member may not read under the opportunities they may read', async () => {
    const reachedBy = (member: string): Row[] => {
      const { outside } = split(fx, member, 'company');
      const opportunities = liveInside(member, 'opportunity');
      return outside.filter((c) => opportunities.some((o) => o.companyId === c.id));
    };
    const member = memberWhere((id) => reachedBy(id).length > 0);
    const reached = reachedBy(member.id);
    const reachedIds = new Set(reached.map(idOf));
    const inside = split(fx, member.id, 'company').inside;
    // Names and domains of the reached companies that no opportunity in scope spells itself
    // (a deal may be named after its company).
    const dealNames = liveInside(member.id, 'opportunity').map((o) => String(o.name));
    const domains = reached
      .map((c) => (c.domainName as { primaryLinkUrl?: string } | null)?.primaryLinkUrl ?? '')
      .filter((d) => d.length > 8);
    const restricted = [...distinctNames(reached, inside), ...domains].filter(
      (value) => !dealNames.some((name) => name.includes(value)),
    );
    const path = '/rest/opportunities?depth=1&limit=200';
    const through = await fx.rest(member.token, 'GET', path);
    expect(through.status).toBe(200);
    const embedded = listOf(through, 'opportunities')
      .map((o) => o.company)
      .filter((c): c is Row => typeof c === 'object' && c !== null);
    expect(embedded.filter((c) => reachedIds.has(idOf(c)))).toEqual([]);
    expectNoLeak(through, restricted);
    expectHostShowsRest(await fx.rest(member.token, 'GET', path, undefined, true), restricted);
  });

  it('leaves annualRecurringRevenue out of the companies embedded under a support intern’s people', async () => {
    const agent = supportIntern();
    const restricted = arrAmounts(fx.records('company'));
    const path = '/rest/people?depth=1&limit=200';
    const through = await fx.rest(agent.token, 'GET', path);
    expect(through.status).toBe(200);
    const embedded = listOf(through, 'people')
      .map((p) => p.company)
      .filter((c): c is Row => typeof c === 'object' && c !== null);
    expect(embedded.length).toBeGreaterThan(0);
    for (const company of embedded) expect(company).not.toHaveProperty('annualRecurringRevenue');
    expectNoLeak(through, restricted);
    expectHostShowsRest(await fx.rest(agent.token, 'GET', path, undefined, true), restricted);
  });

  it('leaves annualRecurringRevenue out of one person’s embedded company read by id', async () => {
    const agent = supportIntern();
    const person = liveInside(agent.id, 'person').find((p) => {
      const company = fx.records('company').find((c) => c.id === p.companyId);
      return company !== undefined && arrAmounts([company]).length > 0;
    });
    expect(person).toBeDefined();
    const company = fx.records('company').find((c) => c.id === (person as Row).companyId) as Row;
    const restricted = arrAmounts([company]);
    const path = `/rest/people/${idOf(person as Row)}?depth=1`;
    const through = await fx.rest(agent.token, 'GET', path);
    expect(through.status).toBe(200);
    expect(through.text).toContain(String(company.name));
    expectNoLeak(through, restricted);
    expectHostShowsRest(await fx.rest(agent.token, 'GET', path, undefined, true), restricted);
  });
});

describe('§19.3 masked and unreadable fields of records read by id or embedded', () => {
  it('masks the phone numbers of a person a junior rep reads by id', async () => {
    const rep = junior();
    const person = liveInside(rep.id, 'person').find((p) => phoneNumbers([p]).length > 0) as Row;
    expect(person).toBeDefined();
    const restricted = phoneNumbers([person]);
    const path = `/rest/people/${idOf(person)}`;
    const through = await fx.rest(rep.token, 'GET', path);
    expect(through.status).toBe(200);
    expectNoLeak(through, restricted);
    expectHostShowsRest(await fx.rest(rep.token, 'GET', path, undefined, true), restricted);
  });

  it('embeds no contact details under the opportunities of an analyst, who may not read people', async () => {
    const analyst = who(fx, 'analyst', 'intermediate');
    const contacts = new Set(
      fx
        .records('opportunity')
        .map((o) => o.pointOfContactId)
        .filter((id): id is string => typeof id === 'string'),
    );
    const people = fx.records('person').filter((p) => contacts.has(idOf(p)));
    const emails = people
      .map((p) => (p.emails as { primaryEmail?: string } | null)?.primaryEmail ?? '')
      .filter((e) => e.length > 5);
    const restricted = [...phoneNumbers(people), ...emails];
    const path = '/rest/opportunities?depth=1&limit=200';
    const through = await fx.rest(analyst.token, 'GET', path);
    expect(through.status).toBe(200);
    expect(listOf(through, 'opportunities').length).toBeGreaterThan(0);
    expectNoLeak(through, restricted);
    expectHostShowsRest(await fx.rest(analyst.token, 'GET', path, undefined, true), restricted);
  });
});

describe('§19.4 filters on fields the member cannot read', () => {
  const hiddenArr = [
    'annualRecurringRevenue.amountMicros[gt]:0',
    'or(name[neq]:"zzz",annualRecurringRevenue.amountMicros[gt]:0)',
    'not(annualRecurringRevenue.amountMicros[lte]:0)',
    'and(name[neq]:"zzz",or(not(annualRecurringRevenue.amountMicros[lt]:1000)))',
    'annualRecurringRevenue.currencyCode[eq]:"USD"',
  ];

  it.each(hiddenArr)(
    'refuses a support intern filtering companies on the hidden ARR with %s',
    async (filter) => {
      const agent = supportIntern();
      const restricted = arrAmounts(fx.records('company'));
      const path = `/rest/companies?limit=200&filter=${q(filter)}`;
      const through = await fx.rest(agent.token, 'GET', path);
      expectRefused(through);
      expect(through.status).toBe(REFUSED);
      expectNoLeak(through, restricted);
      expect(through.text).toContain('annualRecurringRevenue');
      // The host answers the filter, with the amounts: there is something to leak.
      const direct = await fx.rest(agent.token, 'GET', path, undefined, true);
      expectHostShowsRest(direct, restricted);
    },
  );

  it('refuses a junior rep filtering people on the masked phone number, alone or inside or/not', async () => {
    const rep = junior();
    const restricted = phoneNumbers(fx.records('person'));
    for (const filter of [
      'phones.primaryPhoneNumber[like]:"%5%"',
      'or(name.firstName[neq]:"zzz",phones.primaryPhoneNumber[startsWith]:"5")',
      'not(phones.primaryPhoneNumber[is]:NULL)',
    ]) {
      const path = `/rest/people?limit=200&filter=${q(filter)}`;
      const through = await fx.rest(rep.token, 'GET', path);
      expectRefused(through);
      expect(through.status).toBe(REFUSED);
      expectNoLeak(through, restricted);
    }
    expectHostShowsRest(
      await fx.rest(rep.token, 'GET', '/rest/people?limit=200', undefined, true),
      restricted,
    );
  });

  it('refuses an intern rep filtering people on the masked email address', async () => {
    const rep = intern();
    const path = `/rest/people?limit=200&filter=${q('emails.primaryEmail[ilike]:"%a%"')}`;
    const through = await fx.rest(rep.token, 'GET', path);
    expectRefused(through);
    expect(through.status).toBe(REFUSED);
    expect(through.text).toContain('emails');
  });
});

describe('§19.5 order_by on fields the member cannot read', () => {
  it('refuses a support intern ordering companies by the hidden ARR, first or after a readable key', async () => {
    const agent = supportIntern();
    const restricted = arrAmounts(fx.records('company'));
    for (const order of [
      'annualRecurringRevenue.amountMicros[DescNullsLast]',
      'name[AscNullsFirst],annualRecurringRevenue.amountMicros[DescNullsLast]',
      'annualRecurringRevenue',
    ]) {
      const through = await fx.rest(
        agent.token,
        'GET',
        `/rest/companies?limit=200&order_by=${q(order)}`,
      );
      expectRefused(through);
      expect(through.status).toBe(REFUSED);
      expectNoLeak(through, restricted);
    }
    expectHostShowsRest(
      await fx.rest(
        agent.token,
        'GET',
        `/rest/companies?limit=200&order_by=${q('annualRecurringRevenue.amountMicros[DescNullsLast]')}`,
        undefined,
        true,
      ),
      restricted,
    );
  });

  it('refuses a junior rep ordering people by the masked phone number', async () => {
    const rep = junior();
    const restricted = phoneNumbers(fx.records('person'));
    const path = `/rest/people?limit=200&order_by=${q('phones.primaryPhoneNumber[AscNullsFirst]')}`;
    const through = await fx.rest(rep.token, 'GET', path);
    expectRefused(through);
    expect(through.status).toBe(REFUSED);
    expectNoLeak(through, restricted);
    expectHostShowsRest(await fx.rest(rep.token, 'GET', path, undefined, true), restricted);
  });
});

describe('§19.6 counts, page sizes and cursors', () => {
  it('answers totalCount as the number of live companies in the junior rep’s scope', async () => {
    const rep = junior();
    const expected = liveInside(rep.id, 'company').length;
    const all = fx.records('company').filter((c) => (c.deletedAt ?? null) === null).length;
    expect(expected).toBeLessThan(all);
    const through = await fx.rest(rep.token, 'GET', '/rest/companies?limit=1');
    expect(through.status).toBe(200);
    expect(bodyOf(through).totalCount).toBe(expected);
    const filtered = await fx.rest(
      rep.token,
      'GET',
      `/rest/companies?limit=1&filter=${q('name[neq]:"zzz"')}`,
    );
    expect(bodyOf(filtered).totalCount).toBe(expected);
    const direct = await fx.rest(rep.token, 'GET', '/rest/companies?limit=1', undefined, true);
    expect(bodyOf(direct).totalCount).toBe(all);
  });

  it('refuses a limit above the page-size limit, however it is written', async () => {
    const rep = junior();
    const { outsideNames } = companyScope(rep.id);
    for (const limit of ['201', '1e9', '0x1000', '100000']) {
      const through = await fx.rest(rep.token, 'GET', `/rest/companies?limit=${q(limit)}`);
      expectRefused(through);
      expectNoLeak(through, outsideNames);
    }
    expectHostShowsRest(
      await fx.rest(director(), 'GET', '/rest/companies?limit=201', undefined, true),
      outsideNames,
    );
  });

  it('refuses crafted starting_after and ending_before cursors, answering no record', async () => {
    const rep = junior();
    const { outsideNames } = companyScope(rep.id);
    const paths = [
      `/rest/companies?limit=200&starting_after=${cursor({ id: '00000000-0000-0000-0000-000000000000' })}`,
      `/rest/companies?limit=200&ending_before=${cursor({ id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' })}`,
      `/rest/companies?limit=200&order_by=name&starting_after=${cursor({ name: '', id: '00000000-0000-0000-0000-000000000000' })}`,
      `/rest/companies?limit=200&order_by=name&starting_after=${cursor({ name: '', annualRecurringRevenue: { amountMicros: 0 }, id: '00000000-0000-0000-0000-000000000000' })}`,
    ];
    // Only cursors the gateway sealed for this member come back in (src/gateway/core/cursor-seal.ts).
    for (const path of paths) {
      const through = await fx.rest(rep.token, 'GET', path);
      expect(through.status).toBe(400);
      expect(through.text).toContain('not one this gateway gave you');
      expectNoLeak(through, outsideNames);
    }
    expectHostShowsRest(
      await fx.rest(director(), 'GET', paths[0] as string, undefined, true),
      outsideNames,
    );
  });

  it('writes no hidden value into the page cursors it answers', async () => {
    const agent = supportIntern();
    const restricted = arrAmounts(fx.records('company'));
    const through = await fx.rest(agent.token, 'GET', '/rest/companies?limit=5&order_by=name');
    expect(through.status).toBe(200);
    const info = bodyOf(through).pageInfo as Record<string, unknown>;
    const decoded = [info.startCursor, info.endCursor]
      .filter((c): c is string => typeof c === 'string')
      .map((c) => Buffer.from(c, 'base64').toString());
    expect(decoded.length).toBe(2);
    expect(leaked(decoded.join(' '), restricted)).toEqual([]);
    expect(decoded.join(' ')).not.toContain('annualRecurringRevenue');
  });
});

describe('§19.7 creates', () => {
  it('refuses an intern rep creating a person with phones (mass assignment), and stores none', async () => {
    const rep = intern();
    const before = snapshot('person');
    const through = await fx.rest(rep.token, 'POST', '/rest/people', {
      createdAt: CREATED_AT,
      name: { firstName: 'Mass', lastName: 'Assign-rest' },
      phones: { primaryPhoneNumber: '5550001111' },
    });
    expectRefused(through);
    expect(through.status).toBe(REFUSED);
    expect(through.text).toContain('person.phones');
    expect(snapshot('person')).toEqual(before);
  });

  it('refuses a batch create with one bad item among good ones, and stores none of them', async () => {
    const rep = junior();
    const before = snapshot('company');
    const through = await fx.rest(rep.token, 'POST', '/rest/batch/companies', [
      { createdAt: CREATED_AT, name: 'Rest Batch Good One' },
      {
        createdAt: CREATED_AT,
        name: 'Rest Batch Bad',
        annualRecurringRevenue: { amountMicros: 9990000000, currencyCode: 'USD' },
      },
      { createdAt: CREATED_AT, name: 'Rest Batch Good Two' },
    ]);
    expectRefused(through);
    expect(through.status).toBe(REFUSED);
    expect(through.text).toContain('company.annualRecurringRevenue');
    expect(snapshot('company')).toEqual(before);
    expect(JSON.stringify(fx.records('company'))).not.toContain('Rest Batch');
  });

  it('refuses a created company owned by someone outside the junior rep’s scope', async () => {
    const rep = junior();
    const other = memberWhere(
      (id) =>
        fx.engine.decide({
          member: rep.id,
          object: 'company',
          action: 'read',
          record: { accountOwnerId: id },
        }).effect === 'deny',
    );
    const before = snapshot('company');
    const through = await fx.rest(rep.token, 'POST', '/rest/companies', {
      createdAt: CREATED_AT,
      name: 'Rest Planted Co',
      accountOwnerId: other.id,
    });
    expectRefused(through);
    expect(through.status).toBe(REFUSED);
    expect(snapshot('company')).toEqual(before);
  });

  it('refuses ?upsert=true from a junior rep, whose update scope is only their own', async () => {
    const rep = junior();
    const { outside } = split(fx, rep.id, 'company', 'update');
    const target = outside.find(
      (c) => ((c.domainName as { primaryLinkUrl?: string } | null)?.primaryLinkUrl ?? '') !== '',
    ) as Row;
    expect(target).toBeDefined();
    const domain = (target.domainName as { primaryLinkUrl: string }).primaryLinkUrl;
    const before = snapshot('company');
    const body = {
      createdAt: CREATED_AT,
      name: 'pwned by rest upsert',
      domainName: { primaryLinkUrl: domain },
    };
    for (const path of ['/rest/companies?upsert=true', '/rest/batch/companies?upsert=true']) {
      const through = await fx.rest(
        rep.token,
        'POST',
        path,
        path.includes('batch') ? [body] : body,
      );
      expectRefused(through);
      expect(through.status).toBe(REFUSED);
      expectNoLeak(through, [String(target.name), idOf(target)]);
    }
    expect(snapshot('company')).toEqual(before);
  });
});

describe('§19.8 updates', () => {
  /** A junior sales rep who owns companies (so has some to update), by the engine. */
  function owningJunior() {
    return memberWhere(
      (id) =>
        fx.policy.org.members.some(
          (m) => m.id === id && m.role === 'sales-rep' && m.tier === 'junior',
        ) && split(fx, id, 'company', 'update').inside.length > 0,
    );
  }

  it('refuses PATCH of an out-of-scope company as it refuses a missing id, and changes nothing', async () => {
    const rep = junior();
    const target = outsideCompany(rep.id);
    const before = snapshot('company');
    const missingId = randomUUID();
    for (const method of ['PATCH', 'PUT']) {
      const through = await fx.rest(rep.token, method, `/rest/companies/${idOf(target)}`, {
        name: 'pwned',
      });
      const missing = await fx.rest(rep.token, method, `/rest/companies/${missingId}`, {
        name: 'pwned',
      });
      expectAnsweredAsMissing(through, missing, target, missingId);
    }
    expect(snapshot('company')).toEqual(before);
  });

  it('refuses PATCH setting the hidden ARR on the junior rep’s own company, and changes nothing', async () => {
    const rep = owningJunior();
    const own = split(fx, rep.id, 'company', 'update').inside[0] as Row;
    const before = snapshot('company');
    const through = await fx.rest(rep.token, 'PATCH', `/rest/companies/${idOf(own)}`, {
      annualRecurringRevenue: { amountMicros: 1, currencyCode: 'USD' },
    });
    expectRefused(through);
    expect(through.status).toBe(REFUSED);
    expect(through.text).toContain('company.annualRecurringRevenue');
    expect(snapshot('company')).toEqual(before);
  });

  it('refuses PATCH setting deletedAt on the junior rep’s own company, and changes nothing', async () => {
    const rep = owningJunior();
    const own = split(fx, rep.id, 'company', 'update').inside.find(
      (c) => (c.deletedAt ?? null) === null,
    ) as Row;
    const before = snapshot('company');
    const through = await fx.rest(rep.token, 'PATCH', `/rest/companies/${idOf(own)}`, {
      deletedAt: CREATED_AT,
    });
    expectRefused(through);
    expect(through.status).toBe(REFUSED);
    expect(through.text).toContain('deletedAt');
    expect(snapshot('company')).toEqual(before);
  });
});

describe('§19.9 an update that moves a record out of the scope', () => {
  it('refuses PATCH handing the junior rep’s own company to another owner, and changes nothing', async () => {
    const rep = memberWhere(
      (id) =>
        fx.policy.org.members.some(
          (m) => m.id === id && m.role === 'sales-rep' && m.tier === 'junior',
        ) && split(fx, id, 'company', 'update').inside.length > 0,
    );
    const own = split(fx, rep.id, 'company', 'update').inside[0] as Row;
    const other = fx.member('sales-manager', 'director');
    const before = snapshot('company');
    const through = await fx.rest(rep.token, 'PATCH', `/rest/companies/${idOf(own)}`, {
      accountOwnerId: other.id,
    });
    expectRefused(through);
    expect(through.status).toBe(REFUSED);
    expect(snapshot('company')).toEqual(before);
  });
});

describe('§19.10 deletes', () => {
  it('refuses DELETE of an out-of-scope company, destroying or soft-deleting, and changes nothing', async () => {
    const rep = junior();
    const target = outsideCompany(rep.id);
    const before = snapshot('company');
    const missingId = randomUUID();
    for (const suffix of ['', '?soft_delete=true']) {
      const through = await fx.rest(
        rep.token,
        'DELETE',
        `/rest/companies/${idOf(target)}${suffix}`,
      );
      const missing = await fx.rest(rep.token, 'DELETE', `/rest/companies/${missingId}${suffix}`);
      expectAnsweredAsMissing(through, missing, target, missingId);
    }
    expect(snapshot('company')).toEqual(before);
  });

  it('keeps a won deal its owner may not delete, with and without soft_delete=true', async () => {
    const kept = (member: string) =>
      liveInside(member, 'opportunity').find(
        (o) =>
          o.stage === 'CUSTOMER' &&
          o.ownerId === member &&
          fx.engine.decide({ member, object: 'opportunity', action: 'delete', record: o })
            .effect === 'deny',
      );
    // An owner who may delete their own deals (sales-rep intermediate), but not a won one.
    const owner = memberWhere(
      (id) =>
        kept(id) !== undefined &&
        fx.engine.decide({
          member: id,
          object: 'opportunity',
          action: 'delete',
          record: { ownerId: id, stage: 'NEW' },
        }).effect === 'allow',
    );
    const deal = kept(owner.id) as Row;
    const before = snapshot('opportunity');
    for (const suffix of ['?soft_delete=true', '']) {
      const through = await fx.rest(
        owner.token,
        'DELETE',
        `/rest/opportunities/${idOf(deal)}${suffix}`,
      );
      expectRefused(through);
      expect(through.status).toBe(REFUSED);
    }
    expect(snapshot('opportunity')).toEqual(before);
  });
});

describe('§19.11 path spellings and routes', () => {
  it.each([
    '/rest/companies/',
    '/REST/companies',
    '/rest//companies',
    '/Rest/companies//',
    '/rest/%63ompanies',
    '/rest/companies%2F',
  ])('leaks no out-of-scope company through %s', async (path) => {
    const rep = junior();
    const { outsideNames } = companyScope(rep.id);
    const through = await fx.rest(rep.token, 'GET', `${path}?limit=200`);
    expectNoLeak(through, outsideNames);
    expectHostShowsRest(
      await fx.rest(director(), 'GET', '/rest/companies?limit=200', undefined, true),
      outsideNames,
    );
  });

  it('refuses /rest/companies/<id>/extra, in scope or not, rather than pass it unenforced', async () => {
    const rep = junior();
    const target = outsideCompany(rep.id);
    const own = liveInside(rep.id, 'company')[0] as Row;
    for (const id of [idOf(target), idOf(own)]) {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const through = await fx.rest(
          rep.token,
          method,
          `/rest/companies/${id}/extra`,
          method === 'PATCH' ? { name: 'pwned' } : undefined,
        );
        expectRefused(through);
        expect(through.status).toBe(REFUSED);
        expect(through.text).toContain('not a REST route the gateway enforces');
        expectNoLeak(through, [String(target.name)]);
      }
    }
  });

  it.each(['/rest/metadata/objects', '/rest/open-api/core', '/rest/nothing-here', '/rest'])(
    'refuses the unknown REST route %s rather than pass it unenforced',
    async (path) => {
      const rep = junior();
      const through = await fx.rest(rep.token, 'GET', path);
      expectRefused(through);
      expect(through.status).toBe(REFUSED);
      expect(through.text).toContain('not a REST route the gateway enforces');
    },
  );

  it('acts as the header’s member when ?token= names another member’s token', async () => {
    const rep = intern();
    const { outsideNames } = companyScope(rep.id);
    const path = `/rest/companies?limit=200&token=${q(director())}`;
    const through = await fx.rest(rep.token, 'GET', path);
    expect(through.status).toBe(200);
    expect(listOf(through, 'companies').map(idOf).sort()).toEqual(
      liveInside(rep.id, 'company').map(idOf).sort(),
    );
    expectNoLeak(through, outsideNames);
    expectHostShowsRest(
      await fx.rest(director(), 'GET', '/rest/companies?limit=200', undefined, true),
      outsideNames,
    );
  });
});

describe('§19.12 HTTP method tricks', () => {
  it('refuses HEAD and OPTIONS on REST routes without reaching the host', async () => {
    const rep = junior();
    const target = outsideCompany(rep.id);
    for (const method of ['HEAD', 'OPTIONS']) {
      for (const path of ['/rest/companies', `/rest/companies/${idOf(target)}`]) {
        const through = await send(method, path, { authorization: `Bearer ${rep.token}` });
        expect(through.status).toBe(REFUSED);
        expectNoLeak(through, [String(target.name)]);
      }
    }
  });

  it('ignores X-HTTP-Method-Override: DELETE on a GET, deleting nothing and leaking nothing', async () => {
    const rep = junior();
    const target = outsideCompany(rep.id);
    const own = liveInside(rep.id, 'company')[0] as Row;
    const before = snapshot('company');
    for (const header of ['x-http-method-override', 'x-http-method', 'x-method-override']) {
      const outside = await send('GET', `/rest/companies/${idOf(target)}`, {
        authorization: `Bearer ${rep.token}`,
        [header]: 'DELETE',
      });
      expect(outside.status).toBe(404);
      expectNoLeak(outside, [String(target.name)]);
      const inside = await send('GET', `/rest/companies/${idOf(own)}`, {
        authorization: `Bearer ${rep.token}`,
        [header]: 'DELETE',
      });
      expect(inside.status).toBe(200);
    }
    expect(snapshot('company')).toEqual(before);
  });
});
