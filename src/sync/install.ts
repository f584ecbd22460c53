/**
 * `tiergate install` and `uninstall` against a host: what manifest.json declares,
 * created where missing. Idempotent: what exists is left alone, what exists but differs (another
 * field type, another plural name, other webhook operations) is reported and left alone too.
 * No file I/O here: the CLI keeps the installation record (src/sync/installation.ts).
 */
import { randomBytes } from 'node:crypto';
import type { HostClient } from '../host/client.js';
import type { DataModelSnapshot } from '../host/data-model.js';
import {
  InstallCreateFieldDocument,
  InstallCreateObjectDocument,
  InstallCreateWebhookDocument,
  InstallDeleteFieldDocument,
  InstallDeleteObjectDocument,
  InstallDeleteWebhookDocument,
  InstallRevokeApiKeyDocument,
  InstallWebhooksDocument,
  SyncDeleteRoleDocument,
} from '../host/generated/metadata.js';
import { HostError } from '../host/host-error.js';
import type { Host } from '../host/host.js';
import { resolveAddonUrl, type Manifest, type ManifestField } from './manifest.js';
import { describeItem, type CreatedItem, type Installation } from './installation.js';
import { rlsEntitled } from './session.js';
import { ensureAppKey, ensureAppRole, type AppKey } from './install-app-role.js';

export interface InstallOptions {
  /** The add-on's base URL, what `{{addonUrl}}` stands for. */
  readonly addonUrl: string;
  /** The add-on's API key an earlier install recorded: kept while it is live. */
  readonly apiKeyId?: string | undefined;
  readonly now?: () => Date;
}

export interface InstallReport {
  /** `object tiergateAuditEntry`, `field company.tiergateViewers`, `webhook <url>`. */
  readonly created: string[];
  readonly unchanged: string[];
  /** What exists but not as declared, with how: left alone. */
  readonly differing: string[];
  /** What was created, with host ids (for the installation record and uninstall). */
  readonly createdItems: CreatedItem[];
  readonly webhook: { readonly id: string; readonly secret: string; readonly created: boolean };
  /** The add-on's API key (its token only when new); undefined when the role could not be made. */
  readonly appKey: AppKey | undefined;
  readonly rlsEntitled: boolean;
  readonly installedAt: string;
}

/** 32 random bytes as 64 hex characters. */
export function freshWebhookSecret(): string {
  return randomBytes(32).toString('hex');
}

const normalUrl = (url: string): string => {
  try {
    return new URL(url.trim()).toString();
  } catch {
    return url.trim();
  }
};

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

interface Collector {
  readonly created: string[];
  readonly unchanged: string[];
  readonly differing: string[];
  readonly createdItems: CreatedItem[];
}

async function createField(
  metadata: HostClient,
  objectId: string,
  field: ManifestField,
  own: boolean,
  out: Collector,
): Promise<void> {
  const data = await metadata.request(InstallCreateFieldDocument, {
    input: {
      field: {
        objectMetadataId: objectId,
        type: field.type,
        name: field.name,
        label: field.label,
        description: field.description,
        isNullable: field.isNullable,
        ...(field.isUIEditable === undefined ? {} : { isUIEditable: field.isUIEditable }),
      },
    },
  });
  const item: CreatedItem = {
    kind: 'field',
    object: field.object,
    name: field.name,
    id: data.createOneField.id,
    own,
  };
  out.created.push(describeItem(item));
  out.createdItems.push(item);
}

/** Fields of one object: created where missing, compared where present. */
async function ensureFields(
  metadata: HostClient,
  model: DataModelSnapshot,
  objectName: string,
  objectId: string,
  fields: readonly ManifestField[],
  own: boolean,
  out: Collector,
): Promise<void> {
  const existing = model.object(objectName);
  for (const field of fields) {
    const what = `field ${objectName}.${field.name}`;
    const found = existing?.fields.find((f) => f.name === field.name);
    if (found === undefined) await createField(metadata, objectId, field, own, out);
    else if (found.type !== field.type)
      out.differing.push(`${what}: ${found.type} on the host, ${field.type} in the manifest`);
    else out.unchanged.push(what);
  }
}

async function ensureObjects(host: Host, manifest: Manifest, out: Collector): Promise<void> {
  const model = await host.dataModel.refresh();
  for (const object of manifest.objects) {
    const what = `object ${object.nameSingular}`;
    const fields = object.fields.map((f) => ({ ...f, object: object.nameSingular }));
    const found = model.object(object.nameSingular);
    let objectId: string;
    if (found === undefined) {
      const data = await host.metadata.request(InstallCreateObjectDocument, {
        input: {
          object: {
            nameSingular: object.nameSingular,
            namePlural: object.namePlural,
            labelSingular: object.labelSingular,
            labelPlural: object.labelPlural,
            description: object.description,
            icon: object.icon,
          },
        },
      });
      objectId = data.createOneObject.id;
      const item: CreatedItem = { kind: 'object', name: object.nameSingular, id: objectId };
      out.created.push(describeItem(item));
      out.createdItems.push(item);
    } else {
      objectId = found.id;
      if (found.namePlural === object.namePlural) out.unchanged.push(what);
      else
        out.differing.push(
          `${what}: plural ${found.namePlural} on the host, ${object.namePlural} in the manifest`,
        );
    }
    await ensureFields(host.metadata, model, object.nameSingular, objectId, fields, true, out);
  }
  for (const field of manifest.fields) {
    const target = model.object(field.object);
    if (target === undefined) {
      out.differing.push(
        `field ${field.object}.${field.name}: object ${field.object} is not on the host, so it was not created`,
      );
      continue;
    }
    await ensureFields(host.metadata, model, field.object, target.id, [field], false, out);
  }
  if (out.createdItems.length > 0) await host.dataModel.refresh();
}

async function ensureWebhook(
  metadata: HostClient,
  manifest: Manifest,
  addonUrl: string,
  out: Collector,
): Promise<InstallReport['webhook']> {
  const targetUrl = resolveAddonUrl(manifest.webhook.targetUrl, addonUrl);
  const what = `webhook ${targetUrl}`;
  const { webhooks } = await metadata.request(InstallWebhooksDocument);
  const found = webhooks.find((w) => normalUrl(w.targetUrl) === normalUrl(targetUrl));
  if (found !== undefined) {
    if (sameSet(found.operations, manifest.webhook.operations)) out.unchanged.push(what);
    else
      out.differing.push(
        `${what}: operations ${found.operations.join(', ')} on the host, ${manifest.webhook.operations.join(', ')} in the manifest`,
      );
    return { id: found.id, secret: found.secret, created: false };
  }
  const secret = freshWebhookSecret();
  const data = await metadata.request(InstallCreateWebhookDocument, {
    input: {
      targetUrl,
      operations: [...manifest.webhook.operations],
      description: manifest.webhook.description,
      secret,
    },
  });
  out.created.push(what);
  return { id: data.createWebhook.id, secret, created: true };
}

/** Creates what the manifest declares and the host lacks; detects the RLS entitlement. */
export async function install(
  host: Host,
  manifest: Manifest,
  options: InstallOptions,
): Promise<InstallReport> {
  const now = (options.now ?? (() => new Date()))();
  const out: Collector = { created: [], unchanged: [], differing: [], createdItems: [] };
  const rls = await rlsEntitled(host.metadata);
  await ensureObjects(host, manifest, out);
  const roleId = await ensureAppRole(host.metadata, manifest, out);
  const appKey =
    roleId === undefined
      ? undefined
      : await ensureAppKey(host.metadata, roleId, options.apiKeyId, now, out);
  const webhook = await ensureWebhook(host.metadata, manifest, options.addonUrl, out);
  return { ...out, webhook, appKey, rlsEntitled: rls, installedAt: now.toISOString() };
}

export interface UninstallReport {
  readonly removed: string[];
  /** Left in place on purpose: the audit object and its fields, without `purge`. */
  readonly kept: string[];
  /** What the host would not delete, with its answer. */
  readonly failed: { readonly item: string; readonly reason: string }[];
  /** Created items still on the host (kept or failed): the record to keep, if any. */
  readonly remaining: CreatedItem[];
  readonly webhookRemoved: boolean;
}

const isNotFound = (error: HostError): boolean =>
  error.has('NOT_FOUND') || /not found/i.test(error.message);

/**
 * Removes what install created: the webhook and the helper fields; the audit object (and fields
 * install added to it) only with `purge`. A refusal is reported, not thrown; something already
 * gone counts as removed.
 */
export async function uninstall(
  host: Host,
  installation: Pick<Installation, 'created' | 'webhookId'>,
  options: { readonly purge: boolean },
): Promise<UninstallReport> {
  const removed: string[] = [];
  const kept: string[] = [];
  const failed: UninstallReport['failed'] = [];
  const remaining: CreatedItem[] = [];
  const attempt = async (what: string, run: () => Promise<unknown>): Promise<boolean> => {
    try {
      await run();
    } catch (error) {
      if (!(error instanceof HostError)) throw error;
      if (!isNotFound(error)) {
        failed.push({ item: what, reason: error.message });
        return false;
      }
    }
    removed.push(what);
    return true;
  };
  const { webhookId } = installation;
  const webhookRemoved =
    webhookId === null ||
    (await attempt('webhook', () =>
      host.metadata.request(InstallDeleteWebhookDocument, { id: webhookId }),
    ));
  // The key before its role: Twenty keeps a role that a live key holds.
  for (const kind of ['apiKey', 'role'] as const) {
    for (const item of installation.created.filter((i) => i.kind === kind)) {
      const done = await attempt(describeItem(item), () =>
        item.kind === 'apiKey'
          ? host.metadata.request(InstallRevokeApiKeyDocument, { input: { id: item.id } })
          : host.metadata.request(SyncDeleteRoleDocument, { roleId: item.id }),
      );
      if (!done) remaining.push(item);
    }
  }
  const objects = installation.created.filter((i) => i.kind === 'object');
  const purged = new Set(options.purge ? objects.map((i) => i.name) : []);
  // Fields first, then objects; the fields of an object being purged go with it.
  const fields = installation.created.filter((i) => i.kind === 'field');
  for (const item of [...fields, ...objects]) {
    const what = describeItem(item);
    if ((item.kind === 'object' || item.own) && !options.purge) {
      kept.push(what);
      remaining.push(item);
    } else if (item.kind === 'field' && purged.has(item.object)) {
      remaining.push(item);
    } else {
      const input = { input: { id: item.id } };
      const done = await attempt(what, () =>
        item.kind === 'object'
          ? host.metadata.request(InstallDeleteObjectDocument, input)
          : host.metadata.request(InstallDeleteFieldDocument, input),
      );
      if (!done) remaining.push(item);
    }
  }
  const gone = new Set(objects.filter((i) => removed.includes(describeItem(i))).map((i) => i.name));
  const report: UninstallReport = {
    removed,
    kept,
    failed,
    remaining: remaining.filter((i) => !(i.kind === 'field' && gone.has(i.object))),
    webhookRemoved,
  };
  await host.dataModel.refresh();
  return report;
}
