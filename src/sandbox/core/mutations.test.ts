import { describe, expect, it } from 'vitest';
import {
  at,
  API_KEY,
  C_ACME,
  C_GLOBEX,
  C_INITECH,
  harness,
  ids,
  MEMBER_ID,
  NOW,
  P_ADA,
  P_BOB,
  P_CARLA,
  uuid,
} from './fixtures.test-support.js';

const CREATE_PERSON = `mutation ($data: PersonCreateInput!, $upsert: Boolean) {
  createPerson(data: $data, upsert: $upsert) {
    id createdAt updatedAt deletedAt position jobTitle companyId
    name { firstName lastName } emails { primaryEmail additionalEmails }
    phones { primaryPhoneNumber } createdBy { source workspaceMemberId name context }
  }
}`;

describe('create', () => {
  it('creates a record with generated id, timestamps, defaults and the member as creator', async () => {
    const h = harness();
    const data = await h.run(CREATE_PERSON, { data: { name: { firstName: 'Dora' } } });
    expect(at(data, 'createPerson')).toEqual({
      id: uuid(500),
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      deletedAt: null,
      position: -1,
      jobTitle: '',
      companyId: null,
      name: { firstName: 'Dora', lastName: '' },
      emails: { primaryEmail: '', additionalEmails: null },
      phones: { primaryPhoneNumber: '' },
      createdBy: {
        source: 'MANUAL',
        workspaceMemberId: MEMBER_ID,
        name: 'Ada Lovelace',
        context: {},
      },
    });
    expect(h.state.records.person?.[uuid(500)]).toBeDefined();
  });

  it('records an API key as an API actor named after the key', async () => {
    const data = await harness().run(CREATE_PERSON, { data: { jobTitle: 'Bot' } }, API_KEY);
    expect(at(data, 'createPerson.createdBy')).toEqual({
      source: 'API',
      workspaceMemberId: null,
      name: 'Zapier',
      context: {},
    });
  });

  it('keeps the source a creation gives createdBy, never its author, and always stamps updatedBy', async () => {
    // ActorCreateInput has no name: who created a record is always the caller.
    const h = harness();
    const data = await h.run(
      `mutation ($data: PersonCreateInput!) { createPerson(data: $data) {
        createdBy { source workspaceMemberId name } updatedBy { source workspaceMemberId name } } }`,
      { data: { createdBy: { source: 'IMPORT' } } },
    );
    const caller = { workspaceMemberId: MEMBER_ID, name: 'Ada Lovelace' };
    expect(at(data, 'createPerson.createdBy')).toEqual({ source: 'IMPORT', ...caller });
    expect(at(data, 'createPerson.updatedBy')).toEqual({ source: 'MANUAL', ...caller });
  });

  it('creates many records placed first, and emits one created event each', async () => {
    const h = harness();
    const data = await h.run(
      'mutation ($data: [CompanyCreateInput!]!) { createCompanies(data: $data) { id name position } }',
      { data: [{ name: 'One' }, { name: 'Two' }] },
    );
    expect(at(data, 'createCompanies')).toEqual([
      { id: uuid(500), name: 'One', position: -1 },
      { id: uuid(501), name: 'Two', position: -2 },
    ]);
    expect(h.events.map((event) => [event.action, event.after?.name, event.before])).toEqual([
      ['created', 'One', undefined],
      ['created', 'Two', undefined],
    ]);
  });

  it('refuses to create more than QUERY_MAX_RECORDS (200) records in one call, as Twenty 2.43 does', async () => {
    const h = harness();
    const data = Array.from({ length: 201 }, (_, index) => ({ name: `C${index}` }));
    const errors = await h.fail(
      'mutation ($data: [CompanyCreateInput!]!) { createCompanies(data: $data) { id } }',
      { data },
    );
    expect(errors[0]?.message).toBe('Maximum number of records to upsert is 200.');
    expect(errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(h.events).toEqual([]);
  });

  it('upserts: updates the record matching the id or a unique field, creates the rest', async () => {
    const h = harness();
    const data = await h.run(
      'mutation ($data: [PersonCreateInput!]!) { createPeople(data: $data, upsert: true) { id jobTitle createdBy { name } } }',
      {
        data: [
          { emails: { primaryEmail: 'bob@globex.com' }, jobTitle: 'VP' },
          { id: P_ADA, jobTitle: 'Chair' },
          { jobTitle: 'New' },
        ],
      },
    );
    expect(at(data, 'createPeople')).toEqual([
      { id: P_BOB, jobTitle: 'VP', createdBy: { name: 'System' } },
      { id: P_ADA, jobTitle: 'Chair', createdBy: { name: 'System' } },
      { id: uuid(500), jobTitle: 'New', createdBy: { name: 'Ada Lovelace' } },
    ]);
    expect(h.events.map((event) => event.action)).toEqual(['updated', 'updated', 'created']);
  });

  it('refuses a version 7 id in a variable as the UUID scalar does, and takes versions 1 to 5', async () => {
    const h = harness();
    const v7 = '01932c07-209c-7f1a-9b3e-5d4c3b2a1f00';
    const errors = await h.fail(CREATE_PERSON, { data: { id: v7 } });
    expect(errors[0]?.message).toContain('Invalid UUID');
    expect(errors[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(h.state.records.person?.[v7]).toBeUndefined();
    const v4 = '5b0e6a4c-2f6d-4d8e-9a1b-3c4d5e6f7a8b';
    const v1 = 'c232ab00-9414-11ec-b3c8-9e6bdeced846';
    for (const id of [v4, v1]) {
      expect(at(await h.run(CREATE_PERSON, { data: { id } }), 'createPerson.id')).toBe(id);
    }
  });

  it('refuses a version 7 id written in the document, which the scalar lets through', async () => {
    const h = harness();
    const errors = await h.fail(
      'mutation { createPerson(data: { id: "01932c07-209c-7f1a-9b3e-5d4c3b2a1f00" }) { id } }',
    );
    expect(errors[0]?.message).toBe(
      `Invalid UUID value '01932c07-209c-7f1a-9b3e-5d4c3b2a1f00' for field "id"`,
    );
    expect(errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const join = await h.fail(
      'mutation ($id: UUID!) { updatePerson(id: $id, data: { companyId: "00000000-0000-0000-0000-000000000000" }) { id } }',
      { id: P_ADA },
    );
    expect(join[0]?.message).toBe(
      `Invalid UUID value '00000000-0000-0000-0000-000000000000' for field "companyId"`,
    );
  });

  it('refuses a create whose id already exists', async () => {
    const errors = await harness().fail(CREATE_PERSON, { data: { id: P_ADA } });
    expect(errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('update', () => {
  it('updates one record, merging composite sub-fields, and emits the changed fields', async () => {
    const h = harness();
    const data = await h.run(
      'mutation ($id: UUID!) { updatePerson(id: $id, data: { name: { firstName: "Adele" }, city: "Paris" }) { name { firstName lastName } updatedAt updatedBy { name } } }',
      { id: P_ADA },
    );
    expect(at(data, 'updatePerson')).toEqual({
      name: { firstName: 'Adele', lastName: 'Smith' },
      updatedAt: NOW.toISOString(),
      updatedBy: { name: 'Ada Lovelace' },
    });
    expect(h.events).toHaveLength(1);
    // city was Paris already; updatedBy moved from the seed's actor to the member.
    expect(h.events[0]?.action).toBe('updated');
    expect([...(h.events[0]?.updatedFields ?? [])].sort()).toEqual(['name', 'updatedBy']);
    expect(h.events[0]?.before?.name).toEqual({ firstName: 'Ada', lastName: 'Smith' });
  });

  it('answers Record not found for an unknown or soft-deleted id', async () => {
    const errors = await harness().fail(
      'mutation ($id: UUID!) { updateCompany(id: $id, data: { name: "X" }) { id } }',
      { id: C_INITECH },
    );
    expect(errors[0]?.message).toBe('Record not found');
    expect(errors[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('updates every record the filter matches', async () => {
    const h = harness();
    const data = await h.run(
      'mutation { updatePeople(filter: { name: { lastName: { eq: "Smith" } } }, data: { city: "Rome" }) { id city } }',
    );
    expect(at(data, 'updatePeople')).toEqual([
      { id: P_ADA, city: 'Rome' },
      { id: P_CARLA, city: 'Rome' },
    ]);
    expect(h.events.map((event) => [...(event.updatedFields ?? [])].sort())).toEqual([
      ['city', 'updatedBy'],
      ['city', 'updatedBy'],
    ]);
  });

  it('stores a written empty text as null, in text fields and name and address sub-fields', async () => {
    const h = harness();
    const data = await h.run(
      'mutation ($id: UUID!) { updatePerson(id: $id, data: { jobTitle: "", name: { firstName: "" }, city: "" }) { jobTitle city name { firstName lastName } } }',
      { id: P_ADA },
    );
    expect(at(data, 'updatePerson')).toEqual({
      jobTitle: null,
      city: null,
      name: { firstName: null, lastName: 'Smith' },
    });
    const created = await h.run(CREATE_PERSON, { data: { jobTitle: '', name: { lastName: '' } } });
    expect(at(created, 'createPerson.jobTitle')).toBeNull();
    expect(at(created, 'createPerson.name')).toEqual({ firstName: '', lastName: null });
  });

  it('sends no event for an update that changes nothing', async () => {
    const h = harness();
    const write = 'mutation ($id: UUID!) { updatePerson(id: $id, data: { city: "Lyon" }) { id } }';
    await h.run(write, { id: P_ADA });
    await h.run(write, { id: P_ADA });
    expect(h.events).toHaveLength(1);
    // The same value by someone else is a change of updatedBy only.
    await h.run(write, { id: P_ADA }, API_KEY);
    expect(h.events.map((event) => event.updatedFields)).toEqual([
      expect.arrayContaining(['city']),
      ['updatedBy'],
    ]);
  });

  it('reports only the fields whose values changed, a join column under its own key', async () => {
    const h = harness();
    const write =
      'mutation ($id: UUID!, $data: PersonUpdateInput!) { updatePerson(id: $id, data: $data) { id } }';
    await h.run(write, { id: P_ADA, data: { city: 'Lyon' } });
    await h.run(write, {
      id: P_ADA,
      data: { city: 'Lyon', jobTitle: 'CTO', companyId: C_GLOBEX, name: { firstName: 'Ada' } },
    });
    expect([...(h.events[1]?.updatedFields ?? [])].sort()).toEqual(['companyId', 'jobTitle']);
  });

  it('refuses to update more than QUERY_MAX_RECORDS (200) records at once', async () => {
    const h = harness();
    const data = Array.from({ length: 200 }, (_, index) => ({ name: `C${index}` }));
    await h.run(
      'mutation ($data: [CompanyCreateInput!]!) { createCompanies(data: $data) { id } }',
      {
        data,
      },
    );
    const errors = await h.fail(
      'mutation { updateCompanies(filter: {}, data: { employees: 1 }) { id } }',
    );
    expect(errors[0]?.message).toBe('Cannot update more than 200 records at once');
    expect(errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('delete, restore and destroy', () => {
  const visible = '{ companies { edges { node { id } } } }';

  it('soft-deletes: the record leaves reads but stays restorable', async () => {
    const h = harness();
    const deleted = await h.run(
      'mutation ($id: UUID!) { deleteCompany(id: $id) { id deletedAt } }',
      {
        id: C_GLOBEX,
      },
    );
    expect(at(deleted, 'deleteCompany')).toEqual({ id: C_GLOBEX, deletedAt: NOW.toISOString() });
    expect(ids(at(await h.run(visible), 'companies'))).toEqual([C_ACME]);
    const restored = await h.run(
      'mutation ($id: UUID!) { restoreCompany(id: $id) { id deletedAt } }',
      { id: C_GLOBEX },
    );
    expect(at(restored, 'restoreCompany')).toEqual({ id: C_GLOBEX, deletedAt: null });
    expect(ids(at(await h.run(visible), 'companies'))).toEqual([C_ACME, C_GLOBEX]);
    expect(h.events.map((event) => event.action)).toEqual(['deleted', 'restored']);
  });

  it('stamps no actor on a delete, restore or destroy: updatedBy still names the last updater', async () => {
    // Twenty's soft delete and restore set only deletedAt, and no pre-query hook injects an actor
    // for them; the event names the caller (its principal), the record does not.
    const h = harness();
    await h.run(
      'mutation ($id: UUID!) { updateCompany(id: $id, data: { name: "Globex 2" }) { id } }',
      {
        id: C_GLOBEX,
      },
    );
    const member = h.state.records.company?.[C_GLOBEX]?.updatedBy;
    expect(member).toMatchObject({ source: 'MANUAL', workspaceMemberId: MEMBER_ID });
    for (const verb of ['delete', 'restore', 'destroy'])
      await h.run(
        `mutation ($id: UUID!) { ${verb}Company(id: $id) { id } }`,
        { id: C_GLOBEX },
        API_KEY,
      );
    expect(
      h.events.map((e) => [e.action, e.principal.kind, (e.after ?? e.before)?.updatedBy]),
    ).toEqual([
      ['updated', 'member', member],
      ['deleted', 'apiKey', member],
      ['restored', 'apiKey', member],
      ['destroyed', 'apiKey', member],
    ]);
  });

  it('deletes and restores many by filter', async () => {
    const h = harness();
    const deleted = await h.run(
      'mutation { deleteCompanies(filter: { name: { like: "%c%" } }) { id } }',
    );
    expect(at(deleted, 'deleteCompanies')).toEqual([{ id: C_ACME }]);
    const restored = await h.run(
      'mutation { restoreCompanies(filter: { name: { in: ["Acme", "Initech"] } }) { id } }',
    );
    expect(at(restored, 'restoreCompanies')).toEqual([{ id: C_ACME }, { id: C_INITECH }]);
  });

  it('destroys for good, soft-deleted records included', async () => {
    const h = harness();
    const one = await h.run('mutation ($id: UUID!) { destroyCompany(id: $id) { id name } }', {
      id: C_INITECH,
    });
    expect(at(one, 'destroyCompany')).toEqual({ id: C_INITECH, name: 'Initech' });
    const many = await h.run(
      'mutation { destroyPeople(filter: { city: { eq: "Berlin" } }) { id } }',
    );
    expect(at(many, 'destroyPeople')).toEqual([{ id: P_CARLA }]);
    expect(h.state.records.company?.[C_INITECH]).toBeUndefined();
    expect(h.events.map((event) => [event.action, event.after])).toEqual([
      ['destroyed', undefined],
      ['destroyed', undefined],
    ]);
    const errors = await h.fail('mutation ($id: UUID!) { restoreCompany(id: $id) { id } }', {
      id: C_INITECH,
    });
    expect(errors[0]?.message).toBe('Record not found');
  });
});
