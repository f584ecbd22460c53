import { describe, expect, it } from 'vitest';

import type { HostObjectPermission } from './host-state.js';
import { BASE, fail, plan, role, withRole } from './plan-fixtures.test-support.js';

const deal = (read: boolean, update: boolean): HostObjectPermission => ({
  objectMetadataId: 'obj-deal',
  canReadObjectRecords: read,
  canUpdateObjectRecords: update,
  canSoftDeleteObjectRecords: false,
  canDestroyObjectRecords: false,
});

describe('diffHostState on field restrictions', () => {
  it('leaves the restrictions alone on an object the role will no longer read', () => {
    // Twenty refuses any field permission, a lift included, on an unreadable object.
    const desired = withRole(BASE, 'rep@junior', {
      objectPermissions: [deal(false, false)],
      fieldPermissions: [],
    });
    const { diff, ops } = plan(desired);
    expect(diff.counts.fieldPermissionChanges).toBe(0);
    expect(ops.map((op) => op.kind)).toEqual(['upsertObjectPermissions']);
  });

  it('ignores update restrictions on an object the role will no longer update', () => {
    const note = role('rep@junior').objectPermissions[1] ?? fail();
    const desired = withRole(BASE, 'rep@junior', {
      objectPermissions: [deal(true, false), note],
      fieldPermissions: [
        {
          objectMetadataId: 'obj-deal',
          fieldMetadataId: 'fld-amount',
          canReadFieldValue: false,
          canUpdateFieldValue: true,
        },
      ],
    });
    const { ops } = plan(desired);
    expect(ops).toEqual([
      {
        kind: 'upsertObjectPermissions',
        roleKey: 'rep@junior',
        // Sent beside the change, since 2.43 deletes what the call leaves out.
        objectPermissions: [deal(true, false), note],
      },
    ]);
  });

  it('restricts the fields of an object only after making it readable', () => {
    const actual = withRole(BASE, 'rep@junior', {
      objectPermissions: [deal(false, false)],
      fieldPermissions: [],
    });
    const { ops } = plan(BASE, actual);
    expect(ops.map((op) => op.kind)).toEqual(['upsertObjectPermissions', 'upsertFieldPermissions']);
  });

  it('lifts a restriction of both values by upserting null for both, beside the restrictions that stay', () => {
    const desired = withRole(BASE, 'rep@junior', {
      fieldPermissions: role('rep@junior').fieldPermissions.slice(1),
    });
    const { ops } = plan(desired);
    expect(ops).toEqual([
      {
        kind: 'upsertFieldPermissions',
        roleKey: 'rep@junior',
        fieldPermissions: [
          {
            objectMetadataId: 'obj-deal',
            fieldMetadataId: 'fld-stage',
            canReadFieldValue: null,
            canUpdateFieldValue: false,
          },
          {
            objectMetadataId: 'obj-deal',
            fieldMetadataId: 'fld-amount',
            canReadFieldValue: null,
            canUpdateFieldValue: null,
          },
        ],
      },
    ]);
  });
});
