/** install and uninstall against the sandbox, in-process through msw. */
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { InstallCreateFieldDocument } from '../host/generated/metadata.js';
import { connectHost, type Host } from '../host/host.js';
import { mswServer } from '../host/msw-server.test-support.js';
import { sandboxHandlers } from '../sandbox/msw-handlers.test-support.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { install, syncWebhookOperations, uninstall, webhookOperations } from './install.js';
import { resolveAddonUrl, tiergateManifest } from '../twenty-app/manifest.js';

const BASE_URL = 'http://twenty.test';
const ADMIN_KEY = 'admin-key-for-install-tests';
const ADDON_URL = 'https://tiergate.example.com';
const NOW = () => new Date('2026-01-02T03:04:05Z');
const manifest = tiergateManifest();
const server = mswServer();

async function world(rls = true): Promise<{ sandbox: Sandbox; host: Host }> {
  const sandbox = await createSandbox({ rls, seed: 'none', adminKey: ADMIN_KEY });
  server.use(
    ...sandboxHandlers(sandbox.serverOptions, BASE_URL),
    // Records written in a test reach the installed webhook: the add-on accepts them.
    http.post(`${ADDON_URL}/webhooks/twenty`, () => new HttpResponse(null, { status: 200 })),
  );
  return { sandbox, host: connectHost({ baseUrl: BASE_URL, token: ADMIN_KEY }) };
}

/** Every object and field the manifest declares, as `object x` / `field x.y`. */
function declared(): string[] {
  return [
    ...manifest.objects.flatMap((o) => [
      `object ${o.nameSingular}`,
      ...o.fields.map((f) => `field ${o.nameSingular}.${f.name}`),
    ]),
    ...manifest.fields.map((f) => `field ${f.object}.${f.name}`),
    `role ${manifest.applicationRole.label}`,
    'API key Tiergate add-on',
  ];
}

const webhookUrl = resolveAddonUrl(manifest.webhook.targetUrl, ADDON_URL);

describe('install', () => {
  it('creates exactly what the manifest declares on an empty workspace, with one webhook', async () => {
    const { sandbox, host } = await world();
    const report = await install(host, manifest, { addonUrl: ADDON_URL, now: NOW });

    expect(report.created.toSorted()).toEqual([...declared(), `webhook ${webhookUrl}`].toSorted());
    expect(report.unchanged).toEqual([]);
    expect(report.differing).toEqual([]);
    expect(report.installedAt).toBe('2026-01-02T03:04:05.000Z');

    const model = await host.dataModel.refresh();
    for (const object of manifest.objects) {
      const found = model.object(object.nameSingular);
      expect(found?.namePlural).toBe(object.namePlural);
      for (const field of object.fields)
        expect(found?.fields.find((f) => f.name === field.name)?.type).toBe(field.type);
    }
    for (const field of manifest.fields)
      expect(model.object(field.object)?.fields.find((f) => f.name === field.name)?.type).toBe(
        field.type,
      );

    const webhooks = sandbox.state().webhooks.filter((w) => w.deletedAt === null);
    expect(webhooks).toHaveLength(1);
    expect(webhooks[0]?.id).toBe(report.webhook.id);
    expect(webhooks[0]?.targetUrl).toBe(webhookUrl);
    expect(webhooks[0]?.operations).toEqual(manifest.webhook.operations);
    expect(report.webhook.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(webhooks[0]?.secret).toBe(report.webhook.secret);
  });

  it('creates nothing the second time: everything is unchanged and the webhook is the same', async () => {
    const { sandbox, host } = await world();
    const first = await install(host, manifest, { addonUrl: ADDON_URL });
    const second = await install(host, manifest, {
      addonUrl: `${ADDON_URL}/`,
      apiKeyId: first.appKey?.id,
    });

    expect(second.created).toEqual([]);
    expect(second.createdItems).toEqual([]);
    expect(second.differing).toEqual([]);
    expect(second.unchanged.toSorted()).toEqual(first.created.toSorted());
    expect(second.webhook).toEqual({ ...first.webhook, created: false });
    expect(second.appKey).toEqual({ id: first.appKey?.id });
    expect(sandbox.state().webhooks.filter((w) => w.deletedAt === null)).toHaveLength(1);
  });

  it("subscribes the webhook to the governed objects' events only, never Tiergate's own object", async () => {
    const { sandbox, host } = await world();
    const report = await install(host, manifest, {
      addonUrl: ADDON_URL,
      governedObjects: ['opportunity', 'company', 'tiergateAuditEntry'],
    });
    const actions = ['created', 'deleted', 'destroyed', 'restored', 'updated'];
    const expected = ['company', 'opportunity'].flatMap((o) => actions.map((a) => `${o}.${a}`));
    const webhook = sandbox.state().webhooks.find((w) => w.id === report.webhook.id);
    expect(webhook?.operations).toEqual(expected);

    // Twenty's matching (the sandbox's): a company is delivered, a person is not.
    await host.core.request('mutation { createCompany(data: { name: "Acme" }) { id } }');
    await host.core.request('mutation { createPerson(data: { jobTitle: "CFO" }) { id } }');
    await sandbox.settle();
    expect(sandbox.deliveries.map((d) => d.eventName)).toEqual(['company.created']);
  });

  it("narrows an installed webhook's operations to the policy's objects, and then leaves them", async () => {
    const { sandbox, host } = await world();
    const report = await install(host, manifest, { addonUrl: ADDON_URL });
    const operations = () =>
      sandbox.state().webhooks.find((w) => w.id === report.webhook.id)?.operations;
    expect(operations()).toEqual(manifest.webhook.operations);

    const changed = await syncWebhookOperations(host.metadata, manifest, report.webhook.id, [
      'person',
    ]);
    expect(changed).toEqual({
      before: manifest.webhook.operations,
      after: webhookOperations(manifest, ['person']),
    });
    expect(operations()).toEqual(webhookOperations(manifest, ['person']));
    expect(
      await syncWebhookOperations(host.metadata, manifest, report.webhook.id, ['person']),
    ).toBeUndefined();
    // Install again with the policy known: the webhook is the same, its operations kept.
    const again = await install(host, manifest, {
      addonUrl: ADDON_URL,
      apiKeyId: report.appKey?.id,
      governedObjects: ['person'],
    });
    expect(again.webhook.id).toBe(report.webhook.id);
    expect(again.unchanged).toContain(`webhook ${webhookUrl}`);
  });

  it('reports a field made by hand with another type as differing and leaves it alone', async () => {
    const { host } = await world();
    const company = (await host.dataModel.refresh()).object('company');
    if (company === undefined) throw new Error('the sandbox has no company object');
    await host.metadata.request(InstallCreateFieldDocument, {
      input: {
        field: { objectMetadataId: company.id, type: 'TEXT', name: 'tiergateViewers', label: 'V' },
      },
    });

    const report = await install(host, manifest, { addonUrl: ADDON_URL });

    expect(report.differing).toEqual([
      'field company.tiergateViewers: TEXT on the host, ARRAY in the manifest',
    ]);
    expect(report.created).not.toContain('field company.tiergateViewers');
    const model = await host.dataModel.refresh();
    const field = model.object('company')?.fields.find((f) => f.name === 'tiergateViewers');
    expect(field?.type).toBe('TEXT');
  });

  it('detects whether row-level rules are entitled, both ways', async () => {
    const entitled = await world(true);
    expect((await install(entitled.host, manifest, { addonUrl: ADDON_URL })).rlsEntitled).toBe(
      true,
    );
    const notEntitled = await world(false);
    expect((await install(notEntitled.host, manifest, { addonUrl: ADDON_URL })).rlsEntitled).toBe(
      false,
    );
  });
});

describe('uninstall', () => {
  it('removes the webhook and the helper fields and keeps the audit object without purge', async () => {
    const { sandbox, host } = await world();
    const installed = await install(host, manifest, { addonUrl: ADDON_URL });
    const report = await uninstall(
      host,
      { created: installed.createdItems, webhookId: installed.webhook.id },
      { purge: false },
    );

    expect(report.failed).toEqual([]);
    expect(report.webhookRemoved).toBe(true);
    expect(report.removed.toSorted()).toEqual(
      [
        'webhook',
        'role Tiergate',
        'API key Tiergate add-on',
        ...manifest.fields.map((f) => `field ${f.object}.${f.name}`),
      ].toSorted(),
    );
    expect(sandbox.state().roles.map((r) => r.label)).not.toContain('Tiergate');
    expect(sandbox.state().apiKeys.find((k) => k.id === installed.appKey?.id)?.revokedAt).not.toBe(
      null,
    );
    expect(report.kept).toContain('object tiergateAuditEntry');
    expect(sandbox.state().webhooks.filter((w) => w.deletedAt === null)).toEqual([]);
    const model = await host.dataModel.refresh();
    for (const field of manifest.fields)
      expect(model.object(field.object)?.fields.map((f) => f.name)).not.toContain(field.name);
    expect(model.object('tiergateAuditEntry')).toBeDefined();
    expect(report.remaining.map((i) => i.name)).toContain('tiergateAuditEntry');
  });

  it('reports the audit object it could not delete with purge, without crashing', async () => {
    const { host } = await world();
    const installed = await install(host, manifest, { addonUrl: ADDON_URL });
    const report = await uninstall(
      host,
      { created: installed.createdItems, webhookId: installed.webhook.id },
      { purge: true },
    );

    // The sandbox answers deleteOneObject with NOT_IMPLEMENTED.
    expect(report.failed.map((f) => f.item)).toEqual(['object tiergateAuditEntry']);
    expect(report.failed[0]?.reason).toMatch(/NOT_IMPLEMENTED/);
    expect(report.kept).toEqual([]);
    expect(report.remaining.filter((i) => i.kind === 'object').map((i) => i.name)).toEqual([
      'tiergateAuditEntry',
    ]);
    expect((await host.dataModel.refresh()).object('tiergateAuditEntry')).toBeDefined();
  });

  it('counts what is already gone as removed, so it can run again', async () => {
    const { host } = await world();
    const installed = await install(host, manifest, { addonUrl: ADDON_URL });
    const record = { created: installed.createdItems, webhookId: installed.webhook.id };
    await uninstall(host, record, { purge: false });
    const again = await uninstall(host, record, { purge: false });
    expect(again.failed).toEqual([]);
    expect(again.webhookRemoved).toBe(true);
  });
});

describe("install: Tiergate's own role and API key", () => {
  it('gives the add-on a key of its own, holding exactly the flags and switches the manifest declares', async () => {
    const { sandbox, host } = await world();
    const report = await install(host, manifest, { addonUrl: ADDON_URL });
    const role = sandbox.state().roles.find((r) => r.label === manifest.applicationRole.label);
    expect(role?.permissionFlags.toSorted()).toEqual(
      manifest.applicationRole.permissionFlags.map((f) => f.flag).toSorted(),
    );
    expect(role).toMatchObject({
      canReadAllObjectRecords: manifest.applicationRole.canReadAllObjectRecords,
      canSoftDeleteAllObjectRecords: false,
      canDestroyAllObjectRecords: false,
      canUpdateAllSettings: false,
      canBeAssignedToUsers: false,
      canBeAssignedToApiKeys: true,
    });

    const addon = connectHost({ baseUrl: BASE_URL, token: report.appKey?.token ?? '' });
    // Reads records and roles; cannot delete a record: the role grants what it needs, no more.
    const { companies } = await addon.core.request<{ companies: { totalCount: number } }>(
      '{ companies { totalCount } }',
    );
    expect(companies.totalCount).toBe(0);
    await expect(addon.metadata.request('{ getRoles { id } }')).resolves.toBeDefined();
    const created = await addon.core.request<{ createCompany: { id: string } }>(
      'mutation { createCompany(data: { name: "Acme" }) { id } }',
    );
    await expect(
      addon.core.request(`mutation { deleteCompany(id: "${created.createCompany.id}") { id } }`),
    ).rejects.toThrow(/permission/i);
  });

  it('reports a role it did not create that bears its label, and makes no key', async () => {
    const { host } = await world();
    await host.metadata.request(
      'mutation { createOneRole(createRoleInput: { label: "Tiergate" }) { id } }',
    );
    const report = await install(host, manifest, { addonUrl: ADDON_URL });
    expect(report.appKey).toBeUndefined();
    expect(report.differing).toEqual([
      'role Tiergate: a role labelled Tiergate exists that Tiergate did not create; left alone, so no API key was made for the add-on',
    ]);
  });

  it('reports a role whose flags were changed by hand', async () => {
    const { sandbox, host } = await world();
    await install(host, manifest, { addonUrl: ADDON_URL });
    const role = sandbox.state().roles.find((r) => r.label === 'Tiergate');
    await host.metadata.request(
      `mutation { upsertPermissionFlags(upsertPermissionFlagsInput: { roleId: "${role?.id ?? ''}", permissionFlagKeys: ["ROLES", "SECURITY"] }) { flag } }`,
    );
    const again = await install(host, manifest, { addonUrl: ADDON_URL });
    expect(again.differing).toEqual([
      'role Tiergate: flags ROLES, SECURITY on the host, API_KEYS_AND_WEBHOOKS, DATA_MODEL, ROLES, WORKSPACE_MEMBERS in the manifest',
    ]);
  });
});
