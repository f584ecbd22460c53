import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../sandbox.js';
import { MEMBER_ROLE_ID } from '../seed-state.js';
import { startSandboxServer, type RunningSandbox } from '../server.js';

const COUNTS = { members: 16, companies: 6, people: 8, opportunities: 4 };
const NOW = new Date('2026-06-30T12:00:00Z');

let running: RunningSandbox | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

interface Started {
  readonly sandbox: Sandbox;
  readonly url: string;
  readonly memberToken: string;
}

async function start(): Promise<Started> {
  const sandbox = await createSandbox({
    rls: false,
    seed: 'default',
    seedCounts: COUNTS,
    now: () => NOW,
    adminKey: 'admin-key',
  });
  running = await startSandboxServer(sandbox.serverOptions);
  const m = sandbox.state().members.find((candidate) => candidate.roleId === MEMBER_ROLE_ID);
  if (!m) throw new Error('the seed has no member with the Member role');
  return { sandbox, url: running.url, memberToken: m.token };
}

interface Reply {
  readonly status: number;
  readonly json: unknown;
}

async function rest(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token = 'admin-key',
): Promise<Reply> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

type Json = Record<string, unknown>;
const dataOf = (reply: Reply): Json => (reply.json as { data: Json }).data;

async function createCompany(url: string, body: Json): Promise<Json> {
  const reply = await rest(url, 'POST', '/rest/companies', body);
  expect(reply.status).toBe(201);
  return dataOf(reply).createCompany as Json;
}

async function denyCompanies(url: string, sandbox: Sandbox, grants: Json): Promise<void> {
  const company = sandbox.state().objects.find((object) => object.nameSingular === 'company');
  const reply = await rest(url, 'POST', '/metadata', {
    query:
      'mutation($input: UpsertObjectPermissionsInput!) { upsertObjectPermissions(upsertObjectPermissionsInput: $input) { objectMetadataId } }',
    variables: {
      input: {
        roleId: MEMBER_ROLE_ID,
        objectPermissions: [
          {
            objectMetadataId: company?.id,
            canReadObjectRecords: true,
            canUpdateObjectRecords: true,
            canSoftDeleteObjectRecords: true,
            canDestroyObjectRecords: true,
            ...grants,
          },
        ],
      },
    },
  });
  expect((reply.json as Json).errors).toBeUndefined();
}

describe('parseCorePath as Twenty reads REST paths', () => {
  it('refuses a record id that is not a UUID of versions 1 to 5, and a path too long', async () => {
    const { url } = await start();
    expect(await rest(url, 'GET', '/rest/companies/not-an-id')).toEqual({
      status: 400,
      json: {
        statusCode: 400,
        error: 'BadRequestException',
        messages: ["'not-an-id' is not a valid UUID"],
      },
    });
    const v7 = '01890a5d-ac96-774b-bcce-b302099a8057';
    expect((await rest(url, 'GET', `/rest/companies/${v7}`)).status).toBe(400);
    const long = await rest(url, 'POST', '/rest/companies/x/duplicates', { data: [{}] });
    expect(long.status).toBe(400);
    expect((long.json as Json).messages).toEqual([
      "Query path '/rest/companies/x/duplicates' invalid. Valid examples: /rest/companies/id or /rest/companies or /rest/batch/companies",
    ]);
    // DELETE does not read `restore` as a route: it is an id, and not a UUID.
    expect((await rest(url, 'DELETE', '/rest/companies/restore')).status).toBe(400);
  });

  it('reads POST /rest/<plural>/<id> as a create, as Twenty does', async () => {
    const { url } = await start();
    const reply = await rest(url, 'POST', '/rest/companies/0a4b2c6d-8e1f-4a3b-9c5d-7e6f8a9b0c1d', {
      name: 'Posted',
    });
    expect(reply.status).toBe(201);
    expect(dataOf(reply).createCompany).toMatchObject({ name: 'Posted' });
  });

  it('reads GET /rest/<plural>/duplicates as the list, as Twenty does', async () => {
    const { url } = await start();
    const reply = await rest(url, 'GET', '/rest/companies/duplicates');
    expect(reply.status).toBe(200);
    expect(Object.keys(dataOf(reply))).toEqual(['companies']);
  });
});

describe('POST /rest/<plural>/duplicates', () => {
  it('answers, per record given, the other records sharing a duplicate criterion', async () => {
    const { url } = await start();
    const first = await createCompany(url, { name: 'Twin Corp' });
    const second = await createCompany(url, { name: 'Twin Corp' });
    const byIds = await rest(url, 'POST', '/rest/companies/duplicates', { ids: [first.id] });
    expect(byIds.status).toBe(200);
    const [entry] = (byIds.json as { data: Json[] }).data;
    expect(Object.keys(entry ?? {})).toEqual(['companyDuplicates', 'totalCount', 'pageInfo']);
    expect((entry?.companyDuplicates as Json[]).map((c) => c.id)).toEqual([second.id]);
    expect(entry?.totalCount).toBe(1);
    const byData = await rest(url, 'POST', '/rest/companies/duplicates', {
      data: [{ name: 'Twin Corp' }],
    });
    const [dataEntry] = (byData.json as { data: Json[] }).data;
    expect(dataEntry?.totalCount).toBe(2);
  });

  it("refuses a body with neither or both of data and ids, in Twenty's words", async () => {
    const { url } = await start();
    const neither = await rest(url, 'POST', '/rest/companies/duplicates', {});
    expect(neither.status).toBe(400);
    expect((neither.json as Json).messages).toEqual([
      'You have to provide either "data" or "ids" argument',
    ]);
    const both = await rest(url, 'POST', '/rest/companies/duplicates', { data: [], ids: [] });
    expect((both.json as Json).messages).toEqual([
      'You cannot provide both "data" and "ids" arguments',
    ]);
  });
});

describe('GET /rest/<plural>/groupBy', () => {
  it('answers a JSON array of groups with their dimension values and the aggregates asked', async () => {
    const { url } = await start();
    await createCompany(url, { name: 'Group A', employees: 5 });
    await createCompany(url, { name: 'Group A', employees: 7 });
    const query = new URLSearchParams({
      group_by: JSON.stringify([{ name: true }]),
      aggregate: JSON.stringify(['totalCount', 'sumEmployees']),
      filter: 'name[eq]:"Group A"',
      include_records_sample: 'true',
    });
    const reply = await rest(url, 'GET', `/rest/companies/groupBy?${query.toString()}`);
    expect(reply.status).toBe(200);
    expect(Array.isArray(reply.json)).toBe(true);
    const [group] = reply.json as Json[];
    expect(group).toMatchObject({ groupByDimensionValues: ['Group A'], totalCount: 2 });
    expect(group?.sumEmployees).toBe(12);
    expect((group?.records as Json[]).length).toBe(2);
  });

  it('refuses a missing or unreadable group_by with the parser words', async () => {
    const { url } = await start();
    const reply = await rest(url, 'GET', '/rest/companies/groupBy');
    expect(reply.status).toBe(400);
    expect(String((reply.json as { messages: string[] }).messages[0])).toMatch(
      /^Invalid group_by query parameter/,
    );
  });
});

describe('restore, merge and many-record writes', () => {
  it('restores one record by PATCH /rest/<plural>/<id>/restore and many by filter', async () => {
    const { url } = await start();
    const company = await createCompany(url, { name: 'Phoenix' });
    const id = String(company.id);
    expect((await rest(url, 'DELETE', `/rest/companies/${id}?soft_delete=true`)).status).toBe(200);
    const one = await rest(url, 'PATCH', `/rest/companies/${id}/restore`);
    expect(one.status).toBe(200);
    expect(dataOf(one).restoreCompany).toMatchObject({ id, deletedAt: null });
    await rest(url, 'DELETE', `/rest/companies/${id}?soft_delete=true`);
    const many = await rest(url, 'PATCH', `/rest/companies/restore?filter=id[eq]:"${id}"`);
    expect(many.status).toBe(200);
    expect((dataOf(many).restoreCompanies as Json[]).map((c) => c.id)).toEqual([id]);
  });

  it('merges records into the priority one, whose id the answer carries', async () => {
    const { url } = await start();
    const keep = await createCompany(url, { name: 'Keep' });
    const fold = await createCompany(url, { name: 'Fold', employees: 40 });
    const reply = await rest(url, 'PATCH', '/rest/companies/merge', {
      ids: [keep.id, fold.id],
      conflictPriorityIndex: 0,
    });
    expect(reply.status).toBe(200);
    expect(dataOf(reply).mergeCompany).toMatchObject({ id: keep.id, name: 'Keep', employees: 40 });
    expect((await rest(url, 'GET', `/rest/companies/${String(fold.id)}`)).status).toBe(404);
    const one = await rest(url, 'PATCH', '/rest/companies/merge', {
      ids: [keep.id],
      conflictPriorityIndex: 0,
    });
    expect((one.json as Json).messages).toEqual(['At least 2 record IDs are required for merge']);
  });

  it('updates many by filter, and refuses a bulk delete without a filter', async () => {
    const { url } = await start();
    const a = await createCompany(url, { name: 'Bulk' });
    const b = await createCompany(url, { name: 'Bulk' });
    const updated = await rest(url, 'PATCH', '/rest/companies?filter=name[eq]:"Bulk"', {
      employees: 3,
    });
    expect(updated.status).toBe(200);
    const records = dataOf(updated).updateCompanies as Json[];
    expect(records.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect(records.every((r) => r.employees === 3)).toBe(true);
    const unfiltered = await rest(url, 'DELETE', '/rest/companies');
    expect(unfiltered.status).toBe(400);
    expect(String((unfiltered.json as { messages: string[] }).messages[0])).toMatch(
      /^Filters are mandatory for bulk destroy operations/,
    );
    const removed = await rest(
      url,
      'DELETE',
      '/rest/companies?filter=name[eq]:"Bulk"&soft_delete=true',
    );
    expect(removed.status).toBe(200);
    expect(dataOf(removed).deleteCompanies).toHaveLength(2);
  });

  it('answers a permission refusal on the new routes as 400 named Error', async () => {
    const { sandbox, url, memberToken } = await start();
    const company = await createCompany(url, { name: 'Locked' });
    await denyCompanies(url, sandbox, {
      canReadObjectRecords: false,
      canUpdateObjectRecords: false,
      canSoftDeleteObjectRecords: false,
      canDestroyObjectRecords: false,
    });
    const query = new URLSearchParams({ group_by: JSON.stringify([{ name: true }]) });
    for (const [method, path, body] of [
      ['GET', `/rest/companies/groupBy?${query.toString()}`, undefined],
      ['POST', '/rest/companies/duplicates', { ids: [company.id] }],
      ['PATCH', `/rest/companies/${String(company.id)}/restore`, undefined],
      ['PATCH', '/rest/companies?filter=name[eq]:"Locked"', { employees: 1 }],
    ] as const) {
      const reply = await rest(url, method, path, body, memberToken);
      expect({ path, status: reply.status, error: (reply.json as Json).error }).toEqual({
        path,
        status: 400,
        error: 'Error',
      });
    }
  });
});
