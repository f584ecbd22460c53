/** install and uninstall against the sandbox, in-process through msw. */
import { describe, expect, it } from 'vitest';
import { InstallCreateFieldDocument } from '../host/generated/metadata.js';
import { connectHost, type Host } from '../host/host.js';
import { mswServer } from '../host/msw-server.test-support.js';
import { sandboxHandlers } from '../sandbox/msw-handlers.test-support.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { install, uninstall } from './install.js';
import { resolveAddonUrl, tiergateManifest } from './manifest.js';

const BASE_URL = 'http://twenty.test';
const ADMIN_KEY = 'admin-key-for-install-tests';
const ADDON_URL = 'https://tiergate.example.com';
const NOW = () => new Date('2026-01-02T03:04:05Z');
const manifest = tiergateManifest();
const server = mswServer();

async function world(rls = true): Promise<{ sandbox: Sandbox; host: Host }> {
  const sandbox = await createSandbox({ rls, seed: 'none', adminKey: ADMIN_KEY });
  server.use(...sandboxHandlers(sandbox.serverOptions, BASE_URL));
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
    const second = await install(host, manifest, { addonUrl: `${ADDON_URL}/` });

    expect(second.created).toEqual([]);
    expect(second.createdItems).toEqual([]);
    expect(second.differing).toEqual([]);
    expect(second.unchanged.toSorted()).toEqual(first.created.toSorted());
    expect(second.webhook).toEqual({ ...first.webhook, created: false });
    expect(sandbox.state().webhooks.filter((w) => w.deletedAt === null)).toHaveLength(1);
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
      ['webhook', ...manifest.fields.map((f) => `field ${f.object}.${f.name}`)].toSorted(),
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
