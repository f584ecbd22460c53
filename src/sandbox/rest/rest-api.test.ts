import { afterEach, describe, expect, it } from 'vitest';
import { parseRestFilterOrThrow } from '../../host/rest-filter.js';
import { createSandbox, type Sandbox } from '../sandbox.js';
import { MEMBER_ROLE_ID } from '../seed-state.js';
import { startSandboxServer, type RunningSandbox } from '../server.js';
import type { Principal } from '../workspace.js';

const COUNTS = { members: 16, companies: 12, people: 30, opportunities: 10 };
const NOW = new Date('2026-06-30T12:00:00Z');

let running: RunningSandbox | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

interface Started {
  readonly sandbox: Sandbox;
  readonly url: string;
  /** The token of a member with the Member role. */
  readonly memberToken: string;
  readonly member: Principal;
}

async function start(fetcher?: typeof fetch): Promise<Started> {
  const sandbox = await createSandbox({
    rls: false,
    seed: 'default',
    seedCounts: COUNTS,
    now: () => NOW,
    adminKey: 'admin-key',
    ...(fetcher ? { fetch: fetcher } : {}),
  });
  running = await startSandboxServer(sandbox.serverOptions);
  const m = sandbox.state().members.find((candidate) => candidate.roleId === MEMBER_ROLE_ID);
  if (!m) throw new Error('the seed has no member with the Member role');
  return {
    sandbox,
    url: running.url,
    memberToken: m.token,
    member: { kind: 'member', memberId: m.id, roleId: m.roleId },
  };
}

interface Reply {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

async function rest(
  url: string,
  method: string,
  path: string,
  options: { token?: string | undefined; body?: unknown; query?: Record<string, string> } = {},
): Promise<Reply> {
  const search = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
  const response = await fetch(`${url}${path}${search}`, {
    method,
    headers: {
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

interface Company {
  readonly id: string;
  readonly name: string | null;
  readonly employees: number | null;
  readonly [key: string]: unknown;
}

function companiesOf(reply: Reply): Company[] {
  const data = reply.json.data as { companies?: Company[] } | undefined;
  return data?.companies ?? [];
}

async function graphqlCompanyIds(
  sandbox: Sandbox,
  principal: Principal,
  filter: unknown,
  orderBy: unknown = [{ id: 'AscNullsFirst' }],
): Promise<{ ids: string[]; totalCount: unknown }> {
  const result = await sandbox.serverOptions.core.execute({
    source:
      'query($filter: CompanyFilterInput, $orderBy: [CompanyOrderByInput]) { companies(filter: $filter, orderBy: $orderBy, first: 200) { totalCount edges { node { id } } } }',
    variables: { filter, orderBy },
    principal,
  });
  expect(result.errors).toBeUndefined();
  const connection = (
    result.data as { companies: { totalCount: unknown; edges: { node: { id: string } }[] } }
  ).companies;
  return { ids: connection.edges.map((edge) => edge.node.id), totalCount: connection.totalCount };
}

describe('GET /rest/<plural>', () => {
  it('answers the records the filter selects, with totalCount and pageInfo, as GraphQL selects them', async () => {
    const { sandbox, url, memberToken, member } = await start();
    const text = 'and(name[ilike]:"%a%",or(employees[gte]:50,employees[is]:NULL))';
    const reply = await rest(url, 'GET', '/rest/companies', {
      token: memberToken,
      query: { filter: text },
    });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.json)).toEqual(['data', 'totalCount', 'pageInfo']);
    const expected = await graphqlCompanyIds(sandbox, member, parseRestFilterOrThrow(text));
    expect(expected.ids.length).toBeGreaterThan(0);
    expect(companiesOf(reply).map((company) => company.id)).toEqual(expected.ids);
    expect(reply.json.totalCount).toBe(expected.totalCount);
    expect(reply.json.pageInfo).toMatchObject({ hasNextPage: false });
    for (const company of companiesOf(reply)) {
      expect(company.name?.toLowerCase()).toContain('a');
      expect(company.employees === null || (company.employees ?? 0) >= 50).toBe(true);
    }
  });

  it('reads a number written in the filter as the number field it compares with', async () => {
    const { sandbox, url, memberToken, member } = await start();
    const reply = await rest(url, 'GET', '/rest/companies', {
      token: memberToken,
      query: { filter: 'employees[lt]:"200"' },
    });
    expect(reply.status).toBe(200);
    const expected = await graphqlCompanyIds(sandbox, member, { employees: { lt: 200 } });
    expect(companiesOf(reply).map((company) => company.id)).toEqual(expected.ids);
  });

  it('orders by order_by, Twenty style, and cuts the page at limit', async () => {
    const { sandbox, url, memberToken, member } = await start();
    const reply = await rest(url, 'GET', '/rest/companies', {
      token: memberToken,
      query: { order_by: 'employees[DescNullsLast],name', limit: '4' },
    });
    expect(reply.status).toBe(200);
    const expected = await graphqlCompanyIds(sandbox, member, undefined, [
      { employees: 'DescNullsLast' },
      { name: 'AscNullsFirst' },
      { id: 'AscNullsFirst' },
    ]);
    expect(companiesOf(reply).map((company) => company.id)).toEqual(expected.ids.slice(0, 4));
    expect(reply.json.totalCount).toBe(COUNTS.companies);
    expect(reply.json.pageInfo).toMatchObject({ hasNextPage: true });
  });

  it('pages forward with starting_after and back with ending_before', async () => {
    const { sandbox, url, memberToken, member } = await start();
    const all = (await graphqlCompanyIds(sandbox, member, undefined)).ids;
    const first = await rest(url, 'GET', '/rest/companies', {
      token: memberToken,
      query: { limit: '3' },
    });
    const firstInfo = first.json.pageInfo as { endCursor: string };
    const second = await rest(url, 'GET', '/rest/companies', {
      token: memberToken,
      query: { limit: '3', starting_after: firstInfo.endCursor },
    });
    expect(companiesOf(first).map((company) => company.id)).toEqual(all.slice(0, 3));
    expect(companiesOf(second).map((company) => company.id)).toEqual(all.slice(3, 6));
    const secondInfo = second.json.pageInfo as { startCursor: string };
    const back = await rest(url, 'GET', '/rest/companies', {
      token: memberToken,
      query: { limit: '2', ending_before: secondInfo.startCursor },
    });
    expect(companiesOf(back).map((company) => company.id)).toEqual(all.slice(1, 3));
  });

  it('answers every readable field, composite fields whole, and relations with depth=1', async () => {
    const { url, memberToken } = await start();
    const flat = await rest(url, 'GET', '/rest/people', {
      token: memberToken,
      query: { limit: '1', filter: 'companyId[is]:NOT_NULL' },
    });
    const [person] = (flat.json.data as { people: Record<string, unknown>[] }).people;
    expect(person).toMatchObject({
      id: expect.any(String) as unknown,
      name: { firstName: expect.any(String) as unknown, lastName: expect.any(String) as unknown },
      emails: { primaryEmail: expect.any(String) as unknown },
      companyId: expect.any(String) as unknown,
    });
    expect(person).not.toHaveProperty('company');
    const deep = await rest(url, 'GET', '/rest/people', {
      token: memberToken,
      query: { limit: '1', filter: 'companyId[is]:NOT_NULL', depth: '1' },
    });
    const [deepPerson] = (deep.json.data as { people: Record<string, unknown>[] }).people;
    expect(deepPerson?.company).toMatchObject({ id: person?.companyId });
    const company = await rest(url, 'GET', `/rest/companies/${String(person?.companyId)}`, {
      token: memberToken,
      query: { depth: '1' },
    });
    const people = (company.json.data as { company: { people: { id: string }[] } }).company.people;
    expect(people.map((p) => p.id)).toContain(person?.id);
  });

  it('refuses a bad filter with 400, naming the position', async () => {
    const { url, memberToken } = await start();
    const reply = await rest(url, 'GET', '/rest/companies', {
      token: memberToken,
      query: { filter: 'name[eq]:"Acme",' },
    });
    expect(reply).toEqual({
      status: 400,
      json: {
        statusCode: 400,
        error: 'BadRequestException',
        messages: [
          '\'filter\' invalid at position 16: expected a condition after ",", found the end of the filter',
        ],
      },
    });
  });

  it('refuses a bad limit, depth or order_by direction with 400 and Twenty’s messages', async () => {
    const { url, memberToken } = await start();
    const messages = async (query: Record<string, string>) =>
      (await rest(url, 'GET', '/rest/companies', { token: memberToken, query })).json.messages;
    expect(await messages({ limit: '-1' })).toEqual([
      "limit '-1' is invalid. Should be an integer",
    ]);
    expect(await messages({ depth: '2' })).toEqual([
      "'depth=2' parameter invalid. Allowed values are 0, 1",
    ]);
    expect(await messages({ order_by: 'name[Up]' })).toEqual([
      expect.stringMatching(/^'order_by' direction 'Up' invalid/) as unknown,
    ]);
  });

  it('answers 401 without a valid token and 400 named Error to a member whose role cannot read the object', async () => {
    const { sandbox, url, memberToken } = await start();
    expect(await rest(url, 'GET', '/rest/companies')).toEqual({
      status: 401,
      json: { statusCode: 401, error: 'UnauthorizedException', messages: ['missing bearer token'] },
    });
    const company = sandbox.state().objects.find((object) => object.nameSingular === 'company');
    const denied = await rest(url, 'POST', '/metadata', {
      token: 'admin-key',
      body: {
        query:
          'mutation($input: UpsertObjectPermissionsInput!) { upsertObjectPermissions(upsertObjectPermissionsInput: $input) { objectMetadataId } }',
        variables: {
          input: {
            roleId: MEMBER_ROLE_ID,
            objectPermissions: [
              {
                objectMetadataId: company?.id,
                canReadObjectRecords: false,
                canUpdateObjectRecords: false,
                canSoftDeleteObjectRecords: false,
                canDestroyObjectRecords: false,
              },
            ],
          },
        },
      },
    });
    expect(denied.json.errors).toBeUndefined();
    const reply = await rest(url, 'GET', '/rest/companies', { token: memberToken });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      statusCode: 400,
      error: 'Error',
      messages: ['Entity performing the request does not have permission'],
    });
  });

  it('answers an unknown object with 404 and a hint', async () => {
    const { url, memberToken } = await start();
    const reply = await rest(url, 'GET', '/rest/company', { token: memberToken });
    expect(reply).toEqual({
      status: 404,
      json: {
        statusCode: 404,
        error: 'NotFoundException',
        messages: ["object 'company' not found. Did you mean 'companies'?"],
      },
    });
  });
});

describe('GET /rest/<plural>/<id>', () => {
  it('answers the record under its singular name, and 404 when there is none', async () => {
    const { sandbox, url, memberToken, member } = await start();
    const [id] = (await graphqlCompanyIds(sandbox, member, undefined)).ids;
    const reply = await rest(url, 'GET', `/rest/companies/${String(id)}`, { token: memberToken });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ data: { company: expect.objectContaining({ id }) as unknown } });
    const absent = await rest(url, 'GET', '/rest/companies/00000000-0000-4000-8000-000000000000', {
      token: memberToken,
    });
    expect(absent).toEqual({
      status: 404,
      json: { statusCode: 404, error: 'NotFoundException', messages: ['Record not found'] },
    });
  });
});

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
