import { describe, expect, it } from 'vitest';
import type { WorkspaceState } from '../workspace.js';
import {
  ADMIN_ROLE,
  BOB,
  MEMBER_ROLE,
  asMember,
  fieldId,
  firstError,
  harness,
  objectId,
} from './fixture.test-support.js';

const UPSERT_OBJECT = `
  mutation Upsert($input: UpsertObjectPermissionsInput!) {
    upsertObjectPermissions(upsertObjectPermissionsInput: $input) {
      objectMetadataId canReadObjectRecords canUpdateObjectRecords
      canSoftDeleteObjectRecords canDestroyObjectRecords restrictedFields
    }
  }`;

const UPSERT_FIELD = `
  mutation Upsert($input: UpsertFieldPermissionsInput!) {
    upsertFieldPermissions(upsertFieldPermissionsInput: $input) {
      objectMetadataId fieldMetadataId roleId canReadFieldValue canUpdateFieldValue
    }
  }`;

const EFFECTIVE = `
  query { currentUser { currentUserWorkspace { objectsPermissions {
    objectMetadataId canReadObjectRecords restrictedFields rowLevelPermissionPredicates { id }
  } } } }`;

const opportunity = objectId('opportunity');

describe('upsertObjectPermissions', () => {
  it('stores the permission and merges later changes into it', async () => {
    const { run } = harness();
    const input = (permission: Record<string, unknown>) => ({
      roleId: MEMBER_ROLE.id,
      objectPermissions: [{ objectMetadataId: opportunity, ...permission }],
    });
    await run(UPSERT_OBJECT, {
      input: input({ canReadObjectRecords: true, canUpdateObjectRecords: false }),
    });
    const result = await run(UPSERT_OBJECT, { input: input({ canDestroyObjectRecords: false }) });
    expect(result).toEqual({
      data: {
        upsertObjectPermissions: [
          {
            objectMetadataId: opportunity,
            canReadObjectRecords: true,
            canUpdateObjectRecords: false,
            canSoftDeleteObjectRecords: null,
            canDestroyObjectRecords: false,
            restrictedFields: {},
          },
        ],
      },
    });
  });

  it('refuses write access on an object the role cannot read', async () => {
    const result = await harness().run(UPSERT_OBJECT, {
      input: {
        roleId: MEMBER_ROLE.id,
        objectPermissions: [{ objectMetadataId: opportunity, canReadObjectRecords: false }],
      },
    });
    expect(firstError(result)?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      subCode: 'CANNOT_GIVE_WRITING_PERMISSION_ON_NON_READABLE_OBJECT',
      userFriendlyMessage:
        'You cannot grant edit permissions without also granting read permissions. Please enable read access first.',
    });
  });

  it("replaces the role's whole set: an object the next call leaves out loses its own permission", async () => {
    const { run, state } = harness();
    const company = objectId('company');
    const only = (objectMetadataId: string) => ({
      input: {
        roleId: MEMBER_ROLE.id,
        objectPermissions: [
          { objectMetadataId, canReadObjectRecords: true, canUpdateObjectRecords: false },
        ],
      },
    });
    await run(UPSERT_OBJECT, only(opportunity));
    await run(UPSERT_OBJECT, only(company));
    expect(
      state()
        .roles.find((r) => r.id === MEMBER_ROLE.id)
        ?.objectPermissions.map((p) => p.objectMetadataId),
    ).toEqual([company]);
  });

  it('checks the input before the role: a system object on the Admin role is refused as such, a real change as a builder failure', async () => {
    const { run } = harness();
    const onAdmin = (objectMetadataId: string) => ({
      input: {
        roleId: ADMIN_ROLE.id,
        objectPermissions: [
          { objectMetadataId, canReadObjectRecords: true, canUpdateObjectRecords: false },
        ],
      },
    });
    const system = await run(UPSERT_OBJECT, onAdmin(objectId('workspaceMember')));
    expect(firstError(system)?.extensions?.subCode).toBe(
      'CANNOT_ADD_OBJECT_PERMISSION_ON_SYSTEM_OBJECT',
    );
    const unknown = await run(UPSERT_OBJECT, onAdmin('no-such-object'));
    expect(firstError(unknown)).toMatchObject({
      message: 'Object metadata id not found',
      extensions: { code: 'NOT_FOUND', subCode: 'OBJECT_METADATA_NOT_FOUND_PERMISSIONS' },
    });
    const change = await run(UPSERT_OBJECT, onAdmin(opportunity));
    expect(firstError(change)).toMatchObject({
      message: 'Validation errors occurred while upserting object permissions',
      extensions: {
        code: 'METADATA_VALIDATION_FAILED',
        errors: { objectPermission: [{ errors: [{ code: 'ROLE_NOT_EDITABLE' }] }] },
      },
    });
  });

  it('refuses permissions on a system object', async () => {
    const result = await harness().run(UPSERT_OBJECT, {
      input: {
        roleId: MEMBER_ROLE.id,
        objectPermissions: [
          { objectMetadataId: objectId('workspaceMember'), canReadObjectRecords: true },
        ],
      },
    });
    expect(firstError(result)).toEqual({
      message: 'Cannot add object permission on system object',
      extensions: {
        code: 'FORBIDDEN',
        subCode: 'CANNOT_ADD_OBJECT_PERMISSION_ON_SYSTEM_OBJECT',
        userFriendlyMessage:
          'You cannot set permissions on system objects as they are managed by the platform.',
      },
    });
  });
});

describe('upsertFieldPermissions', () => {
  const amount = fieldId('opportunity', 'amount');
  const closeDate = fieldId('opportunity', 'closeDate');
  const entry = (field: string, read: boolean | null, update: boolean | null) => ({
    objectMetadataId: opportunity,
    fieldMetadataId: field,
    canReadFieldValue: read,
    canUpdateFieldValue: update,
  });
  const upsert = (...fieldPermissions: Record<string, unknown>[]) => ({
    input: { roleId: MEMBER_ROLE.id, fieldPermissions },
  });
  const stored = (state: () => WorkspaceState) =>
    state()
      .roles.find((r) => r.id === MEMBER_ROLE.id)
      ?.fieldPermissions.map((p) => [
        p.fieldMetadataId,
        p.canReadFieldValue,
        p.canUpdateFieldValue,
      ]);

  it('stores a restriction as a deny-list row', async () => {
    const result = await harness().run(UPSERT_FIELD, upsert(entry(amount, false, null)));
    expect(result).toEqual({
      data: {
        upsertFieldPermissions: [
          {
            objectMetadataId: opportunity,
            fieldMetadataId: amount,
            roleId: MEMBER_ROLE.id,
            canReadFieldValue: false,
            canUpdateFieldValue: null,
          },
        ],
      },
    });
  });

  it('refuses to grant, since field permissions only restrict', async () => {
    const result = await harness().run(UPSERT_FIELD, upsert(entry(amount, false, true)));
    expect(firstError(result)).toEqual({
      message: 'Field permission can only introduce a restriction',
      extensions: {
        code: 'BAD_USER_INPUT',
        subCode: 'ONLY_FIELD_RESTRICTION_ALLOWED',
        userFriendlyMessage:
          'Field permissions can only be used to restrict access, not to grant additional permissions.',
      },
    });
  });

  it('refuses an entry that leaves a value out, which 2.43 reads as a grant', async () => {
    const { run, state } = harness();
    const result = await run(
      UPSERT_FIELD,
      upsert({ objectMetadataId: opportunity, fieldMetadataId: amount, canReadFieldValue: false }),
    );
    expect(firstError(result)?.extensions?.subCode).toBe('ONLY_FIELD_RESTRICTION_ALLOWED');
    expect(stored(state)).toEqual([]);
  });

  it("replaces the role's whole set: a field the input leaves out loses its restriction", async () => {
    const { run, state } = harness();
    await run(UPSERT_FIELD, upsert(entry(amount, false, false)));
    await run(UPSERT_FIELD, upsert(entry(closeDate, null, false)));
    expect(stored(state)).toEqual([[closeDate, null, false]]);
  });

  it('drops a row whose two values are lifted, and keeps a stored false the entry sends as null', async () => {
    const { run, state } = harness();
    await run(UPSERT_FIELD, upsert(entry(amount, false, false), entry(closeDate, false, null)));
    const result = await run(
      UPSERT_FIELD,
      upsert(entry(amount, null, null), entry(closeDate, null, false)),
    );
    expect(result.errors).toBeUndefined();
    expect(stored(state)).toEqual([[closeDate, false, false]]);
  });

  it('refuses two entries for one field, and an unknown field or object, storing nothing', async () => {
    const { run, state } = harness();
    const twice = await run(
      UPSERT_FIELD,
      upsert(entry(amount, false, null), entry(amount, null, false)),
    );
    expect(firstError(twice)).toEqual({
      message: `Cannot accept more than one fieldPermission for field ${amount} in input.`,
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const noField = await run(UPSERT_FIELD, upsert(entry('no-such-field', false, false)));
    expect(firstError(noField)).toEqual({
      message: 'Field metadata not found',
      extensions: {
        code: 'NOT_FOUND',
        subCode: 'FIELD_METADATA_NOT_FOUND',
        userFriendlyMessage:
          'The field you are trying to set permissions for could not be found. It may have been deleted.',
      },
    });
    const noObject = await run(
      UPSERT_FIELD,
      upsert({ ...entry(amount, false, false), objectMetadataId: 'no-such-object' }),
    );
    expect(firstError(noObject)?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      subCode: 'OBJECT_METADATA_NOT_FOUND_PERMISSIONS',
    });
    expect(stored(state)).toEqual([]);
  });

  it('refuses a field of a system object', async () => {
    const result = await harness().run(
      UPSERT_FIELD,
      upsert({
        ...entry(fieldId('workspaceMember', 'userEmail'), false, false),
        objectMetadataId: objectId('workspaceMember'),
      }),
    );
    expect(firstError(result)).toEqual({
      message: 'Cannot add field permission on system object',
      extensions: {
        code: 'FORBIDDEN',
        subCode: 'CANNOT_ADD_FIELD_PERMISSION_ON_SYSTEM_OBJECT',
        userFriendlyMessage:
          'You cannot set field permissions on system objects as they are managed by the platform.',
      },
    });
  });

  it('refuses a change to a role that is not editable, after the input checks, but answers a call that changes nothing', async () => {
    const { run } = harness();
    const onAdmin = (...fieldPermissions: Record<string, unknown>[]) => ({
      input: { roleId: ADMIN_ROLE.id, fieldPermissions },
    });
    const changed = await run(UPSERT_FIELD, onAdmin(entry(amount, false, false)));
    expect(firstError(changed)).toMatchObject({
      message: 'Validation errors occurred while upserting field permissions',
      extensions: {
        code: 'METADATA_VALIDATION_FAILED',
        errors: { fieldPermission: [{ errors: [{ code: 'ROLE_NOT_EDITABLE' }] }] },
      },
    });
    const granting = await run(UPSERT_FIELD, onAdmin(entry(amount, true, false)));
    expect(firstError(granting)?.extensions?.subCode).toBe('ONLY_FIELD_RESTRICTION_ALLOWED');
    expect(await run(UPSERT_FIELD, onAdmin(entry(amount, null, null)))).toEqual({
      data: { upsertFieldPermissions: [] },
    });
  });

  it("copies a relation field's restriction to the other side, and refuses the two sides disagreeing", async () => {
    const { run, state } = harness();
    const company = fieldId('opportunity', 'company');
    const opportunities = fieldId('company', 'opportunities');
    await run(UPSERT_FIELD, upsert(entry(company, false, false)));
    expect(stored(state)).toEqual([
      [company, false, false],
      [opportunities, false, false],
    ]);
    const disagreeing = await run(
      UPSERT_FIELD,
      upsert(entry(company, false, false), {
        objectMetadataId: objectId('company'),
        fieldMetadataId: opportunities,
        canReadFieldValue: null,
        canUpdateFieldValue: false,
      }),
    );
    expect(firstError(disagreeing)).toEqual({
      message: 'Conflicting field permissions found for relation target field',
      extensions: {
        code: 'BAD_USER_INPUT',
        userFriendlyMessage:
          'Contradicting field permissions have been detected on a relation field.',
      },
    });
  });

  it('stores a read restriction on the label identifier but does not enforce it', async () => {
    const { run } = harness();
    const name = fieldId('opportunity', 'name');
    const result = await run(
      UPSERT_FIELD,
      upsert(entry(name, false, false), entry(amount, false, null)),
    );
    expect(result.errors).toBeUndefined();
    const effective = await run(EFFECTIVE, {}, asMember(BOB));
    const permissions = (
      effective.data?.currentUser as {
        currentUserWorkspace: { objectsPermissions: { objectMetadataId: string }[] };
      }
    ).currentUserWorkspace.objectsPermissions.find((p) => p.objectMetadataId === opportunity);
    expect(permissions).toEqual({
      objectMetadataId: opportunity,
      canReadObjectRecords: true,
      restrictedFields: { [name]: { canUpdate: false }, [amount]: { canRead: false } },
      rowLevelPermissionPredicates: [],
    });
  });
});

const UPSERT_FLAGS = `
  mutation Flags($input: UpsertPermissionFlagsInput!) {
    upsertPermissionFlags(upsertPermissionFlagsInput: $input) { roleId flag }
  }`;

describe('upsertPermissionFlags', () => {
  it("makes the role's flags exactly the keys given, and the role then passes those settings checks", async () => {
    const { run, state } = harness();
    const flags = (keys: string[]) =>
      run(UPSERT_FLAGS, { input: { roleId: MEMBER_ROLE.id, permissionFlagKeys: keys } });
    const createField = () =>
      run(
        `mutation { createOneField(input: { field: { objectMetadataId: "${opportunity}", type: TEXT, name: "note", label: "Note" } }) { name } }`,
        {},
        asMember(BOB),
      );
    expect(firstError(await createField())?.extensions?.code).toBe('FORBIDDEN');

    await flags(['ROLES', 'WORKSPACE_MEMBERS']);
    expect(await flags(['DATA_MODEL', 'ROLES', 'DATA_MODEL'])).toEqual({
      data: {
        upsertPermissionFlags: [
          { roleId: MEMBER_ROLE.id, flag: 'DATA_MODEL' },
          { roleId: MEMBER_ROLE.id, flag: 'ROLES' },
        ],
      },
    });
    expect(state().roles.find((r) => r.id === MEMBER_ROLE.id)?.permissionFlags).toEqual([
      'DATA_MODEL',
      'ROLES',
    ]);
    expect(await createField()).toEqual({ data: { createOneField: { name: 'note' } } });
  });

  it('refuses a flag Twenty does not have, and a caller without the ROLES flag', async () => {
    const { run } = harness();
    const unknown = await run(UPSERT_FLAGS, {
      input: { roleId: MEMBER_ROLE.id, permissionFlagKeys: ['ROLES', 'TELEPORT'] },
    });
    expect(firstError(unknown)?.message).toBe('Invalid permission flag TELEPORT');
    const denied = await run(
      UPSERT_FLAGS,
      { input: { roleId: MEMBER_ROLE.id, permissionFlagKeys: ['ROLES'] } },
      asMember(BOB),
    );
    expect(firstError(denied)?.extensions?.code).toBe('FORBIDDEN');
  });
});
