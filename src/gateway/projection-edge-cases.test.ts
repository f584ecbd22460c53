/**
 * Edge cases of judging requests and answers: projection edge cases (composites, aliases, directives on edges),
 * mutation answers, native objects, groupBy, the /metadata pass-through and identity.
 */
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDARD_OBJECTS } from '../host/core-schema/standard-objects.js';
import { compilePolicy } from '../policy/engine.js';
import { loadPolicy } from '../policy/load.js';
import { Denial } from './core/denial.js';
import { prepareOperation } from './graphql/prepare.js';
import { projectResponse } from './graphql/respond.js';
import {
  DEMO_POLICY,
  gatewayFixture,
  type GatewayFixture,
} from './testing/gateway.test-support.js';
import { IdentityResolver } from './http/identity.js';
import { DEFAULT_LIMITS } from './core/limits.js';
import { handleRest } from './rest/handle.js';
import { GatewayModel } from './core/model.js';

const model = new GatewayModel(STANDARD_OBJECTS);
const engine = compilePolicy(DEMO_POLICY);
const memberOf = (role: string, tier: string): string => {
  const found = DEMO_POLICY.org.members.find((m) => m.role === role && m.tier === tier);
  if (!found) throw new Error(`no ${role} ${tier}`);
  return found.id;
};
const callerOf = (role: string, tier: string) => {
  const member = memberOf(role, tier);
  return { judge: engine.for(member), policy: DEMO_POLICY, member };
};

const prepareAs = (caller: ReturnType<typeof callerOf>, query: string, variables = {}) =>
  prepareOperation(parse(query), undefined, variables, caller, model);

const RAW_PHONE = '+33612345678';
const RAW_EXTRA = '+33698765432';
const RAW_EMAIL = 'secret.person@hidden-domain.example';
const RAW_EXTRA_EMAIL = 'other.secret@hidden-domain.example';

/** A person of the caller's own (so in every scope), with contact details to mask. */
function personOf(member: string, id = 'p-1'): Record<string, unknown> {
  return {
    id,
    createdBy: { workspaceMemberId: member, source: 'MANUAL' },
    phones: {
      primaryPhoneNumber: RAW_PHONE,
      primaryPhoneCountryCode: 'FR',
      primaryPhoneCallingCode: '+33',
      additionalPhones: [{ number: RAW_EXTRA, countryCode: 'FR', callingCode: '+33' }],
    },
    emails: { primaryEmail: RAW_EMAIL, additionalEmails: [RAW_EXTRA_EMAIL] },
  };
}

/** The host's answer for one record: what the client asked (by its keys) and the `_tg_` fields. */
function withDecisionFields(record: Record<string, unknown>, selected: Record<string, unknown>) {
  const out: Record<string, unknown> = { ...selected };
  for (const [key, value] of Object.entries(record)) out[`_tg_${key}`] = value;
  return out;
}

/** The host's answer to a `people` read: one person, with what the gateway fetched to judge it. */
function peopleAnswer(record: Record<string, unknown>, node: Record<string, unknown>) {
  return { people: { edges: [{ node: withDecisionFields(record, node) }] } };
}

describe('composites: aliases, __typename, lists, the same composite twice', () => {
  const caller = callerOf('sales-rep', 'junior'); // phones masked last4
  const person = personOf(caller.member);

  it('masks every alias of a masked sub-field, its lists, and keeps __typename harmless', () => {
    const prepared = prepareAs(
      caller,
      '{ people { edges { node { id phones { a: primaryPhoneNumber b: primaryPhoneNumber __typename additionalPhones } } } } }',
    );
    const phones = person.phones as Record<string, unknown>;
    const data = peopleAnswer(person, {
      id: person.id,
      phones: {
        a: phones.primaryPhoneNumber,
        b: phones.primaryPhoneNumber,
        __typename: 'Phones',
        additionalPhones: phones.additionalPhones,
      },
    });
    const text = JSON.stringify(projectResponse(data, prepared, caller, model).data);
    expect(text).not.toContain(RAW_PHONE);
    expect(text).not.toContain(RAW_EXTRA);
    expect(text).toContain('5678'); // the last 4 are shown: masked, not dropped
  });

  it('masks a composite selected twice with different sub-selections', () => {
    const prepared = prepareAs(
      caller,
      '{ people { edges { node { id p1: phones { primaryPhoneNumber } p2: phones { x: additionalPhones } } } } }',
    );
    const phones = person.phones as Record<string, unknown>;
    const data = peopleAnswer(person, {
      id: person.id,
      p1: { primaryPhoneNumber: phones.primaryPhoneNumber },
      p2: { x: phones.additionalPhones },
    });
    const projected = projectResponse(data, prepared, caller, model).data;
    const text = JSON.stringify(projected);
    expect(text).not.toContain(RAW_PHONE);
    expect(text).not.toContain(RAW_EXTRA);
  });

  it('masks emails (additionalEmails, RAW_JSON) for an intern, also under an alias', () => {
    const intern = callerOf('sales-rep', 'intern'); // emails masked email-domain
    const own = personOf(intern.member);
    const prepared = prepareAs(
      intern,
      '{ people { edges { node { id mails: emails { p: primaryEmail more: additionalEmails } } } } }',
    );
    const emails = own.emails as Record<string, unknown>;
    const data = peopleAnswer(own, {
      id: own.id,
      mails: { p: emails.primaryEmail, more: emails.additionalEmails },
    });
    const text = JSON.stringify(projectResponse(data, prepared, intern, model).data);
    expect(text).not.toContain('secret.person');
    expect(text).not.toContain('other.secret');
  });

  it('a hidden composite stays null even when the host answers its sub-fields anyway', () => {
    const intern = callerOf('sales-rep', 'intern'); // phones hidden
    const own = personOf(intern.member);
    const prepared = prepareAs(
      intern,
      '{ people { edges { node { id ...P company { people { edges { node { ...P } } } } } } } } fragment P on Person { phones { primaryPhoneNumber additionalPhones } }',
    );
    // A host that ignores the rewrite (answers the real composite under the key).
    const data = peopleAnswer(own, {
      id: own.id,
      phones: own.phones,
      company: null,
    });
    const text = JSON.stringify(projectResponse(data, prepared, intern, model).data);
    expect(text).not.toContain(RAW_PHONE);
    expect(text).not.toContain(RAW_EXTRA);
  });
});

describe('edges whose node is skipped by a directive', () => {
  const caller = callerOf('sales-rep', 'junior');

  it('does not serve edges (with their cursors) of out-of-scope duplicates when node is @skip-ped', () => {
    const prepared = prepareAs(
      caller,
      '{ companyDuplicates(ids: []) { edges { cursor node @skip(if: true) { id } } } }',
    );
    // The host honours @skip: the edge comes back with its cursor and no node at all.
    const data = {
      companyDuplicates: [{ edges: [{ cursor: 'cursor-of-a-company-out-of-scope' }] }],
    };
    const projected = projectResponse(data, prepared, caller, model);
    expect(JSON.stringify(projected.data)).not.toContain('cursor-of-a-company-out-of-scope');
  });

  it('the same when node is only in an inline fragment that is skipped', () => {
    const prepared = prepareAs(
      caller,
      '{ companyDuplicates(ids: []) { edges { cursor ... @skip(if: true) { node { id } } } } }',
    );
    const data = { companyDuplicates: [{ edges: [{ cursor: 'cursor-out-3' }] }] };
    expect(JSON.stringify(projectResponse(data, prepared, caller, model).data)).not.toContain(
      'cursor-out-3',
    );
  });

  it('the same with @include(if: $x) and a variable', () => {
    const prepared = prepareAs(
      caller,
      'query($x: Boolean!) { companyDuplicates(ids: []) { edges { cursor node @include(if: $x) { id } } } }',
      { x: false },
    );
    const data = { companyDuplicates: [{ edges: [{ cursor: 'cursor-out-2' }] }] };
    expect(JSON.stringify(projectResponse(data, prepared, caller, model).data)).not.toContain(
      'cursor-out-2',
    );
  });
});

describe('mutation answers', () => {
  it("masks phones in an update's answer for a member who may update but reads them masked", () => {
    const caller = callerOf('sales-rep', 'junior');
    const own = personOf(caller.member);
    const prepared = prepareAs(
      caller,
      `mutation { updatePerson(id: "${String(own.id)}", data: { jobTitle: "x" }) { id phones { primaryPhoneNumber additionalPhones } } }`,
    );
    const data = {
      updatePerson: withDecisionFields(own, { id: own.id, phones: own.phones }),
    };
    const text = JSON.stringify(projectResponse(data, prepared, caller, model).data);
    expect(text).not.toContain(RAW_PHONE);
    expect(text).not.toContain(RAW_EXTRA);
  });

  it("answers null for a created company the member may create but not read (someone else's)", () => {
    const caller = callerOf('sales-rep', 'junior');
    const other = DEMO_POLICY.org.members.find(
      (m) => m.id !== caller.member && m.role === 'sales-manager',
    );
    const created = { id: 'c-new', name: 'Not yours', accountOwnerId: other?.id ?? 'x' };
    let prepared;
    try {
      prepared = prepareAs(
        caller,
        'mutation { createCompany(data: { name: "Not yours" }) { id name } }',
      );
    } catch (error) {
      expect(error).toBeInstanceOf(Denial);
      return;
    }
    const data = {
      createCompany: withDecisionFields(created, { id: created.id, name: 'Not yours' }),
    };
    const text = JSON.stringify(projectResponse(data, prepared, caller, model).data);
    expect(text).not.toContain('Not yours');
  });

  it('projects a destroyOne answer: a support intern cannot destroy, and the refusal is up front', () => {
    const caller = callerOf('support', 'intern');
    const prepared = prepareAs(
      caller,
      'mutation { destroyPerson(id: "p-1") { id phones { primaryPhoneNumber } } }',
    );
    // destroyOne is read-first: a write check is collected for the handler.
    expect(prepared.checks).toEqual([
      expect.objectContaining({ kind: 'one', method: 'destroyOne' }),
    ]);
  });
});

describe('groupBy and aggregates', () => {
  it('refuses grouping an intern by a field hidden to it, and a sum of it inside groups', () => {
    const intern = callerOf('sales-rep', 'intern'); // opportunity.amount hidden
    expect(() =>
      prepareAs(
        intern,
        '{ opportunitiesGroupBy(groupBy: [{ amount: { amountMicros: true } }]) { groupByDimensionValues totalCount } }',
      ),
    ).toThrow(Denial);
    expect(() =>
      prepareAs(
        intern,
        '{ opportunitiesGroupBy(groupBy: [{ stage: true }]) { groupByDimensionValues sumAmountAmountMicros } }',
      ),
    ).toThrow(Denial);
  });

  it('refuses ordering a nested relation connection by an aggregate of a hidden field', () => {
    const junior = callerOf('sales-rep', 'junior'); // company.annualRecurringRevenue hidden
    expect(() =>
      prepareAs(
        junior,
        '{ people { edges { node { id company { id } } } } companiesGroupBy(groupBy: [{ name: true }], orderBy: [{ aggregate: { sumAnnualRecurringRevenueAmountMicros: DescNullsLast } }]) { groupByDimensionValues } }',
      ),
    ).toThrow(Denial);
  });

  it('scopes groups: each group connection is filtered like the root', () => {
    const junior = callerOf('sales-rep', 'junior');
    const prepared = prepareAs(
      junior,
      '{ companiesGroupBy(groupBy: [{ name: true }]) { groupByDimensionValues totalCount edges { node { id name } } } }',
    );
    expect(Object.keys(prepared.variables).some((v) => v.startsWith('_tg_v'))).toBe(true);
  });
});

describe('native objects: governed records reached from them', () => {
  const native = {
    ...DEMO_POLICY,
    gateway: { apiKeys: {}, limits: {}, nativeObjects: ['workspaceMember'] },
  };
  const nativeEngine = compilePolicy(native);
  const juniorId = memberOf('sales-rep', 'junior');
  const junior = { judge: nativeEngine.for(juniorId), policy: native, member: juniorId };

  it('refuses an aggregate of a hidden field on a governed connection under a native record', () => {
    expect(() =>
      prepareAs(
        junior,
        '{ workspaceMembers { edges { node { id accountOwnerForCompanies { sumAnnualRecurringRevenueAmountMicros } } } } }',
      ),
    ).toThrow(Denial);
  });

  it('refuses a filter naming a hidden field on a governed connection under a native record', () => {
    expect(() =>
      prepareAs(
        junior,
        '{ workspaceMembers { edges { node { id accountOwnerForCompanies(filter: { annualRecurringRevenue: { amountMicros: { gt: 0 } } }) { totalCount } } } } }',
      ),
    ).toThrow(Denial);
  });

  it('judges a governed record reached from a native record (out of scope: null, edge dropped)', () => {
    const prepared = prepareAs(
      junior,
      '{ workspaceMembers { edges { node { id accountOwnerForCompanies { edges { node { id name } } } } } } }',
    );
    const outside = { id: 'c-out', name: 'Outside Co', accountOwnerId: 'nobody' };
    const data = {
      workspaceMembers: {
        edges: [
          {
            node: {
              id: 'wm-1',
              accountOwnerForCompanies: {
                edges: [{ node: withDecisionFields(outside, { id: 'c-out', name: 'Outside Co' }) }],
              },
            },
          },
        ],
      },
    };
    expect(JSON.stringify(projectResponse(data, prepared, junior, model).data)).not.toContain(
      'Outside Co',
    );
  });
});

describe('identity: a malformed Authorization beside a session cookie', () => {
  const lookup = {
    currentMember: (token: string) =>
      Promise.resolve(token === 'tok-a' ? { id: 'member-a' } : { rejected: 'bad token' }),
    acceptsApiKey: () => Promise.resolve({ rejected: 'no' }),
    currentMemberBySession: (cookie: string) =>
      Promise.resolve(cookie.endsWith('=sess-b') ? { id: 'member-b' } : { rejected: 'bad' }),
  };

  it('does not judge a request by the cookie while the (forwarded) Authorization header names another token', async () => {
    // passport-jwt (Twenty) reads `Bearer tok-a junk` as tok-a: the host would act as member A,
    // while the gateway, not recognising the header, judges the request as the cookie's member B.
    const resolver = new IdentityResolver({ lookup, apiKeys: {} });
    let identity: unknown;
    try {
      identity = await resolver.resolve('Bearer tok-a junk', 'twenty-session=sess-b');
    } catch (error) {
      expect(error).toBeInstanceOf(Denial);
      return;
    }
    expect(identity).not.toEqual({ kind: 'member', workspaceMemberId: 'member-b' });
  });

  it('accepts Bearer in any case and with tabs, as the host does', async () => {
    const resolver = new IdentityResolver({ lookup, apiKeys: {} });
    for (const header of ['bearer tok-a', 'BEARER\ttok-a', 'Bearer   tok-a  '])
      expect(await resolver.resolve(header)).toEqual({
        kind: 'member',
        workspaceMemberId: 'member-a',
      });
  });
});

describe('the /metadata pass-through and subscriptions', () => {
  let fx: GatewayFixture;
  let token: string;
  beforeAll(async () => {
    fx = await gatewayFixture({ counts: { companies: 5, people: 5, opportunities: 5 } });
    token = fx.tokenOf(fx.member('sales-rep', 'junior').id);
  }, 60_000);
  afterAll(async () => fx.close());

  const SUB = 'subscription { onDbEvent(input: {}) { eventDate } }';
  const send = async (
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: Buffer | string },
  ) => {
    const response = await fetch(`${fx.gateway.url}${path}`, {
      method: init.method ?? 'POST',
      // multipart/mixed: how graphql-yoga (Twenty) streams a subscription to a plain POST/GET.
      headers: { authorization: `Bearer ${token}`, accept: 'multipart/mixed', ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    return { status: response.status, text: await response.text() };
  };
  const refused = (answer: { status: number; text: string }) => {
    expect(answer.text).toMatch(/Subscriptions \(live updates\) are not available/);
  };

  it('refuses a subscription in a JSON body, a batch, and a multi-operation document', async () => {
    refused(
      await send('/metadata', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: SUB }),
      }),
    );
    refused(
      await send('/metadata', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ query: '{ __typename }' }, { query: SUB }]),
      }),
    );
    refused(
      await send('/metadata', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `query A { __typename } ${SUB.replace('subscription', 'subscription B')}`,
          operationName: 'B',
        }),
      }),
    );
  });

  it('refuses a subscription in a JSON body that starts with a byte-order mark', async () => {
    // fetch's Body.json() (graphql-yoga, Twenty) strips a UTF-8 BOM; JSON.parse does not.
    refused(
      await send('/metadata', {
        headers: { 'content-type': 'application/json' },
        body: Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from(JSON.stringify({ query: SUB })),
        ]),
      }),
    );
  });

  it('refuses a subscription in an application/graphql body', async () => {
    refused(
      await send('/metadata', { headers: { 'content-type': 'application/graphql' }, body: SUB }),
    );
  });

  it('refuses a subscription in a form-encoded body', async () => {
    refused(
      await send('/metadata', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: SUB }).toString(),
      }),
    );
  });

  it('refuses a subscription in a multipart (GraphQL upload) body', async () => {
    const boundary = 'XyZ';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="operations"',
      '',
      JSON.stringify({ query: SUB }),
      `--${boundary}`,
      'Content-Disposition: form-data; name="map"',
      '',
      '{}',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    refused(
      await send('/metadata', {
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      }),
    );
  });

  it('refuses a subscription in a gzip-compressed JSON body', async () => {
    refused(
      await send('/metadata', {
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(Buffer.from(JSON.stringify({ query: SUB }))),
      }),
    );
  });

  it('refuses a GET whose second `query` parameter is a subscription', async () => {
    const search = `?query=${encodeURIComponent('{ __typename }')}&query=${encodeURIComponent(SUB)}`;
    refused(await send(`/metadata${search}`, { method: 'GET' }));
  });

  it('refuses a GET subscription, and one asked as text/event-stream', async () => {
    refused(await send(`/metadata?query=${encodeURIComponent(SUB)}`, { method: 'GET' }));
    refused(
      await send('/metadata', {
        headers: { 'content-type': 'application/json', accept: 'TEXT/EVENT-STREAM' },
        body: JSON.stringify({ query: '{ __typename }' }),
      }),
    );
  });
});

describe('REST: query parameters given twice', () => {
  /** A REST call through handleRest, against a host that records what it was asked. */
  async function rest(role: string, tier: string, method: string, url: string, record?: object) {
    const caller = callerOf(role, tier);
    const asked: { method: string; path: string }[] = [];
    const answer = await handleRest(
      { method, url: new URL(url, 'http://gateway.test'), body: Buffer.alloc(0) },
      {
        caller,
        model,
        limits: DEFAULT_LIMITS,
        now: () => 0,
        onDenied: () => undefined,
        onRows: () => undefined,
        host: (m, path) => {
          asked.push({ method: m, path });
          if (path === '/graphql')
            return Promise.resolve({
              status: 200,
              body: {
                data: {
                  opportunities: { edges: record ? [{ node: record }] : [] },
                  companies: { edges: [] },
                },
              },
            });
          return Promise.resolve({ status: 200, body: { data: { companies: [] } } });
        },
      },
    );
    return { answer, asked, member: caller.member };
  }

  it('checks every order_by parameter, not only the first', async () => {
    const { answer, asked } = await rest(
      'sales-rep',
      'junior',
      'GET',
      '/rest/companies?order_by=name&order_by=annualRecurringRevenue.amountMicros',
    );
    const forwarded = asked.filter((a) => a.path.startsWith('/rest/'));
    if (answer.status === 200)
      for (const call of forwarded) expect(call.path).not.toContain('annualRecurringRevenue');
    else expect([400, 403]).toContain(answer.status);
  });

  it('bounds every limit parameter, and a limit that is not a plain number', async () => {
    for (const search of ['limit=1&limit=100000', 'limit=100000abc', 'limit=1e2%20&limit=99999']) {
      const { answer, asked } = await rest(
        'sales-rep',
        'junior',
        'GET',
        `/rest/companies?${search}`,
      );
      const forwarded = asked.filter((a) => a.path.startsWith('/rest/'));
      if (answer.status === 200)
        for (const call of forwarded) {
          const limits = new URL(call.path, 'http://h').searchParams.getAll('limit');
          for (const limit of limits)
            expect(Number.parseInt(limit, 10)).toBeLessThanOrEqual(DEFAULT_LIMITS.maxPageSize);
        }
    }
  });

  it('does not forward a delete whose soft_delete flag is given twice (checked as soft, host may destroy)', async () => {
    const id = '7b1a0c2e-0000-4000-8000-00000000abcd';
    const owner = memberOf('sales-rep', 'intermediate'); // may delete its own, may not destroy
    const record = { id, ownerId: owner, stage: 'NEW', deletedAt: null };
    // A destroy (no soft_delete) is refused, before the host is asked to delete anything.
    const destroy = await rest(
      'sales-rep',
      'intermediate',
      'DELETE',
      `/rest/opportunities/${id}`,
      record,
    );
    // A permission refusal, in Twenty 2.43's REST shape (src/gateway/rest/refusals.ts).
    expect(destroy.answer.status).toBe(400);
    expect(destroy.asked.filter((a) => a.method === 'DELETE')).toHaveLength(0);
    // Twenty reads `soft_delete` as `request.query.soft_delete === 'true'`: given twice, Express
    // makes it an array, so the host destroys, while the gateway checked a soft delete.
    const { asked } = await rest(
      'sales-rep',
      'intermediate',
      'DELETE',
      `/rest/opportunities/${id}?soft_delete=true&soft_delete=true`,
      record,
    );
    for (const call of asked.filter((a) => a.method === 'DELETE'))
      expect(new URL(call.path, 'http://h').searchParams.getAll('soft_delete')).toEqual(['true']);
  });

  it('does not forward bracketed filter parameters beside the scoped filter (qs "extended" parsing)', async () => {
    const { answer, asked } = await rest(
      'sales-rep',
      'junior',
      'GET',
      '/rest/companies?filter%5Bid%5D%5Bis%5D=NOT_NULL',
    );
    const forwarded = asked.filter((a) => a.path.startsWith('/rest/'));
    if (answer.status === 200)
      for (const call of forwarded) expect(decodeURIComponent(call.path)).not.toContain('filter[');
  });
});

describe('a field hidden by a `when` rule on some records only (Acme: amount over 100,000 below senior)', () => {
  const acme = loadPolicy(
    readFileSync(new URL('../../examples/acme/tiergate.policy.yaml', import.meta.url), 'utf8'),
  );
  const caller = { judge: compilePolicy(acme).for('m-nils'), policy: acme, member: 'm-nils' }; // sales-rep junior
  const BIG = 250_000_000_000; // 250,000 in micros: hidden below senior
  const big = {
    id: 'o-big',
    ownerId: 'm-nils',
    stage: 'PROPOSAL',
    amount: { amountMicros: BIG, currencyCode: 'EUR' },
  };
  const prep = (query: string) => prepareOperation(parse(query), undefined, {}, caller, model);
  const leaks = (data: unknown, query: string) =>
    JSON.stringify(projectResponse(data, prep(query), caller, model).data).includes(String(BIG));

  it('the engine does hide it on that record (so each test below can fail)', () => {
    const projected = caller.judge.project('opportunity', big);
    expect(projected).not.toBeNull();
    expect(JSON.stringify(projected)).not.toContain(String(BIG));
  });

  it('hides it under aliases inside the composite', () => {
    const query =
      '{ opportunities { edges { node { id x: amount { a: amountMicros b: amountMicros } } } } }';
    const data = {
      opportunities: {
        edges: [
          {
            node: withDecisionFields(big, {
              id: big.id,
              x: { a: BIG, b: BIG },
            }),
          },
        ],
      },
    };
    expect(leaks(data, query)).toBe(false);
  });

  it('hides it on a record reached through a relation (person → company → opportunities)', () => {
    const query =
      '{ company(filter: { id: { eq: "c-1" } }) { id opportunities { edges { node { id amount { amountMicros } } } } } }';
    const company = { id: 'c-1', accountOwnerId: 'm-nils', name: 'Co' };
    const data = {
      company: withDecisionFields(company, {
        id: 'c-1',
        opportunities: {
          edges: [{ node: withDecisionFields(big, { id: big.id, amount: { amountMicros: BIG } }) }],
        },
      }),
    };
    expect(leaks(data, query)).toBe(false);
  });

  it("hides it in an update's answer", () => {
    const query =
      'mutation { updateOpportunity(id: "o-big", data: { name: "x" }) { id amount { amountMicros } } }';
    const data = {
      updateOpportunity: withDecisionFields(big, { id: big.id, amount: { amountMicros: BIG } }),
    };
    expect(leaks(data, query)).toBe(false);
  });

  it('hides it in the records of a group, and refuses grouping or summing by it', () => {
    const query =
      '{ opportunitiesGroupBy(groupBy: [{ stage: true }]) { groupByDimensionValues edges { node { id amount { amountMicros } } } } }';
    const data = {
      opportunitiesGroupBy: [
        {
          groupByDimensionValues: ['PROPOSAL'],
          edges: [{ node: withDecisionFields(big, { id: big.id, amount: { amountMicros: BIG } }) }],
        },
      ],
    };
    expect(leaks(data, query)).toBe(false);
    expect(() =>
      prep(
        '{ opportunitiesGroupBy(groupBy: [{ amount: { amountMicros: true } }]) { groupByDimensionValues } }',
      ),
    ).toThrow(Denial);
    expect(() =>
      prep('{ opportunitiesGroupBy(groupBy: [{ stage: true }]) { maxAmountAmountMicros } }'),
    ).toThrow(Denial);
    expect(() =>
      prep(
        '{ opportunities(orderBy: [{ amount: { amountMicros: DescNullsLast } }]) { edges { node { id } } } }',
      ),
    ).toThrow(Denial);
  });

  it('serves the value the decision was made on when the two copies from the host disagree', () => {
    // The client's own selection and the `_tg_` injection disagree (a host bug, or a race):
    // the decision is made on the merged value (injection last), and that is what is served.
    const query = '{ opportunities { edges { node { id amount { amountMicros } } } } }';
    const data = {
      opportunities: {
        edges: [
          {
            node: {
              id: big.id,
              amount: { amountMicros: BIG },
              _tg_ownerId: 'm-nils',
              _tg_stage: 'PROPOSAL',
              _tg_amount: { amountMicros: 1 },
            },
          },
        ],
      },
    };
    expect(leaks(data, query)).toBe(false);
  });
});

describe('variables are not checked against the gateway schema', () => {
  it('refuses a filter variable naming a relation path into a field hidden on the related object', () => {
    // PersonFilterInput has no `company` field in the gateway's schema, so the same filter
    // written inline is refused by validation; as a variable it is only policy-checked, and
    // `company.annualRecurringRevenue` is judged as a sub-field of person.company (readable).
    const junior = callerOf('sales-rep', 'junior'); // company.annualRecurringRevenue hidden
    const filter = { company: { annualRecurringRevenue: { amountMicros: { gt: 1_000_000 } } } };
    expect(() =>
      prepareAs(
        junior,
        'query($f: PersonFilterInput) { people(filter: $f) { totalCount edges { node { id } } } }',
        { f: filter },
      ),
    ).toThrow(Denial);
  });

  it('refuses an orderBy variable ordering people by a hidden field of their company', () => {
    const junior = callerOf('sales-rep', 'junior');
    expect(() =>
      prepareAs(
        junior,
        'query($o: [PersonOrderByInput]) { people(orderBy: $o) { edges { node { id } } } }',
        { o: [{ company: { annualRecurringRevenue: { amountMicros: 'DescNullsLast' } } }] },
      ),
    ).toThrow(Denial);
  });
});
