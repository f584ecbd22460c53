/**
 * Settings permission flags and how a role holds them (repo `metadata-modules/permissions/utils/
 * is-permission-flag-granted.util.ts`): a flag is granted when the role holds it explicitly, or
 * when the role's wide switch covers its kind: `canUpdateAllSettings` covers every *settings*
 * flag, `canAccessAllTools` every *tool* flag (`constants/permission-flag-permission-type-by-
 * permission-flag.constant.ts`).
 */
import {
  SETTINGS_FLAGS,
  TOOL_FLAGS,
  TWENTY_PERMISSION_FLAGS,
  type PermissionFlag,
  type SettingsFlag,
} from '../../host/permission-flags.js';
import type { SandboxRole } from '../workspace.js';
import { type MetadataContext, principalRole } from './context.js';
import { permissionDenied } from './errors.js';

const ALL_FLAGS: readonly string[] = TWENTY_PERMISSION_FLAGS;

export { SETTINGS_FLAGS, TOOL_FLAGS, type PermissionFlag, type SettingsFlag };

export function isPermissionFlag(value: string): value is PermissionFlag {
  return ALL_FLAGS.includes(value);
}

function isSettingsFlag(flag: PermissionFlag): boolean {
  return (SETTINGS_FLAGS as readonly string[]).includes(flag);
}

export function roleHasFlag(role: SandboxRole, flag: PermissionFlag): boolean {
  const wide = isSettingsFlag(flag) ? role.canUpdateAllSettings : role.canAccessAllTools;
  return wide || role.permissionFlags.includes(flag);
}

/** Every flag the role holds, wide switches expanded (UserWorkspace.permissionFlags). */
export function grantedFlags(role: SandboxRole): PermissionFlag[] {
  return [...SETTINGS_FLAGS, ...TOOL_FLAGS].filter((flag) => roleHasFlag(role, flag));
}

/** Twenty's `SettingsPermissionGuard(flag)` (repo `engine/guards/settings-permission.guard.ts`). */
export function requireSettingsFlag(context: MetadataContext, flag: SettingsFlag): void {
  if (!roleHasFlag(principalRole(context), flag)) throw permissionDenied();
}
