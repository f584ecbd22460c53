import { graphql, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { mswServer } from './msw-server.test-support.js';
import { HostClient } from './client.js';
import { DataModel } from './data-model.js';
import { fakeRuntime } from './fake-runtime.test-support.js';

const METADATA_URL = 'http://twenty.test/metadata';
const server = mswServer();

const field = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  id: `f-${name}`,
  name,
  label: name,
  type,
  isNullable: true,
  isSystem: false,
  isActive: true,
  options: null,
  relation: null,
  ...extra,
});

const OPPORTUNITY = {
  id: 'o-opportunity',
  nameSingular: 'opportunity',
  namePlural: 'opportunities',
  labelSingular: 'Opportunity',
  labelPlural: 'Opportunities',
  isSystem: false,
  isActive: true,
  isRemote: false,
  labelIdentifierFieldMetadataId: 'f-name',
  fieldsList: [
    field('name', 'TEXT'),
    field('stage', 'SELECT', {
      options: [{ value: 'NEW', label: 'New', position: 0, color: 'red' }],
    }),
    field('owner', 'RELATION', {
      relation: {
        type: 'MANY_TO_ONE',
        targetObjectMetadata: { id: 'o-wm', nameSingular: 'workspaceMember' },
        targetFieldMetadata: { id: 'f-owned', name: 'ownedOpportunities' },
      },
    }),
    field('legacy', 'TEXT', { isActive: false }),
  ],
};
const COMPANY = {
  ...OPPORTUNITY,
  id: 'o-company',
  nameSingular: 'company',
  namePlural: 'companies',
  fieldsList: [],
};
const INACTIVE = {
  ...OPPORTUNITY,
  id: 'o-old',
  nameSingular: 'oldThing',
  namePlural: 'oldThings',
  isActive: false,
};

/** Serves the objects two per page, counting reads. */
function serveObjects(objects: unknown[]): { reads: () => number } {
  let reads = 0;
  server.use(
    graphql.query('DataModel', ({ variables }) => {
      const start =
        variables.after === null || variables.after === undefined ? 0 : Number(variables.after);
      if (start === 0) reads++;
      const page = objects.slice(start, start + 2);
      const next = start + 2 < objects.length ? String(start + 2) : null;
      return HttpResponse.json({
        data: {
          objects: {
            edges: page.map((node, i) => ({ node, cursor: String(start + i) })),
            pageInfo: { hasNextPage: next !== null, endCursor: next },
          },
        },
      });
    }),
  );
  return { reads: () => reads };
}

function dataModel(runtime = fakeRuntime()) {
  const client = new HostClient({ url: METADATA_URL, token: 't', runtime });
  return new DataModel(client, { runtime, ttlMs: 60_000 });
}

describe('DataModel', () => {
  it('reads every page of active objects and maps fields, options and relations', async () => {
    serveObjects([OPPORTUNITY, INACTIVE, COMPANY]);
    const snapshot = await dataModel().get();
    expect(snapshot.objects.map((o) => o.nameSingular)).toEqual(['opportunity', 'company']);
    const opportunity = snapshot.object('opportunity');
    expect(opportunity?.fields.map((f) => f.name)).toEqual(['name', 'stage', 'owner']);
    expect(opportunity?.fields[1]?.options).toEqual([
      { value: 'NEW', label: 'New', position: 0, color: 'red' },
    ]);
    expect(opportunity?.fields[2]?.relation).toEqual({
      type: 'MANY_TO_ONE',
      targetObject: 'workspaceMember',
      targetField: 'ownedOpportunities',
      joinColumn: 'ownerId',
    });
  });

  it('serves the cached snapshot until the TTL passes, then reads again', async () => {
    const runtime = fakeRuntime();
    const served = serveObjects([COMPANY]);
    const model = dataModel(runtime);
    await model.get();
    await model.get();
    expect(served.reads()).toBe(1);
    await runtime.sleep(60_000);
    await model.get();
    expect(served.reads()).toBe(2);
  });

  it('shares one read between concurrent callers, and refresh reads at once', async () => {
    const served = serveObjects([COMPANY]);
    const model = dataModel();
    await Promise.all([model.get(), model.get(), model.get()]);
    expect(served.reads()).toBe(1);
    await model.refresh();
    expect(served.reads()).toBe(2);
  });

  it('refuses a field type it does not know, naming the field', async () => {
    serveObjects([{ ...COMPANY, fieldsList: [field('shape', 'HOLOGRAM')] }]);
    await expect(dataModel().get()).rejects.toThrow(
      'DataModel: company.shape has an unknown field type HOLOGRAM',
    );
  });
});
