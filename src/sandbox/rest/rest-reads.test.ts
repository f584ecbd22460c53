import { afterEach, describe, expect, it } from 'vitest';
import { parseRestFilterOrThrow } from '../../host/rest-filter.js';
import { MEMBER_ROLE_ID } from '../seed-state.js';
import {
  COUNTS,
  companiesOf,
  graphqlCompanyIds,
  rest,
  start,
  stopServer,
} from './rest.test-support.js';

afterEach(stopServer);

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
