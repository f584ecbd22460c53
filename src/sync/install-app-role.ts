/**
 * Tiergate's own access on the host (manifest.json `applicationRole`): a role carrying the
 * declared `can*AllObjectRecords` switches and permission flags, assignable to API keys only, and
 * an API key holding it, which the add-on uses instead of an admin's key. Twenty's app framework
 * would create the role from a published app package; Tiergate installs through the metadata
 * API, so it creates the same role itself. The role is recognised by the application role's
 * universalIdentifier written in its description; it never carries a "Managed by Tiergate (key)"
 * mark, so policy sync leaves it alone.
 *
 * Idempotent: an existing role is compared (switches, flags) and reported when it differs; a
 * key recorded by an earlier install that is still live is kept.
 */
import type { HostClient } from '../host/client.js';
import {
  InstallApiKeysDocument,
  InstallCreateApiKeyDocument,
  InstallGenerateApiKeyTokenDocument,
  InstallRolesDocument,
  InstallSetPermissionFlagsDocument,
  SyncCreateRoleDocument,
} from '../host/generated/metadata.js';
import type { Manifest } from '../twenty-app/manifest.js';
import type { CreatedItem } from './installation.js';
import { APP_KEY_NAME } from '../twenty-app/names.js';

/** What install adds to its report for the role and the key. */
export interface AppAccessCollector {
  readonly created: string[];
  readonly unchanged: string[];
  readonly differing: string[];
  readonly createdItems: CreatedItem[];
}

export interface AppKey {
  readonly id: string;
  /** The key's bearer token; only when this install created it (Twenty shows it once). */
  readonly token?: string;
}

/** How long the add-on's key lives; rotate it by uninstalling and installing again. */
const KEY_LIFETIME_YEARS = 5;

const SWITCHES = [
  'canReadAllObjectRecords',
  'canUpdateAllObjectRecords',
  'canSoftDeleteAllObjectRecords',
  'canDestroyAllObjectRecords',
] as const;

/** The mark that identifies the role on the host. */
export function appRoleMark(manifest: Manifest): string {
  return `Tiergate application role (${manifest.applicationRole.universalIdentifier})`;
}

/** The role's host id, created with its flags when missing; undefined when it cannot be made. */
export async function ensureAppRole(
  metadata: HostClient,
  manifest: Manifest,
  out: AppAccessCollector,
): Promise<string | undefined> {
  const declared = manifest.applicationRole;
  const what = `role ${declared.label}`;
  const flags = declared.permissionFlags.map((f) => f.flag).sort();
  const { getRoles } = await metadata.request(InstallRolesDocument);
  const mark = appRoleMark(manifest);
  const found = getRoles.find((role) => role.description?.includes(mark) === true);
  if (found !== undefined) {
    const held = (found.permissionFlags ?? []).map((f) => f.flag).sort();
    const differences = [
      ...SWITCHES.filter((s) => found[s] !== declared[s]).map(
        (s) => `${s} ${String(found[s])} on the host, ${String(declared[s])} in the manifest`,
      ),
      ...(held.join() === flags.join()
        ? []
        : [`flags ${held.join(', ') || 'none'} on the host, ${flags.join(', ')} in the manifest`]),
    ];
    if (differences.length === 0) out.unchanged.push(what);
    else out.differing.push(`${what}: ${differences.join('; ')}`);
    return found.id;
  }
  if (getRoles.some((role) => role.label === declared.label)) {
    out.differing.push(
      `${what}: a role labelled ${declared.label} exists that Tiergate did not create; left alone, so no API key was made for the add-on`,
    );
    return undefined;
  }
  const created = await metadata.request(SyncCreateRoleDocument, {
    input: {
      label: declared.label,
      description: `${declared.description} ${mark}. Do not edit.`,
      icon: 'IconLock',
      ...Object.fromEntries(SWITCHES.map((s) => [s, declared[s]])),
      canUpdateAllSettings: false,
      canAccessAllTools: false,
      canBeAssignedToUsers: false,
      canBeAssignedToAgents: false,
      canBeAssignedToApiKeys: true,
    },
  });
  const roleId = created.createOneRole.id;
  await metadata.request(InstallSetPermissionFlagsDocument, {
    input: { roleId, permissionFlagKeys: flags },
  });
  const item: CreatedItem = { kind: 'role', name: declared.label, id: roleId };
  out.created.push(what);
  out.createdItems.push(item);
  return roleId;
}

/** The add-on's API key: the recorded one while it is live, else a new one with its token. */
export async function ensureAppKey(
  metadata: HostClient,
  roleId: string,
  recordedKeyId: string | undefined,
  now: Date,
  out: AppAccessCollector,
): Promise<AppKey> {
  const what = `API key ${APP_KEY_NAME}`;
  if (recordedKeyId !== undefined) {
    const { apiKeys } = await metadata.request(InstallApiKeysDocument);
    if (apiKeys.some((key) => key.id === recordedKeyId && key.revokedAt == null)) {
      out.unchanged.push(what);
      return { id: recordedKeyId };
    }
  }
  const expiresAt = new Date(now);
  expiresAt.setUTCFullYear(expiresAt.getUTCFullYear() + KEY_LIFETIME_YEARS);
  const created = await metadata.request(InstallCreateApiKeyDocument, {
    input: { name: APP_KEY_NAME, expiresAt: expiresAt.toISOString(), roleId },
  });
  const id = created.createApiKey.id;
  const { generateApiKeyToken } = await metadata.request(InstallGenerateApiKeyTokenDocument, {
    apiKeyId: id,
    expiresAt: expiresAt.toISOString(),
  });
  out.created.push(what);
  out.createdItems.push({ kind: 'apiKey', name: APP_KEY_NAME, id });
  return { id, token: generateApiKeyToken.token };
}
