/**
 * Contract: Twenty's REST routes past plain records, as 2.43's controller serves them
 * (twentyhq/twenty `packages/twenty-server/src/engine/api/rest/core/controllers/
 * rest-api-core.controller.ts`, `core/handlers/rest-api-*.handler.ts`): duplicates, groupBy,
 * restore, merge, many-record PATCH and DELETE, the path parser's refusals, and a permission
 * refusal as the REST exception filter answers it (400, `error: 'Error'`).
 *
 * Every test makes the records it reads, so it needs a host it may change and, for the
 * refusal, a member's token and the Member role's permissions (sandbox fixtures).
 */
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { MEMBER_ROLE_ID } from '../../src/sandbox/seed-state.js';
import type { Host, HostEndpoints, HostOpener } from './harness.js';

type Json = Record<string, unknown>;

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

interface RestHost {
  readonly host: Host;
  /** The REST base: the core GraphQL URL with `/graphql` swapped for `/rest`. */
  readonly base: string;
}

async function rest(
  { host, base }: RestHost,
  method: string,
  path: string,
  body?: unknown,
  token: string = host.sandbox.adminKey,
): Promise<Reply> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const dataOf = (reply: Reply): Json => (reply.body as { data: Json }).data;
const messagesOf = (reply: Reply): string[] => (reply.body as { messages: string[] }).messages;

export function restContract(hosts: HostOpener): void {
  describe('REST routes past plain records', () => {
    const { it } = hosts.needs('freshHost', 'memberTokens', 'sandboxState');
    let host: RestHost;
    let endpoints: HostEndpoints | undefined;
    beforeEach(async () => {
      const opened = await hosts.open();
      // The endpoints give the URL the REST API lives beside; this test closes them itself.
      endpoints = hosts.adopt().at(-1);
      if (endpoints === undefined) throw new Error('the host opener kept no endpoints');
      host = { host: opened, base: endpoints.coreUrl.replace(/\/graphql$/, '/rest') };
    });
    afterEach(async () => {
      await endpoints?.close();
      endpoints = undefined;
    });

    async function company(name: string, extra: Json = {}): Promise<Json> {
      const reply = await rest(host, 'POST', '/companies', { name, ...extra });
      expect(reply.status).toBe(201);
      return dataOf(reply).createCompany as Json;
    }

    it('POST /rest/<plural>/duplicates answers one connection per record given', async () => {
      const name = `Contract Twin ${Date.now()}`;
      const first = await company(name);
      const second = await company(name);
      const reply = await rest(host, 'POST', '/companies/duplicates', { ids: [first.id] });
      expect(reply.status).toBe(200);
      const entries = (reply.body as { data: Json[] }).data;
      expect(entries).toHaveLength(1);
      expect(Object.keys(entries[0] ?? {}).sort()).toEqual(
        ['companyDuplicates', 'pageInfo', 'totalCount'].sort(),
      );
      expect((entries[0]?.companyDuplicates as Json[]).map((c) => c.id)).toContain(second.id);
      const neither = await rest(host, 'POST', '/companies/duplicates', {});
      expect(neither.status).toBe(400);
      expect(messagesOf(neither)).toEqual(['You have to provide either "data" or "ids" argument']);
    });

    it('GET /rest/<plural>/groupBy answers a JSON array of groups', async () => {
      const name = `Contract Group ${Date.now()}`;
      await company(name, { employees: 2 });
      await company(name, { employees: 3 });
      const query = new URLSearchParams({
        group_by: JSON.stringify([{ name: true }]),
        aggregate: JSON.stringify(['totalCount']),
        filter: `name[eq]:"${name}"`,
      });
      const reply = await rest(host, 'GET', `/companies/groupBy?${query.toString()}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual([{ groupByDimensionValues: [name], totalCount: 2 }]);
      const missing = await rest(host, 'GET', '/companies/groupBy');
      expect(missing.status).toBe(400);
      expect(messagesOf(missing)[0]).toMatch(/^Invalid group_by query parameter/);
    });

    it('PATCH …/<id>/restore and …/restore?filter restore soft-deleted records', async () => {
      const id = String((await company(`Contract Restore ${Date.now()}`)).id);
      expect((await rest(host, 'DELETE', `/companies/${id}?soft_delete=true`)).status).toBe(200);
      const one = await rest(host, 'PATCH', `/companies/${id}/restore`);
      expect(one.status).toBe(200);
      expect(dataOf(one).restoreCompany).toMatchObject({ id, deletedAt: null });
      await rest(host, 'DELETE', `/companies/${id}?soft_delete=true`);
      const many = await rest(host, 'PATCH', `/companies/restore?filter=id[eq]:"${id}"`);
      expect(many.status).toBe(200);
      expect((dataOf(many).restoreCompanies as Json[]).map((c) => c.id)).toEqual([id]);
    });

    it('PATCH /rest/<plural>/merge merges into the priority record', async () => {
      const keep = await company(`Contract Keep ${Date.now()}`);
      const fold = await company(`Contract Fold ${Date.now()}`);
      const reply = await rest(host, 'PATCH', '/companies/merge', {
        ids: [keep.id, fold.id],
        conflictPriorityIndex: 0,
      });
      expect(reply.status).toBe(200);
      expect((dataOf(reply).mergeCompany as Json).id).toBe(keep.id);
      expect((await rest(host, 'GET', `/companies/${String(fold.id)}`)).status).toBe(404);
    });

    it('PATCH and DELETE without an id act on the filter, and a bulk delete needs one', async () => {
      const name = `Contract Bulk ${Date.now()}`;
      await company(name);
      await company(name);
      const filter = `filter=name[eq]:"${encodeURIComponent(name)}"`;
      const updated = await rest(host, 'PATCH', `/companies?${filter}`, { employees: 9 });
      expect(updated.status).toBe(200);
      expect((dataOf(updated).updateCompanies as Json[]).map((c) => c.employees)).toEqual([9, 9]);
      const unfiltered = await rest(host, 'DELETE', '/companies');
      expect(unfiltered.status).toBe(400);
      expect(messagesOf(unfiltered)).toEqual([
        'Filters are mandatory for bulk destroy operations. Please provide at least one filter to prevent accidental deletion of all records.',
      ]);
      const removed = await rest(host, 'DELETE', `/companies?${filter}&soft_delete=true`);
      expect(removed.status).toBe(200);
      expect(dataOf(removed).deleteCompanies).toHaveLength(2);
    });

    it('refuses a record id that is not a UUID, and a path too long, with 400', async () => {
      const bad = await rest(host, 'GET', '/companies/not-a-uuid');
      expect(bad).toEqual({
        status: 400,
        body: {
          statusCode: 400,
          error: 'BadRequestException',
          messages: ["'not-a-uuid' is not a valid UUID"],
        },
      });
      const long = await rest(host, 'POST', '/companies/x/duplicates', { ids: [] });
      expect(long.status).toBe(400);
      expect(messagesOf(long)[0]).toMatch(/^Query path '\/rest\/companies\/x\/duplicates' invalid/);
    });

    it('answers a permission refusal with 400, error "Error" and the permission message', async () => {
      const objectMetadataId = await host.host.objectId('company');
      await host.host.adminMetadata.request(
        'mutation($input: UpsertObjectPermissionsInput!) { upsertObjectPermissions(upsertObjectPermissionsInput: $input) { objectMetadataId } }',
        {
          input: {
            roleId: MEMBER_ROLE_ID,
            objectPermissions: [
              {
                objectMetadataId,
                canReadObjectRecords: false,
                canUpdateObjectRecords: false,
                canSoftDeleteObjectRecords: false,
                canDestroyObjectRecords: false,
              },
            ],
          },
        },
      );
      const reply = await rest(host, 'GET', '/companies', undefined, host.host.member().token);
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ statusCode: 400, error: 'Error' });
      expect(Object.keys(reply.body as Json).sort()).toEqual(['error', 'messages', 'statusCode']);
      expect(messagesOf(reply)[0]).toMatch(
        /^Entity performing the request does not have permission/,
      );
    });
  });
}
