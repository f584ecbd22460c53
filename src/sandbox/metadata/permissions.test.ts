import { describe, expect, it } from 'vitest';
import {
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
      extensions: { code: 'FORBIDDEN', subCode: 'CANNOT_ADD_OBJECT_PERMISSION_ON_SYSTEM_OBJECT' },
    });
  });
});

describe('upsertFieldPermissions', () => {
  const amount = fieldId('opportunity', 'amount');
  const restrict = (permission: Record<string, unknown>) => ({
    input: {
      roleId: MEMBER_ROLE.id,
      fieldPermissions: [{ objectMetadataId: opportunity, fieldMetadataId: amount, ...permission }],
    },
  });

  it('stores a restriction as a deny-list row', async () => {
    const result = await harness().run(UPSERT_FIELD, restrict({ canReadFieldValue: false }));
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
    const result = await harness().run(UPSERT_FIELD, restrict({ canUpdateFieldValue: true }));
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

  it('deletes the row once both values are lifted', async () => {
    const { run, state } = harness();
    await run(UPSERT_FIELD, restrict({ canReadFieldValue: false }));
    const result = await run(UPSERT_FIELD, restrict({ canReadFieldValue: null }));
    expect(result).toEqual({ data: { upsertFieldPermissions: [] } });
    expect(state().roles.find((r) => r.id === MEMBER_ROLE.id)?.fieldPermissions).toEqual([]);
  });

  it("copies a relation field's restriction to the other side", async () => {
    const { run, state } = harness();
    await run(UPSERT_FIELD, {
      input: {
        roleId: MEMBER_ROLE.id,
        fieldPermissions: [
          {
            objectMetadataId: opportunity,
            fieldMetadataId: fieldId('opportunity', 'company'),
            canReadFieldValue: false,
          },
        ],
      },
    });
    const stored = state().roles.find((r) => r.id === MEMBER_ROLE.id)?.fieldPermissions;
    expect(stored?.map((p) => [p.fieldMetadataId, p.canReadFieldValue])).toEqual([
      [fieldId('opportunity', 'company'), false],
      [fieldId('company', 'opportunities'), false],
    ]);
  });

  it('stores a read restriction on the label identifier but does not enforce it', async () => {
    const { run } = harness();
    const name = fieldId('opportunity', 'name');
    const stored = await run(UPSERT_FIELD, {
      input: {
        roleId: MEMBER_ROLE.id,
        fieldPermissions: [
          {
            objectMetadataId: opportunity,
            fieldMetadataId: name,
            canReadFieldValue: false,
            canUpdateFieldValue: false,
          },
          { objectMetadataId: opportunity, fieldMetadataId: amount, canReadFieldValue: false },
        ],
      },
    });
    expect(stored.errors).toBeUndefined();
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
