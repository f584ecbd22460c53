/**
 * §25 of the bypass suite, writes (directly and through variables): mass assignment on create, *Many mutations reaching outside the scope, updateOne
 * on an out-of-scope id, upserts matching an out-of-scope record, and soft-deleted records.
 * Each test reads the sandbox's records before and after: a refused write changes nothing.
 * The writes change the sandbox, so they run on their own fixture.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayFixture, type GatewayFixture } from '../testing/gateway.test-support.js';
import {
  distinctNames,
  expectHostShows,
  expectNoLeak,
  expectPermissionDenied,
  idOf,
  owningJunior,
  split,
  who,
  type Row,
} from './bypass.test-support.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture();
}, 60_000);
afterAll(async () => fx.close());

const CREATED_AT = '2026-01-01T00:00:00.000Z';

/** The records of an object by id, as stored now (copied, so later writes do not change them). */
function snapshot(object: string): Map<string, Row> {
  return new Map(fx.records(object).map((r) => [idOf(r), structuredClone(r)]));
}

describe('§25.1 create with a field the member may not set (mass assignment)', () => {
  it('refuses an intern rep creating a person with phones, naming the field, and stores none', async () => {
    const rep = who(fx, 'sales-rep', 'intern');
    const before = fx.records('person').length;
    const through = await fx.graphql(rep.token, {
      query: 'mutation($d: [PersonCreateInput!]!) { createPeople(data: $d) { id } }',
      variables: {
        d: [
          {
            createdAt: CREATED_AT,
            name: { firstName: 'Mass', lastName: 'Assign-intern' },
            phones: { primaryPhoneNumber: '5550001111' },
          },
        ],
      },
    });
    expectPermissionDenied(through);
    expect(through.body.errors?.[0]?.message).toContain('person.phones');
    expect(fx.records('person').length).toBe(before);
  });

  it('refuses createPeople when only its second item sets phones, which a junior sees masked', async () => {
    const rep = who(fx, 'sales-rep', 'junior');
    const before = fx.records('person').length;
    const through = await fx.graphql(rep.token, {
      query: 'mutation($d: [PersonCreateInput!]!) { createPeople(data: $d) { id } }',
      variables: {
        d: [
          { createdAt: CREATED_AT, name: { firstName: 'Mass', lastName: 'Assign-one' } },
          {
            createdAt: CREATED_AT,
            name: { firstName: 'Mass', lastName: 'Assign-two' },
            phones: { primaryPhoneNumber: '5550001111' },
          },
        ],
      },
    });
    expectPermissionDenied(through);
    const message = through.body.errors?.[0]?.message ?? '';
    expect(message).toContain('person.phones');
    expect(message).toContain('(item 1)');
    expect(message).not.toContain('person.name');
    expect(fx.records('person').length).toBe(before);
    expect(JSON.stringify(fx.records('person'))).not.toContain('Assign-');
  });

  it('refuses a junior rep setting annualRecurringRevenue on createCompanies, and stores none', async () => {
    const rep = who(fx, 'sales-rep', 'junior');
    const before = fx.records('company').length;
    const query = {
      query: 'mutation($d: [CompanyCreateInput!]!) { createCompanies(data: $d) { id name } }',
      variables: {
        d: [
          {
            createdAt: CREATED_AT,
            name: 'Mass Assign Alpha',
            annualRecurringRevenue: { amountMicros: 9990000000, currencyCode: 'USD' },
          },
        ],
      },
    };
    const through = await fx.graphql(rep.token, query);
    expectPermissionDenied(through);
    expect(through.body.errors?.[0]?.message).toContain('company.annualRecurringRevenue');
    expect(fx.records('company').length).toBe(before);
  });

  it('refuses the same mass assignment given as variables', async () => {
    const rep = who(fx, 'sales-rep', 'junior');
    const before = fx.records('company').length;
    const query = {
      query:
        'mutation($d: [CompanyCreateInput!]!) { createCompanies(data: $d) { id annualRecurringRevenue { amountMicros } } }',
      variables: {
        d: [
          { createdAt: CREATED_AT, name: 'Mass Assign Beta' },
          {
            createdAt: CREATED_AT,
            name: 'Mass Assign Gamma',
            annualRecurringRevenue: { amountMicros: 9990000000, currencyCode: 'USD' },
          },
        ],
      },
    };
    const through = await fx.graphql(rep.token, query);
    expectPermissionDenied(through);
    expect(through.body.errors?.[0]?.message).toContain('company.annualRecurringRevenue');
    expect(fx.records('company').length).toBe(before);
  });

  it('refuses a created company owned by someone outside the member’s scope', async () => {
    const rep = who(fx, 'sales-rep', 'junior');
    const outsider = fx.member('sales-rep', 'intern');
    const other = fx.policy.org.members.find(
      (m) =>
        fx.engine.decide({
          member: rep.id,
          object: 'company',
          action: 'read',
          record: { accountOwnerId: m.id },
        }).effect === 'deny',
    );
    expect(other).toBeDefined();
    const before = fx.records('company').length;
    const through = await fx.graphql(rep.token, {
      query: 'mutation($d: CompanyCreateInput!) { createCompany(data: $d) { id } }',
      variables: {
        d: { createdAt: CREATED_AT, name: 'Planted Co', accountOwnerId: (other ?? outsider).id },
      },
    });
    expectPermissionDenied(through);
    expect(fx.records('company').length).toBe(before);
  });
});

describe('§25.2 update and delete reaching outside the scope', () => {
  it('refuses updateOne on an out-of-scope id and leaves the record unchanged', async () => {
    const rep = who(fx, 'sales-rep', 'junior');
    const { outside } = split(fx, rep.id, 'company', 'update');
    const readable = new Set(split(fx, rep.id, 'company').inside.map(idOf));
    // One of another team, and one of the rep's own team that the rep does not own.
    const targets = [
      outside.find((c) => !readable.has(idOf(c))),
      outside.find((c) => readable.has(idOf(c))),
    ];
    for (const target of targets) {
      expect(target).toBeDefined();
      const id = idOf(target as Row);
      const before = structuredClone(fx.records('company').find((c) => c.id === id));
      for (const query of [
        { query: `mutation { updateCompany(id: "${id}", data: { name: "pwned" }) { id name } }` },
        {
          query:
            'mutation($id: UUID!, $d: CompanyUpdateInput!) { updateCompany(id: $id, data: $d) { id name } }',
          variables: { id, d: { name: 'pwned' } },
        },
      ]) {
        const through = await fx.graphql(rep.token, query);
        expectPermissionDenied(through);
        expect(through.text).not.toContain(String(before?.name));
      }
      expect(fx.records('company').find((c) => c.id === id)).toEqual(before);
    }
  });

  it('refuses updateOne setting a field the member may not edit', async () => {
    const rep = owningJunior(fx);
    const own = split(fx, rep.id, 'company', 'update').inside[0] as Row;
    const before = structuredClone(own);
    const through = await fx.graphql(rep.token, {
      query: `mutation { updateCompany(id: "${idOf(own)}", data: { annualRecurringRevenue: { amountMicros: 1, currencyCode: "USD" } }) { id } }`,
    });
    expectPermissionDenied(through);
    expect(fx.records('company').find((c) => c.id === own.id)).toEqual(before);
  });

  it('changes no company outside the junior rep’s update scope on updateCompanies with an empty filter', async () => {
    const rep = owningJunior(fx);
    const { outside } = split(fx, rep.id, 'company', 'update');
    const before = snapshot('company');
    const through = await fx.graphql(rep.token, {
      query: 'mutation { updateCompanies(filter: {}, data: { name: "pwned" }) { id name } }',
    });
    for (const record of outside)
      expect(fx.records('company').find((c) => c.id === record.id)).toEqual(
        before.get(idOf(record)),
      );
    expectNoLeak(through, outside.map(idOf));
  });

  it('lets a junior rep rename exactly their own companies with updateCompanies', async () => {
    const rep = owningJunior(fx);
    const { inside } = split(fx, rep.id, 'company', 'update');
    const through = await fx.graphql(rep.token, {
      query:
        'mutation { updateCompanies(filter: {}, data: { name: "renamed by owner" }) { id name } }',
    });
    expect(through.body.errors).toBeUndefined();
    const changed = fx.records('company').filter((c) => c.name === 'renamed by owner');
    expect(changed.map(idOf).sort()).toEqual(inside.map(idOf).sort());
  });

  it('changes no out-of-scope company when updateCompanies names them by id, inline or by variable', async () => {
    const rep = owningJunior(fx);
    const { outside } = split(fx, rep.id, 'company', 'update');
    const ids = outside.map(idOf);
    const before = snapshot('company');
    for (const query of [
      {
        query: `mutation { updateCompanies(filter: { or: [{ id: { in: ${JSON.stringify(ids)} } }] }, data: { employees: 4242 }) { id } }`,
      },
      {
        query:
          'mutation($f: CompanyFilterInput!, $d: CompanyUpdateInput!) { updateCompanies(filter: $f, data: $d) { id } }',
        variables: { f: { id: { in: ids } }, d: { employees: 4242 } },
      },
    ]) {
      const through = await fx.graphql(rep.token, query);
      expect(through.body.data?.updateCompanies ?? []).toEqual([]);
    }
    expect(snapshot('company')).toEqual(before);
  });

  it('refuses updateCompanies setting a field the member may not edit, given as a variable', async () => {
    const rep = who(fx, 'sales-rep', 'junior');
    const before = snapshot('company');
    const through = await fx.graphql(rep.token, {
      query: 'mutation($d: CompanyUpdateInput!) { updateCompanies(filter: {}, data: $d) { id } }',
      variables: { d: { annualRecurringRevenue: { amountMicros: 1, currencyCode: 'USD' } } },
    });
    expectPermissionDenied(through);
    expect(through.body.errors?.[0]?.message).toContain('company.annualRecurringRevenue');
    expect(snapshot('company')).toEqual(before);
  });

  it('refuses updateCompanies changing the owner, which decides the junior rep’s scope', async () => {
    const rep = owningJunior(fx);
    const own = split(fx, rep.id, 'company', 'update').inside;
    expect(own.length).toBeGreaterThan(0);
    const other = fx.member('sales-manager', 'director');
    const before = snapshot('company');
    const through = await fx.graphql(rep.token, {
      query: `mutation { updateCompanies(filter: {}, data: { accountOwnerId: "${other.id}" }) { id } }`,
    });
    // updateOne refuses the same change ("outside the scope after this change"); updateMany
    // promises to refuse any change of a field that decides the scope (prepare.ts).
    expectPermissionDenied(through);
    expect(snapshot('company')).toEqual(before);
  });

  it('refuses an upsert whose item matches an out-of-scope company by its unique domain', async () => {
    const rep = owningJunior(fx);
    const { outside } = split(fx, rep.id, 'company', 'update');
    const target = outside.find(
      (c) => ((c.domainName as { primaryLinkUrl?: string }).primaryLinkUrl ?? '') !== '',
    ) as Row;
    const domain = (target.domainName as { primaryLinkUrl: string }).primaryLinkUrl;
    const before = structuredClone(fx.records('company').find((c) => c.id === target.id));
    const through = await fx.graphql(rep.token, {
      query:
        'mutation($d: [CompanyCreateInput!]!) { createCompanies(data: $d, upsert: true) { id name } }',
      variables: {
        d: [
          {
            id: randomUUID(),
            createdAt: CREATED_AT,
            name: 'pwned by upsert',
            domainName: { primaryLinkUrl: domain },
          },
        ],
      },
    });
    expect(fx.records('company').find((c) => c.id === target.id)).toEqual(before);
    expectPermissionDenied(through);
  });

  it('refuses deleteCompanies to a junior rep, who may not delete, and deletes nothing', async () => {
    const rep = who(fx, 'sales-rep', 'junior');
    const before = snapshot('company');
    const through = await fx.graphql(rep.token, {
      query: 'mutation { deleteCompanies(filter: {}) { id } }',
    });
    expectPermissionDenied(through);
    expect(snapshot('company')).toEqual(before);
  });
});

describe('§25.3 system fields set through an update (mass assignment of createdBy and deletedAt)', () => {
  it('leaves the createdBy audit actor unchanged when a junior rep sets it on their own company', async () => {
    const rep = owningJunior(fx);
    const own = split(fx, rep.id, 'company', 'update').inside.find(
      (c) => c.deletedAt === null,
    ) as Row;
    const before = structuredClone(own.createdBy);
    const through = await fx.graphql(rep.token, {
      query:
        'mutation($id: UUID!, $d: CompanyUpdateInput!) { updateCompany(id: $id, data: $d) { id } }',
      variables: { id: idOf(own), d: { createdBy: { source: 'IMPORT' } } },
    });
    expect(through.status).toBeLessThan(500);
    expect(fx.records('company').find((c) => c.id === own.id)?.createdBy).toEqual(before);
  });

  it('refuses a junior rep, who may not delete companies, soft-deleting their own through updateCompany', async () => {
    const rep = owningJunior(fx);
    expect(fx.engine.decide({ member: rep.id, object: 'company', action: 'delete' }).effect).toBe(
      'deny',
    );
    const own = split(fx, rep.id, 'company', 'update').inside.find(
      (c) => c.deletedAt === null,
    ) as Row;
    const before = structuredClone(own);
    const through = await fx.graphql(rep.token, {
      query:
        'mutation($id: UUID!, $d: CompanyUpdateInput!) { updateCompany(id: $id, data: $d) { id deletedAt } }',
      variables: { id: idOf(own), d: { deletedAt: '2026-01-01T00:00:00.000Z' } },
    });
    expect(fx.records('company').find((c) => c.id === own.id)?.deletedAt ?? null).toBeNull();
    expect(fx.records('company').find((c) => c.id === own.id)).toEqual(before);
    expectPermissionDenied(through);
  });
  it('restores no company for a junior rep, who may not delete or restore, through deletedAt: null', async () => {
    const rep = owningJunior(fx);
    const own = split(fx, rep.id, 'company', 'update').inside.find(
      (c) => c.deletedAt === null,
    ) as Row;
    const director = fx.tokenOf(fx.member('sales-manager', 'director').id);
    const removed = await fx.graphql(
      director,
      { query: `mutation { deleteCompany(id: "${idOf(own)}") { id } }` },
      true,
    );
    expect(removed.body.errors).toBeUndefined();
    const through = await fx.graphql(rep.token, {
      query:
        'mutation($id: UUID!, $d: CompanyUpdateInput!) { updateCompany(id: $id, data: $d) { id deletedAt } }',
      variables: { id: idOf(own), d: { deletedAt: null } },
    });
    // Refused by the gateway, or not found by the host (which updates no soft-deleted record).
    expect(fx.records('company').find((c) => c.id === own.id)?.deletedAt ?? null).not.toBeNull();
    expect(through.body.data?.updateCompany ?? null).toBeNull();
  });
});

describe('§25.4 restrictions on *Many and one-record deletes (keep-won-deals)', () => {
  /** A member, the won deals they may update but not delete, and the deals they may delete. */
  function keeper() {
    for (const m of fx.policy.org.members) {
      const kept = fx
        .records('opportunity')
        .filter(
          (o) =>
            o.deletedAt === null &&
            fx.engine.decide({ member: m.id, object: 'opportunity', action: 'update', record: o })
              .effect === 'allow' &&
            fx.engine.decide({ member: m.id, object: 'opportunity', action: 'delete', record: o })
              .effect === 'deny',
        );
      const deletable = split(fx, m.id, 'opportunity', 'delete').inside;
      if (kept.length > 0 && deletable.length > 0)
        return { id: m.id, token: fx.tokenOf(m.id), kept, deletable };
    }
    throw new Error('the seed has no member with deals kept from deletion');
  }

  it('deletes with deleteOpportunities only the deals the member may delete, never a kept one', async () => {
    const rep = keeper();
    const before = snapshot('opportunity');
    const through = await fx.graphql(rep.token, {
      query: 'mutation { deleteOpportunities(filter: {}) { id } }',
    });
    expect(through.body.errors).toBeUndefined();
    const deleted = fx
      .records('opportunity')
      .filter((o) => o.deletedAt !== null && before.get(idOf(o))?.deletedAt === null)
      .map(idOf)
      .sort();
    expect(deleted).toEqual(rep.deletable.map(idOf).sort());
    for (const kept of rep.kept)
      expect(fx.records('opportunity').find((o) => o.id === kept.id)?.deletedAt).toBeNull();
  });

  it('refuses soft-deleting a kept deal through updateOpportunity’s deletedAt', async () => {
    const rep = keeper();
    const target = rep.kept[0] as Row;
    const through = await fx.graphql(rep.token, {
      query:
        'mutation($id: UUID!, $d: OpportunityUpdateInput!) { updateOpportunity(id: $id, data: $d) { id } }',
      variables: { id: idOf(target), d: { deletedAt: '2026-01-01T00:00:00.000Z' } },
    });
    expect(fx.records('opportunity').find((o) => o.id === target.id)?.deletedAt).toBeNull();
    expectPermissionDenied(through);
  });
});

describe('§25.5 soft-deleted records outside the scope', () => {
  it('gives no out-of-scope soft-deleted company to a deletedAt filter, and restores none', async () => {
    const rep = who(fx, 'sales-rep', 'junior');
    const { inside, outside } = split(fx, rep.id, 'company');
    const names = distinctNames(outside, inside);
    const target = outside.find((c) => names.includes(String(c.name))) as Row;
    const director = fx.tokenOf(fx.member('sales-manager', 'director').id);
    const removed = await fx.graphql(
      director,
      { query: `mutation { deleteCompany(id: "${idOf(target)}") { id } }` },
      true,
    );
    expect(removed.body.errors).toBeUndefined();
    expect(fx.records('company').find((c) => c.id === target.id)?.deletedAt).not.toBeNull();

    const query = {
      query:
        '{ companies(first: 200, filter: { deletedAt: { is: NOT_NULL } }) { totalCount edges { node { id name deletedAt } } } }',
    };
    const through = await fx.graphql(rep.token, query);
    expect(through.body.errors).toBeUndefined();
    expectNoLeak(through, [idOf(target), String(target.name)]);
    expectHostShows(await fx.graphql(rep.token, query, true), [String(target.name)]);

    const restore = await fx.graphql(rep.token, {
      query: `mutation { restoreCompanies(filter: { id: { eq: "${idOf(target)}" } }) { id name } }`,
    });
    expectNoLeak(restore, [String(target.name)]);
    expect(fx.records('company').find((c) => c.id === target.id)?.deletedAt).not.toBeNull();
  });
});

describe('§25.6 merge: every id is checked', () => {
  /** A member who may update and delete at least two deals, and one deal outside that reach. */
  function merger() {
    for (const member of fx.policy.org.members) {
      const update = split(fx, member.id, 'opportunity', 'update');
      const remove = split(fx, member.id, 'opportunity', 'delete');
      const removable = new Set(remove.inside.map(idOf));
      const both = update.inside.filter(
        (o) => removable.has(idOf(o)) && (o.deletedAt ?? null) === null,
      );
      const outside = update.outside.find((o) => (o.deletedAt ?? null) === null);
      if (both.length >= 2 && outside)
        return { id: member.id, token: fx.tokenOf(member.id), both, outside };
    }
    throw new Error('no member of the demo policy may update and delete two deals');
  }

  const MERGE =
    'mutation($ids: [UUID!]!) { mergeOpportunities(ids: $ids, conflictPriorityIndex: 0) { id } }';

  it('passes a merge of deals on to the host for a member who may update every deal', async () => {
    // A merge re-points what points at the merged records, so only whole rights pass it
    // (src/gateway/merge-reach.test.ts): the director's.
    const director = who(fx, 'sales-manager', 'director');
    const both = split(fx, director.id, 'opportunity', 'delete').inside.filter(
      (o) => (o.deletedAt ?? null) === null,
    );
    const through = await fx.graphql(director.token, {
      query: MERGE,
      variables: { ids: [idOf(both[0] as Row), idOf(both[1] as Row)] },
    });
    // Opportunities have no duplicate criteria, so the host refuses the merge in Twenty's
    // words (src/sandbox/core/merge.ts): its refusal shows the gateway let the merge through.
    expect(through.body.errors?.[0]?.message ?? '').toContain(
      'Merge is only available for objects with duplicate criteria',
    );
  });

  it('refuses a merge naming one deal outside the reach, before the host sees it', async () => {
    const { token, both, outside } = merger();
    const before = fx.records('opportunity');
    const through = await fx.graphql(token, {
      query: MERGE,
      variables: { ids: [idOf(both[0] as Row), idOf(outside)] },
    });
    expectPermissionDenied(through);
    expect(through.text).not.toContain(String(outside.name));
    expect(fx.records('opportunity')).toEqual(before);
  });
});
