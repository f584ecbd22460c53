/**
 * Twenty 2.43's permission flags (the metadata SDL's `PermissionFlagType`; src/twenty-app/manifest.test
 * holds this list equal to the SDL), split by kind as Twenty does (repo `constants/permission-flag-
 * permission-type-by-permission-flag.constant.ts`): a role's `canUpdateAllSettings` covers the
 * settings flags, its `canAccessAllTools` the tool flags.
 */
export const SETTINGS_FLAGS = [
  'API_KEYS_AND_WEBHOOKS',
  'WORKSPACE',
  'WORKSPACE_MEMBERS',
  'ROLES',
  'DATA_MODEL',
  'SECURITY',
  'WORKFLOWS',
  'IMPERSONATE',
  'SSO_BYPASS',
  'APPLICATIONS',
  'MARKETPLACE_APPS',
  'LAYOUTS',
  'BILLING',
  'AI_SETTINGS',
] as const;

export const TOOL_FLAGS = [
  'AI',
  'VIEWS',
  'UPLOAD_FILE',
  'DOWNLOAD_FILE',
  'SEND_EMAIL_TOOL',
  'CREATE_CALENDAR_EVENT_TOOL',
  'HTTP_REQUEST_TOOL',
  'CODE_INTERPRETER_TOOL',
  'IMPORT_CSV',
  'EXPORT_CSV',
  'CONNECTED_ACCOUNTS',
  'PROFILE_INFORMATION',
] as const;

export type SettingsFlag = (typeof SETTINGS_FLAGS)[number];
export type PermissionFlag = SettingsFlag | (typeof TOOL_FLAGS)[number];

/** Every flag, settings first. */
export const TWENTY_PERMISSION_FLAGS: readonly PermissionFlag[] = [
  ...SETTINGS_FLAGS,
  ...TOOL_FLAGS,
];
