/**
 * The sandbox's workspace: everything a Twenty workspace holds that Tiergate touches, in
 * memory, as plain data that serialises to JSON (`--state FILE`). The core API, the metadata
 * API, the permission checks and webhook delivery all read and change this one model.
 *
 * Shapes follow Twenty 2.43's metadata schema (graphql/schema/metadata.graphql): roles with the
 * `can*` switches, object permissions, field permissions (a deny-list), row-level predicates and
 * groups, one role per workspace member and per API key, webhooks with a secret.
 */
import type { FieldMetadata, ObjectMetadata } from '../host/core-schema/object-metadata.js';

export interface SandboxField extends FieldMetadata {
  readonly id: string;
  readonly isActive: boolean;
}

export interface SandboxObject extends ObjectMetadata {
  readonly id: string;
  readonly isActive: boolean;
  readonly isCustom: boolean;
  readonly fields: readonly SandboxField[];
}

/** A record as the core API returns it: composite fields nested, relations by join column. */
export type SandboxRecord = Readonly<Record<string, unknown>> & {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
};

export interface ObjectPermission {
  readonly objectMetadataId: string;
  readonly canReadObjectRecords?: boolean | null;
  readonly canUpdateObjectRecords?: boolean | null;
  readonly canSoftDeleteObjectRecords?: boolean | null;
  readonly canDestroyObjectRecords?: boolean | null;
}

export interface FieldPermission {
  readonly id: string;
  readonly objectMetadataId: string;
  readonly fieldMetadataId: string;
  readonly canReadFieldValue?: boolean | null;
  readonly canUpdateFieldValue?: boolean | null;
}

export type RlsOperand =
  | 'IS'
  | 'IS_NOT'
  | 'IS_NOT_NULL'
  | 'LESS_THAN_OR_EQUAL'
  | 'GREATER_THAN_OR_EQUAL'
  | 'IS_BEFORE'
  | 'IS_AFTER'
  | 'CONTAINS'
  | 'DOES_NOT_CONTAIN'
  | 'IS_EMPTY'
  | 'IS_NOT_EMPTY'
  | 'IS_RELATIVE'
  | 'IS_IN_PAST'
  | 'IS_IN_FUTURE'
  | 'IS_TODAY'
  | 'VECTOR_SEARCH';

export interface RlsPredicate {
  readonly id: string;
  readonly objectMetadataId: string;
  readonly fieldMetadataId: string;
  readonly operand: RlsOperand;
  readonly value?: unknown;
  readonly subFieldName?: string | null;
  /** Compare against a field of the current workspace member instead of `value`. */
  readonly workspaceMemberFieldMetadataId?: string | null;
  readonly workspaceMemberSubFieldName?: string | null;
  readonly rowLevelPermissionPredicateGroupId?: string | null;
  readonly positionInRowLevelPermissionPredicateGroup?: number | null;
}

export interface RlsPredicateGroup {
  readonly id: string;
  readonly objectMetadataId: string;
  readonly parentRowLevelPermissionPredicateGroupId?: string | null;
  readonly logicalOperator: 'AND' | 'OR';
  readonly positionInRowLevelPermissionPredicateGroup?: number | null;
}

export interface SandboxRole {
  readonly id: string;
  readonly label: string;
  readonly description: string | null;
  readonly icon: string | null;
  readonly isEditable: boolean;
  readonly canUpdateAllSettings: boolean;
  readonly canAccessAllTools: boolean;
  readonly canReadAllObjectRecords: boolean;
  readonly canUpdateAllObjectRecords: boolean;
  readonly canSoftDeleteAllObjectRecords: boolean;
  readonly canDestroyAllObjectRecords: boolean;
  readonly canBeAssignedToUsers: boolean;
  readonly canBeAssignedToAgents: boolean;
  readonly canBeAssignedToApiKeys: boolean;
  readonly permissionFlags: readonly string[];
  readonly objectPermissions: readonly ObjectPermission[];
  readonly fieldPermissions: readonly FieldPermission[];
  readonly rowLevelPermissionPredicates: readonly RlsPredicate[];
  readonly rowLevelPermissionPredicateGroups: readonly RlsPredicateGroup[];
}

/** A workspace member: the record lives in `records.workspaceMember`; this is the login side. */
export interface SandboxMember {
  readonly id: string;
  readonly userId: string;
  readonly userEmail: string;
  readonly roleId: string;
  /** The bearer token that acts as this member (the sandbox's stand-in for a user session). */
  readonly token: string;
  /** `scrypt:<salt>:<hash>` of the member's password; without one, password sign-in is refused. */
  readonly passwordHash?: string;
  /** A verified TOTP method's secret (base32): sign-in then asks for a code. */
  readonly totpSecret?: string;
}

/** A token the sign-in flow issued, for one member, until `expiresAt` (ISO). */
export interface IssuedToken {
  readonly memberId: string;
  readonly expiresAt: string;
  /** Refresh tokens only: set when renewed or signed out (Twenty's appToken `revokedAt`). */
  readonly revokedAt?: string | null;
}

/** What Twenty's sign-in flow issued (repo `core-modules/auth/auth.resolver.ts`), by token. */
export interface SandboxAuthState {
  readonly loginTokens: Readonly<Record<string, IssuedToken>>;
  readonly accessTokens: Readonly<Record<string, IssuedToken>>;
  readonly refreshTokens: Readonly<Record<string, IssuedToken>>;
  /** Tokens of an application acting as a workspace member (token → member id). */
  readonly applicationTokens: Readonly<Record<string, string>>;
}

export interface SandboxApiKey {
  readonly id: string;
  readonly name: string;
  readonly roleId: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly createdAt: string;
}

export interface SandboxWebhook {
  readonly id: string;
  readonly targetUrl: string;
  readonly operations: readonly string[];
  readonly description: string | null;
  readonly secret: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
}

/** Who is calling: a member acting through its token, or an API key with its role. */
export type Principal =
  | {
      readonly kind: 'member';
      readonly memberId: string;
      readonly roleId: string;
      /** An application acting as the member (Twenty's `request.isActingAsWorkspaceMember`). */
      readonly actingAsWorkspaceMember?: boolean;
    }
  | { readonly kind: 'apiKey'; readonly apiKeyId: string; readonly roleId: string };

export interface WorkspaceState {
  readonly id: string;
  readonly displayName: string;
  /** The RLS entitlement (`--rls on`): without it predicates are refused, as Twenty does. */
  readonly rlsEnabled: boolean;
  readonly defaultRoleId: string;
  readonly objects: SandboxObject[];
  /** Records by object nameSingular, then by id. */
  readonly records: Record<string, Record<string, SandboxRecord>>;
  readonly roles: SandboxRole[];
  readonly members: SandboxMember[];
  readonly apiKeys: SandboxApiKey[];
  /** Issued API-key tokens: token → key id. */
  readonly apiKeyTokens: Record<string, string>;
  readonly webhooks: SandboxWebhook[];
  /** Twenty's `workspace.isTwoFactorAuthenticationEnforced`. */
  readonly twoFactorEnforced?: boolean;
  /** Tokens issued by sign-in; absent until someone signs in. */
  readonly auth?: SandboxAuthState;
}

/** A record event, as Twenty emits it to webhooks (`<nameSingular>.<action>`). */
export interface RecordEvent {
  readonly object: SandboxObject;
  readonly action: 'created' | 'updated' | 'deleted' | 'destroyed' | 'restored';
  readonly before: SandboxRecord | undefined;
  readonly after: SandboxRecord | undefined;
  readonly updatedFields?: readonly string[];
  readonly principal: Principal;
}

/** Where record events go once a change is made (webhook delivery, in tests a list). */
export type RecordEventSink = (event: RecordEvent) => void;
