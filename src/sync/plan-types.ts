/**
 * The shapes of a sync plan (`tiergate plan`) and of the host calls that carry it out
 * (`tiergate apply`). Operations name roles by Tiergate key, never by host id: a role created by
 * the same apply has no id yet, so the executor maps keys to ids as it goes.
 */
import type {
  HostFieldPermission,
  HostObjectPermission,
  HostRlsGroup,
  HostRlsPredicate,
  HostRole,
} from './host-state.js';

/** The role switches `createOneRole` / `updateOneRole` accept that Tiergate manages. */
export const ROLE_SETTING_FIELDS = [
  'label',
  'description',
  'canReadAllObjectRecords',
  'canUpdateAllObjectRecords',
  'canSoftDeleteAllObjectRecords',
  'canDestroyAllObjectRecords',
] as const;

export type RoleSettingField = (typeof ROLE_SETTING_FIELDS)[number];
export type RoleSettings = Pick<HostRole, RoleSettingField>;

export interface SettingChange {
  readonly field: RoleSettingField;
  /** Absent when the role is created. */
  readonly before?: string | boolean;
  readonly after: string | boolean;
}

export interface ObjectPermissionChange {
  readonly objectMetadataId: string;
  /** Absent: the host has no explicit permission (the role's `can*AllObjectRecords` apply). */
  readonly before?: HostObjectPermission;
  /** What will be upserted: the desired permission, or the desired role defaults made explicit. */
  readonly after: HostObjectPermission;
}

export interface FieldPermissionChange {
  readonly objectMetadataId: string;
  readonly fieldMetadataId: string;
  /** Absent: unrestricted (a restriction with both values true is no restriction). */
  readonly before?: HostFieldPermission;
  readonly after?: HostFieldPermission;
}

export interface RowLevelRules {
  readonly predicates: readonly HostRlsPredicate[];
  readonly groups: readonly HostRlsGroup[];
}

export interface RowLevelChange {
  readonly objectMetadataId: string;
  readonly before: RowLevelRules;
  readonly after: RowLevelRules;
}

export type RoleChangeKind = 'create' | 'update' | 'delete' | 'unchanged';

export interface RolePlan {
  readonly key: string;
  readonly label: string;
  readonly change: RoleChangeKind;
  readonly settings?: readonly SettingChange[];
  readonly objectPermissions: readonly ObjectPermissionChange[];
  /** The role's whole set of object permissions after the plan (sent whole: Twenty replaces it). */
  readonly objectPermissionSet?: readonly HostObjectPermission[];
  readonly fieldPermissions: readonly FieldPermissionChange[];
  /** The role's whole set of field restrictions after the plan (sent whole: Twenty replaces it). */
  readonly fieldRestrictions?: readonly HostFieldPermission[];
  readonly rowLevel: readonly RowLevelChange[];
  /** Why a wanted deletion will not happen (members would be left without their role). */
  readonly blocked?: string;
}

export interface AssignmentChange {
  readonly memberId: string;
  /** Absent when the host reports no role for the member. */
  readonly before?: string;
  readonly after: string;
}

/** A reassignment the desired state asks for that the plan refuses to make. */
export interface SkippedAssignment {
  readonly memberId: string;
  readonly before?: string;
  readonly wanted: string;
  readonly reason: string;
  /** The move is only waiting for an admin to sign in (`tiergate login`). */
  readonly waitsForAdmin?: true;
}

export interface PlanCounts {
  readonly rolesToCreate: number;
  readonly rolesToUpdate: number;
  readonly rolesToDelete: number;
  readonly objectPermissionChanges: number;
  readonly fieldPermissionChanges: number;
  readonly rowLevelChanges: number;
  readonly assignmentChanges: number;
  /** Blocked deletions plus skipped assignments: reported, never executed. */
  readonly blocked: number;
}

export interface HostPlan {
  /** Every managed role of either state, sorted by key (unchanged ones included). */
  readonly roles: readonly RolePlan[];
  readonly assignments: readonly AssignmentChange[];
  readonly skippedAssignments: readonly SkippedAssignment[];
  readonly counts: PlanCounts;
  /** True iff `operationsFor` yields no operation (blocked items do not count). */
  readonly empty: boolean;
}

/** Besides the managed roles, what Twenty will refuse (plan-refusals.ts): only those stay put. */
export interface DiffOptions extends RefusalContext {
  /** Only roles whose key this accepts are created, changed or deleted. */
  readonly managedRoleKeys: (key: string) => boolean;
}

/** `ObjectPermissionInput` of the metadata API. */
export interface ObjectPermissionInput {
  readonly objectMetadataId: string;
  readonly canReadObjectRecords: boolean;
  readonly canUpdateObjectRecords: boolean;
  readonly canSoftDeleteObjectRecords: boolean;
  readonly canDestroyObjectRecords: boolean;
}

/**
 * `FieldPermissionInput` of the metadata API. Twenty accepts only `false` (restrict) or `null`
 * (lift) here (`ONLY_FIELD_RESTRICTION_ALLOWED`); a value that does not change is omitted.
 */
export interface FieldPermissionInput {
  readonly objectMetadataId: string;
  readonly fieldMetadataId: string;
  readonly canReadFieldValue?: false | null;
  readonly canUpdateFieldValue?: false | null;
}

export type HostOperation =
  | { readonly kind: 'createRole'; readonly roleKey: string; readonly input: RoleSettings }
  | {
      readonly kind: 'updateRole';
      readonly roleKey: string;
      readonly update: Partial<RoleSettings>;
    }
  | {
      readonly kind: 'upsertObjectPermissions';
      readonly roleKey: string;
      readonly objectPermissions: readonly ObjectPermissionInput[];
    }
  | {
      readonly kind: 'upsertFieldPermissions';
      readonly roleKey: string;
      readonly fieldPermissions: readonly FieldPermissionInput[];
    }
  | {
      /** Replaces the role's predicates for the object; group links are indexes (see host-state). */
      readonly kind: 'upsertRowLevelPermissionPredicates';
      readonly roleKey: string;
      readonly objectMetadataId: string;
      readonly predicates: readonly HostRlsPredicate[];
      readonly predicateGroups: readonly HostRlsGroup[];
    }
  | {
      readonly kind: 'updateWorkspaceMemberRole';
      readonly workspaceMemberId: string;
      readonly roleKey: string;
    }
  | { readonly kind: 'deleteRole'; readonly roleKey: string };

/**
 * Who moves members: the signed-in admin, or nobody yet (every move waits). `sessionProblem`
 * says why a session that is there cannot be used (it expired, Twenty refused to renew it).
 */
export type MemberMover =
  | { readonly kind: 'admin'; readonly memberId: string; readonly email: string }
  | { readonly kind: 'none'; readonly loginCommand: string; readonly sessionProblem?: string };

/** What decides whether a member's move is made, refused or waits (see plan-refusals.ts). */
export interface RefusalContext {
  /** Assignment keys of Twenty's Admin role (read-host.ts `adminRoleKeys`). */
  readonly adminRoleKeys?: ReadonlySet<string>;
  /** The workspace member whose token Tiergate acts with; none for an API key. */
  readonly actingMemberId?: string;
  /** Members who held Admin at the last apply: the one kept on it when one must stay. */
  readonly incumbentAdmins?: ReadonlySet<string>;
  /** Who moves members; absent, the token's own member (`actingMemberId`) does. */
  readonly memberMover?: MemberMover;
}
