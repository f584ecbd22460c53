/**
 * The part of a Twenty workspace that Tiergate manages natively (ARCHITECTURE.md "Native sync"):
 * roles with their permissions, and which role each member holds. `compile` makes the desired
 * state from a policy; `plan` compares it with the state read from the host; `apply` closes the
 * difference. Ids of objects and fields are the host's (from data-model discovery); roles are
 * matched by `key`, which Tiergate writes into the role's description so it can find its own.
 */

/** Twenty's four record switches for one object (metadata `ObjectPermission`). */
export interface HostObjectPermission {
  readonly objectMetadataId: string;
  readonly canReadObjectRecords: boolean;
  readonly canUpdateObjectRecords: boolean;
  readonly canSoftDeleteObjectRecords: boolean;
  readonly canDestroyObjectRecords: boolean;
}

/** A field restriction (Twenty's field permissions are a deny-list: only `false` restricts). */
export interface HostFieldPermission {
  readonly objectMetadataId: string;
  readonly fieldMetadataId: string;
  readonly canReadFieldValue: boolean;
  readonly canUpdateFieldValue: boolean;
}

export type HostRlsOperand =
  | 'IS'
  | 'IS_NOT'
  | 'CONTAINS'
  | 'DOES_NOT_CONTAIN'
  | 'GREATER_THAN_OR_EQUAL'
  | 'LESS_THAN_OR_EQUAL'
  | 'IS_BEFORE'
  | 'IS_AFTER'
  | 'IS_EMPTY'
  | 'IS_NOT_EMPTY';

/** One row-level predicate (metadata `upsertRowLevelPermissionPredicates` input). */
export interface HostRlsPredicate {
  readonly objectMetadataId: string;
  readonly fieldMetadataId: string;
  readonly operand: HostRlsOperand;
  readonly value?: unknown;
  readonly subFieldName?: string;
  /** Compare with this field of the current workspace member instead of `value`. */
  readonly workspaceMemberFieldMetadataId?: string;
  /** Index into the role's groups for that object; none: ANDed at the top. */
  readonly group?: number;
}

export interface HostRlsGroup {
  readonly objectMetadataId: string;
  readonly logicalOperator: 'AND' | 'OR';
  /** Index of the parent group among the role's groups for that object; none: a root group. */
  readonly parent?: number;
}

export interface HostRole {
  /** Tiergate's stable name for the role: `<policy role>@<tier>` (`sales-rep@junior`). */
  readonly key: string;
  /** As shown in Twenty: `Sales representative · Junior`. */
  readonly label: string;
  readonly description: string;
  readonly canReadAllObjectRecords: boolean;
  readonly canUpdateAllObjectRecords: boolean;
  readonly canSoftDeleteAllObjectRecords: boolean;
  readonly canDestroyAllObjectRecords: boolean;
  readonly objectPermissions: readonly HostObjectPermission[];
  readonly fieldPermissions: readonly HostFieldPermission[];
  /** Row-level predicates and groups, by object id; empty when the workspace is not entitled. */
  readonly rowLevel: Readonly<
    Record<
      string,
      { readonly predicates: readonly HostRlsPredicate[]; readonly groups: readonly HostRlsGroup[] }
    >
  >;
}

export interface HostPermissionState {
  readonly roles: readonly HostRole[];
  /** Workspace member id → role key. */
  readonly assignments: Readonly<Record<string, string>>;
}

/** What Twenty cannot enforce and the gateway must: one line per rule, citing the policy path. */
export interface GatewayDuty {
  readonly path: string;
  readonly reason: string;
}
