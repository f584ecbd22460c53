import { afterEach, describe, expect, it } from 'vitest';
import { MEMBER_ROLE_ID } from '../seed-state.js';
import {
  NOW,
  companiesOf,
  graphqlCompanyIds,
  rest,
  start,
  stopServer,
  type Company,
  type Reply,
} from './rest.test-support.js';

afterEach(stopServer);

describe('writes', () => {
  it('creates one record with POST and answers 201 with create<Singular>', async () => {
    const { url, memberToken } = await start();
    const created = await rest(url, 'POST', '/rest/companies', {
      token: memberToken,
      body: { name: 'Initech', employees: 42, address: { addressCity: 'Austin' } },
    });
    expect(created.status).toBe(201);
    const record = (created.json.data as { createCompany: Company }).createCompany;
    expect(record).toMatchObject({
      name: 'Initech',
      employees: 42,
      address: { addressCity: 'Austin' },
    });
    const read = await rest(url, 'GET', `/rest/companies/${record.id}`, { token: memberToken });
    expect((read.json.data as { company: Company }).company.name).toBe('Initech');
  });

  it('creates many with POST /rest/batch/<plural>, and refuses a body that is not a non-empty array', async () => {
    const { url, memberToken } = await start();
    const created = await rest(url, 'POST', '/rest/batch/companies', {
      token: memberToken,
      body: [{ name: 'Hooli' }, { name: 'Pied Piper' }],
    });
    expect(created.status).toBe(201);
    const records = (created.json.data as { createCompanies: Company[] }).createCompanies;
    expect(records.map((record) => record.name)).toEqual(['Hooli', 'Pied Piper']);
    const notArray = await rest(url, 'POST', '/rest/batch/companies', {
      token: memberToken,
      body: { name: 'Hooli' },
    });
    expect(notArray.json).toEqual({
      statusCode: 400,
      error: 'BadRequestException',
      messages: ['Body must be an array'],
    });
    const empty = await rest(url, 'POST', '/rest/batch/companies', {
      token: memberToken,
      body: [],
    });
    expect(empty.json.messages).toEqual(['Input must not be empty']);
  });

  it('updates with PATCH and answers update<Singular>', async () => {
    const { sandbox, url, memberToken, member } = await start();
    const [id] = (await graphqlCompanyIds(sandbox, member, undefined)).ids;
    const updated = await rest(url, 'PATCH', `/rest/companies/${String(id)}`, {
      token: memberToken,
      body: { name: 'Renamed' },
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toEqual({
      data: { updateCompany: expect.objectContaining({ id, name: 'Renamed' }) as unknown },
    });
  });

  it('destroys with DELETE, and soft-deletes with DELETE ?soft_delete=true', async () => {
    const { sandbox, url, memberToken, member } = await start();
    const [destroyed, softDeleted] = (await graphqlCompanyIds(sandbox, member, undefined)).ids;
    const destroy = await rest(url, 'DELETE', `/rest/companies/${String(destroyed)}`, {
      token: memberToken,
    });
    expect(destroy.status).toBe(200);
    expect(destroy.json).toEqual({
      data: { deleteCompany: expect.objectContaining({ id: destroyed }) as unknown },
    });
    const soft = await rest(url, 'DELETE', `/rest/companies/${String(softDeleted)}`, {
      token: memberToken,
      query: { soft_delete: 'true' },
    });
    expect(soft.status).toBe(200);
    const record = (soft.json.data as { deleteCompany: Company }).deleteCompany;
    expect(record.deletedAt).toBe(NOW.toISOString());
    const deleted = await graphqlCompanyIds(sandbox, member, { deletedAt: { is: 'NOT_NULL' } });
    expect(deleted.ids).toEqual([softDeleted]);
    const live = await graphqlCompanyIds(sandbox, member, undefined);
    expect(live.ids).not.toContain(destroyed);
    expect(live.ids).not.toContain(softDeleted);
  });
});

async function adminMetadata(url: string, query: string, variables: unknown): Promise<Reply> {
  return rest(url, 'POST', '/metadata', { token: 'admin-key', body: { query, variables } });
}

describe('permissions and webhooks are those of the GraphQL API', () => {
  it('leaves out a field the role may not read, and refuses a filter on it with 400', async () => {
    const { sandbox, url, memberToken } = await start();
    const company = sandbox.state().objects.find((object) => object.nameSingular === 'company');
    const employees = company?.fields.find((field) => field.name === 'employees');
    const restricted = await adminMetadata(
      url,
      'mutation($input: UpsertFieldPermissionsInput!) { upsertFieldPermissions(upsertFieldPermissionsInput: $input) { fieldMetadataId } }',
      {
        input: {
          roleId: MEMBER_ROLE_ID,
          fieldPermissions: [
            {
              objectMetadataId: company?.id,
              fieldMetadataId: employees?.id,
              canReadFieldValue: false,
              canUpdateFieldValue: null,
            },
          ],
        },
      },
    );
    expect(restricted.json.errors).toBeUndefined();
    const reply = await rest(url, 'GET', '/rest/companies', { token: memberToken });
    expect(reply.status).toBe(200);
    const [first] = companiesOf(reply);
    expect(first).toHaveProperty('name');
    expect(first).not.toHaveProperty('employees');
    const filtered = await rest(url, 'GET', '/rest/companies', {
      token: memberToken,
      query: { filter: 'employees[gte]:1' },
    });
    expect(filtered.status).toBe(400);
    expect(filtered.json.error).toBe('Error');
    expect(filtered.json.messages).toEqual([
      'Entity performing the request does not have permission: no permission to read field "employees" on "company"',
    ]);
  });

  it('delivers the webhook of a record created through REST', async () => {
    const targets: string[] = [];
    const recorder: typeof fetch = (input) => {
      targets.push(
        typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      );
      return Promise.resolve(new Response(null, { status: 200 }));
    };
    const { sandbox, url, memberToken } = await start(recorder);
    const hook = await adminMetadata(
      url,
      'mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }',
      {
        input: {
          targetUrl: 'https://addon.test/hooks',
          operations: ['company.created'],
          secret: 'whsec-0123456789abcdef',
        },
      },
    );
    expect(hook.json.errors).toBeUndefined();
    const created = await rest(url, 'POST', '/rest/companies', {
      token: memberToken,
      body: { name: 'Globex' },
    });
    expect(created.status).toBe(201);
    await sandbox.settle();
    expect(targets).toEqual(['https://addon.test/hooks']);
    expect(sandbox.deliveries).toMatchObject([{ eventName: 'company.created', ok: true }]);
  });
});
