/** Host states for the plan tests: two managed roles, an unmanaged Admin, three members. */
import type { HostPermissionState, HostRole } from './host-state.js';
import { diffHostState, operationsFor, type DiffOptions, type HostOperation } from './plan.js';

export const OPTIONS: DiffOptions = { managedRoleKeys: (key) => key.includes('@') };

export function role(key: string, overrides: Partial<HostRole> = {}): HostRole {
  return {
    key,
    label: `Role ${key}`,
    description: `tiergate:${key}`,
    canReadAllObjectRecords: true,
    canUpdateAllObjectRecords: true,
    canSoftDeleteAllObjectRecords: false,
    canDestroyAllObjectRecords: false,
    objectPermissions: [
      {
        objectMetadataId: 'obj-deal',
        canReadObjectRecords: true,
        canUpdateObjectRecords: true,
        canSoftDeleteObjectRecords: false,
        canDestroyObjectRecords: false,
      },
      {
        objectMetadataId: 'obj-note',
        canReadObjectRecords: false,
        canUpdateObjectRecords: false,
        canSoftDeleteObjectRecords: false,
        canDestroyObjectRecords: false,
      },
    ],
    fieldPermissions: [
      {
        objectMetadataId: 'obj-deal',
        fieldMetadataId: 'fld-amount',
        canReadFieldValue: false,
        canUpdateFieldValue: false,
      },
      {
        objectMetadataId: 'obj-deal',
        fieldMetadataId: 'fld-stage',
        canReadFieldValue: true,
        canUpdateFieldValue: false,
      },
    ],
    rowLevel: {
      'obj-deal': {
        predicates: [
          { objectMetadataId: 'obj-deal', fieldMetadataId: 'fld-owner', operand: 'IS', group: 0 },
          {
            objectMetadataId: 'obj-deal',
            fieldMetadataId: 'fld-team',
            operand: 'IS',
            value: { selectedRecordIds: ['t1'], isCurrentWorkspaceMemberSelected: false },
            group: 1,
          },
          { objectMetadataId: 'obj-deal', fieldMetadataId: 'fld-stage', operand: 'IS_NOT_EMPTY' },
        ],
        groups: [
          { objectMetadataId: 'obj-deal', logicalOperator: 'OR' },
          { objectMetadataId: 'obj-deal', logicalOperator: 'AND', parent: 0 },
        ],
      },
    },
    ...overrides,
  };
}

const ADMIN: HostRole = { ...role('admin'), key: 'Admin', label: 'Admin' };

export function state(
  roles: readonly HostRole[],
  assignments: Record<string, string> = {},
): HostPermissionState {
  return { roles: [ADMIN, ...roles], assignments: { 'm-admin': 'Admin', ...assignments } };
}

export const BASE = state([role('rep@junior'), role('rep@senior')], {
  'm-1': 'rep@junior',
  'm-2': 'rep@senior',
});

export function plan(
  desired: HostPermissionState,
  actual: HostPermissionState = BASE,
  options = OPTIONS,
) {
  const diff = diffHostState(desired, actual, options);
  return { diff, ops: operationsFor(diff, actual, desired) };
}

export function withRole(base: HostPermissionState, key: string, overrides: Partial<HostRole>) {
  return {
    ...base,
    roles: base.roles.map((r) => (r.key === key ? { ...r, ...overrides } : r)),
  };
}

export const kinds = (ops: readonly HostOperation[]) => ops.map((op) => `${op.kind} ${op.roleKey}`);

export function fail(): never {
  throw new Error('fixture');
}
