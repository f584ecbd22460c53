/**
 * `tiergate install` and `uninstall` against a host: what manifest.json declares,
 * created where missing. Idempotent: what exists is left alone, what exists but differs (another
 * field type, another plural name) is reported and left alone too; the webhook's operations are
 * made those the policy calls for (`webhookOperations`).
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
  InstallUpdateWebhookOperationsDocument,
  InstallWebhooksDocument,
  SyncDeleteRoleDocument,
} from '../host/generated/metadata.js';
import { HostError } from '../host/host-error.js';
import type { Host } from '../host/host.js';
import { RECORD_ACTIONS } from '../host/webhook/record-actions.js';
import {
  ownObjectNames,
  resolveAddonUrl,
  type Manifest,
  type ManifestField,
} from '../twenty-app/manifest.js';
import { describeItem, type CreatedItem, type Installation } from './installation.js';
import { currentWorkspace } from './session.js';
import { ensureAppKey, ensureAppRole, type AppKey } from './install-app-role.js';
import { compareText } from '../twenty-app/compare-text.js';

export interface InstallOptions {
  /** The add-on's base URL, what `{{addonUrl}}` stands for. */
  readonly addonUrl: string;
  /** The add-on's API key an earlier install recorded: kept while it is live. */
  readonly apiKeyId?: string | undefined;
  /**
   * The objects the policy governs (src/sync/compile.ts `governedObjectNames`), when a policy is
   * known: the webhook subscribes to their events only (see `webhookOperations`).
   */
  readonly governedObjects?: readonly string[] | undefined;
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
  /** The workspace the install was made in (its webhook and key are that workspace's). */
  readonly workspace: { readonly id: string; readonly name: string };
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

/**
 * The webhook's operations: each of the manifest's (`*.created`, …) for each object the policy
 * governs, never one of Tiergate's own objects, whose events are its own writes (its audit
 * object would feed the journal to itself). Twenty matches an operation by string equality with
 * `object.action`, `*.action`, `object.*` or `*.*` (`filter-webhooks-matching-event.util.ts`,
 * `compute-webhook-operations-to-match.util.ts`), so a wildcard could not leave them out. With no
 * policy known, the manifest's operations as written (the intake ignores Tiergate's objects).
 */
export function webhookOperations(
  manifest: Manifest,
  governed: readonly string[] | undefined,
): string[] {
  if (governed === undefined) return [...manifest.webhook.operations];
  const own = ownObjectNames(manifest);
  const objects = governed.filter((name) => !own.has(name));
  const operations = new Set<string>();
  for (const declared of manifest.webhook.operations) {
    const [object = '', action = ''] = declared.split('.');
    for (const o of object === '*' ? objects : objects.filter((name) => name === object))
      for (const a of action === '*' ? RECORD_ACTIONS : [action]) operations.add(`${o}.${a}`);
  }
  return [...operations].sort(compareText);
}

/**
 * Makes the webhook's operations `operations`; returns what they were when they changed,
 * undefined when they already were.
 */
export async function reconcileWebhookOperations(
  metadata: HostClient,
  webhook: { readonly id: string; readonly operations: readonly string[] },
  operations: readonly string[],
): Promise<readonly string[] | undefined> {
  if (sameSet(webhook.operations, operations)) return undefined;
  await metadata.request(InstallUpdateWebhookOperationsDocument, {
    id: webhook.id,
    operations: [...operations],
  });
  return webhook.operations;
}

/**
 * Subscribes the installed webhook (by id) to the events of the objects the policy governs, as
 * `tiergate apply` does after each run; what it changed, undefined when nothing (or when the host
 * has no webhook with that id, which `tiergate install` recreates).
 */
export async function syncWebhookOperations(
  metadata: HostClient,
  manifest: Manifest,
  webhookId: string,
  governed: readonly string[],
): Promise<{ readonly before: readonly string[]; readonly after: string[] } | undefined> {
  const { webhooks } = await metadata.request(InstallWebhooksDocument);
  const found = webhooks.find((w) => w.id === webhookId);
  if (found === undefined) return undefined;
  const after = webhookOperations(manifest, governed);
  const before = await reconcileWebhookOperations(metadata, found, after);
  return before === undefined ? undefined : { before, after };
}

async function ensureWebhook(
  metadata: HostClient,
  manifest: Manifest,
  options: InstallOptions,
  out: Collector,
): Promise<InstallReport['webhook']> {
  const targetUrl = resolveAddonUrl(manifest.webhook.targetUrl, options.addonUrl);
  const what = `webhook ${targetUrl}`;
  const operations = webhookOperations(manifest, options.governedObjects);
  const { webhooks } = await metadata.request(InstallWebhooksDocument);
  const found = webhooks.find((w) => normalUrl(w.targetUrl) === normalUrl(targetUrl));
  if (found !== undefined) {
    const before = await reconcileWebhookOperations(metadata, found, operations);
    if (before === undefined) out.unchanged.push(what);
    else
      out.created.push(
        `${what}: operations ${operations.join(', ') || 'none'} (were ${before.join(', ')})`,
      );
    return { id: found.id, secret: found.secret, created: false };
  }
  const secret = freshWebhookSecret();
  const data = await metadata.request(InstallCreateWebhookDocument, {
    input: {
      targetUrl,
      operations,
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
  const workspace = await currentWorkspace(host.metadata);
  await ensureObjects(host, manifest, out);
  const roleId = await ensureAppRole(host.metadata, manifest, out);
  const appKey =
    roleId === undefined
      ? undefined
      : await ensureAppKey(host.metadata, roleId, options.apiKeyId, now, out);
  const webhook = await ensureWebhook(host.metadata, manifest, options, out);
  return {
    ...out,
    webhook,
    appKey,
    rlsEntitled: workspace.rlsEntitled,
    workspace: { id: workspace.id, name: workspace.name },
    installedAt: now.toISOString(),
  };
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
