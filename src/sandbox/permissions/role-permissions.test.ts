import { describe, expect, it } from 'vitest';
import {
  COMPANY,
  PERSON,
  TIMELINE,
  WORKFLOW,
  WORKSPACE_MEMBER,
  fieldId,
  role,
  workspace,
} from './fixtures.test-support.js';
import { objectPermissionsOf } from './role-permissions.js';

const NOTHING = {
  canReadAllObjectRecords: false,
  canUpdateAllObjectRecords: false,
  canSoftDeleteAllObjectRecords: false,
  canDestroyAllObjectRecords: false,
};

describe('objectPermissionsOf', () => {
  it('gives every object the role-wide switches when no object permission is set', () => {
    const reader = role('reader', { ...NOTHING, canReadAllObjectRecords: true });
    const permissions = objectPermissionsOf(workspace([reader]), 'reader')[PERSON.id];
    expect(permissions).toEqual({
      canRead: true,
      canUpdate: false,
      canSoftDelete: false,
      canDestroy: false,
      restrictedFields: {},
    });
  });

  it('lets an object permission revoke what the role-wide switch grants', () => {
    const editor = role('editor', {
      objectPermissions: [{ objectMetadataId: COMPANY.id, canUpdateObjectRecords: false }],
    });
    const permissions = objectPermissionsOf(workspace([editor]), 'editor');
    expect(permissions[COMPANY.id]?.canUpdate).toBe(false);
    expect(permissions[PERSON.id]?.canUpdate).toBe(true);
  });

  it('lets an object permission grant what the role-wide switch withholds', () => {
    const limited = role('limited', {
      ...NOTHING,
      objectPermissions: [
        { objectMetadataId: COMPANY.id, canReadObjectRecords: true, canDestroyObjectRecords: true },
      ],
    });
    const permissions = objectPermissionsOf(workspace([limited]), 'limited');
    expect(permissions[COMPANY.id]?.canRead).toBe(true);
    expect(permissions[COMPANY.id]?.canDestroy).toBe(true);
    expect(permissions[PERSON.id]?.canRead).toBe(false);
  });

  it('falls back to the role-wide switch for an object permission left null', () => {
    const mixed = role('mixed', {
      canSoftDeleteAllObjectRecords: false,
      objectPermissions: [
        {
          objectMetadataId: COMPANY.id,
          canReadObjectRecords: true,
          canSoftDeleteObjectRecords: null,
        },
      ],
    });
    expect(objectPermissionsOf(workspace([mixed]), 'mixed')[COMPANY.id]?.canSoftDelete).toBe(false);
  });

  it('permits nothing for a role the workspace does not have', () => {
    expect(objectPermissionsOf(workspace([role('admin')]), 'ghost')).toEqual({});
  });

  it('permits everything on a system object whatever the role says', () => {
    const none = role('none', NOTHING);
    const permissions = objectPermissionsOf(workspace([none]), 'none')[TIMELINE.id];
    expect(permissions).toMatchObject({
      canRead: true,
      canUpdate: true,
      canSoftDelete: true,
      canDestroy: true,
    });
  });

  it('lets every role read workspace members but write them only with WORKSPACE_MEMBERS', () => {
    const none = role('none', NOTHING);
    const hr = role('hr', { ...NOTHING, permissionFlags: ['WORKSPACE_MEMBERS'] });
    const state = workspace([none, hr]);
    expect(objectPermissionsOf(state, 'none')[WORKSPACE_MEMBER.id]).toMatchObject({
      canRead: true,
      canUpdate: false,
    });
    expect(objectPermissionsOf(state, 'hr')[WORKSPACE_MEMBER.id]?.canUpdate).toBe(true);
  });

  it('opens workflow records only to roles with WORKFLOWS or every setting', () => {
    const plain = role('plain');
    const settings = role('settings', { ...NOTHING, canUpdateAllSettings: true });
    const state = workspace([plain, settings]);
    expect(objectPermissionsOf(state, 'plain')[WORKFLOW.id]?.canRead).toBe(false);
    expect(objectPermissionsOf(state, 'settings')[WORKFLOW.id]?.canRead).toBe(true);
  });

  it('lists a field whose read or update permission is set to false', () => {
    const restricted = role('restricted', {
      fieldPermissions: [
        {
          id: 'fp-1',
          objectMetadataId: PERSON.id,
          fieldMetadataId: fieldId(PERSON, 'jobTitle'),
          canReadFieldValue: false,
          canUpdateFieldValue: false,
        },
      ],
    });
    const permissions = objectPermissionsOf(workspace([restricted]), 'restricted')[PERSON.id];
    expect(permissions?.restrictedFields).toEqual({
      [fieldId(PERSON, 'jobTitle')]: { canRead: false, canUpdate: false },
    });
  });

  it('leaves out a field permission with neither value set', () => {
    const empty = role('empty', {
      fieldPermissions: [
        {
          id: 'fp-1',
          objectMetadataId: PERSON.id,
          fieldMetadataId: fieldId(PERSON, 'city'),
          canReadFieldValue: null,
          canUpdateFieldValue: null,
        },
      ],
    });
    expect(objectPermissionsOf(workspace([empty]), 'empty')[PERSON.id]?.restrictedFields).toEqual(
      {},
    );
  });

  it('never read-restricts the label identifier field', () => {
    const restricted = role('restricted', {
      fieldPermissions: [
        {
          id: 'fp-1',
          objectMetadataId: COMPANY.id,
          fieldMetadataId: fieldId(COMPANY, 'name'),
          canReadFieldValue: false,
          canUpdateFieldValue: false,
        },
      ],
    });
    const permissions = objectPermissionsOf(workspace([restricted]), 'restricted')[COMPANY.id];
    expect(permissions?.restrictedFields[fieldId(COMPANY, 'name')]).toEqual({
      canRead: true,
      canUpdate: false,
    });
  });
});
