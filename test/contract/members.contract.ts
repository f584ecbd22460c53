/**
 * Contract: field permissions as 2.43's `upsertFieldPermissions` takes them (repo
 * `object-permission/field-permission/field-permission.service.ts` and the builder's
 * `flat-field-permission-validator.service.ts`), and custom fields on the system object
 * workspaceMember (repo `field-metadata/field-metadata.resolver.ts`,
 * `flat-field-metadata/utils/from-create-field-input-to-flat-field-metadatas-to-create.util.ts`,
 * the builder's `flat-field-metadata-validator.service.ts`: nothing refuses a field on a system
 * object). Writing such a field follows the role's permission on workspaceMember, which is the
 * WORKSPACE_MEMBERS flag (`workspace-roles-permissions-cache.service.ts`); the update hook's
 * skip for custom fields (`workspace-member-update-one.pre-query.hook.ts`) does not lift that.
 *
 * The refusals run against a role that is not editable (the Admin role): 2.43 checks the input
 * before the role, so each refusal is the one named, and on a live workspace nothing is written
 * even if a host let one through.
 */
import { describe, expect } from 'vitest';
import { type Host, type HostOpener, type Variables, failure } from './harness.js';

const UPSERT_FIELD = `mutation Upsert($input: UpsertFieldPermissionsInput!) {
  upsertFieldPermissions(upsertFieldPermissionsInput: $input) {
    objectMetadataId fieldMetadataId canReadFieldValue canUpdateFieldValue
  }
}`;

const ROLES = 'query Roles { getRoles { id label isEditable } }';

interface Role {
  readonly id: string;
  readonly label: string;
  readonly isEditable: boolean;
}

async function roles(host: Host): Promise<Role[]> {
  return (await host.adminMetadata.request<{ getRoles: Role[] }>(ROLES)).getRoles;
}

async function role(host: Host, editable: boolean): Promise<Role> {
  const found = (await roles(host)).find((r) => r.isEditable === editable);
  if (found === undefined) {
    throw new Error(`the workspace has no ${editable ? 'editable' : 'non-editable'} role`);
  }
  return found;
}

function entry(
  objectMetadataId: string,
  fieldMetadataId: string,
  read: boolean | null,
  update: boolean | null,
): Variables {
  return {
    objectMetadataId,
    fieldMetadataId,
    canReadFieldValue: read,
    canUpdateFieldValue: update,
  };
}

const upsert = (host: Host, roleId: string, ...fieldPermissions: Variables[]) =>
  host.adminMetadata.request<{
    upsertFieldPermissions: { fieldMetadataId: string; canReadFieldValue: boolean | null }[];
  }>(UPSERT_FIELD, { input: { roleId, fieldPermissions } });

export function membersContract(hosts: HostOpener): void {
  describe('field permissions and workspace members', () => {
    hosts.it('refuses a field permission that grants, or that leaves a value out', async () => {
      const host = await hosts.open();
      const admin = await role(host, false);
      const person = await host.objectId('person');
      const jobTitle = await host.fieldId('person', 'jobTitle');
      const granting = await failure(upsert(host, admin.id, entry(person, jobTitle, false, true)));
      expect(granting.has('BAD_USER_INPUT')).toBe(true);
      expect(granting.has('ONLY_FIELD_RESTRICTION_ALLOWED')).toBe(true);
      expect(granting.message).toContain('Field permission can only introduce a restriction');
      const partial = await failure(
        upsert(host, admin.id, {
          objectMetadataId: person,
          fieldMetadataId: jobTitle,
          canReadFieldValue: false,
        }),
      );
      expect(partial.has('ONLY_FIELD_RESTRICTION_ALLOWED')).toBe(true);
    });

    hosts.it('refuses two entries for one field in a call', async () => {
      const host = await hosts.open();
      const admin = await role(host, false);
      const person = await host.objectId('person');
      const jobTitle = await host.fieldId('person', 'jobTitle');
      const error = await failure(
        upsert(
          host,
          admin.id,
          entry(person, jobTitle, false, false),
          entry(person, jobTitle, null, false),
        ),
      );
      expect(error.has('BAD_USER_INPUT')).toBe(true);
      expect(error.message).toContain(
        `Cannot accept more than one fieldPermission for field ${jobTitle} in input.`,
      );
    });

    hosts.it('refuses an unknown object or field, and a field of a system object', async () => {
      const host = await hosts.open();
      const admin = await role(host, false);
      const person = await host.objectId('person');
      const jobTitle = await host.fieldId('person', 'jobTitle');
      const unknown = '2f6e1a52-5d3c-4b7e-9a1f-0c8d7e6b5a49';
      const noObject = await failure(
        upsert(host, admin.id, entry(unknown, jobTitle, false, false)),
      );
      expect(noObject.has('OBJECT_METADATA_NOT_FOUND_PERMISSIONS')).toBe(true);
      expect(noObject.message).toContain('Object metadata not found');
      const noField = await failure(upsert(host, admin.id, entry(person, unknown, false, false)));
      expect(noField.has('FIELD_METADATA_NOT_FOUND')).toBe(true);
      expect(noField.message).toContain('Field metadata not found');
      const member = await host.objectId('workspaceMember');
      const email = await host.fieldId('workspaceMember', 'userEmail');
      const system = await failure(upsert(host, admin.id, entry(member, email, false, false)));
      expect(system.has('FORBIDDEN')).toBe(true);
      expect(system.has('CANNOT_ADD_FIELD_PERMISSION_ON_SYSTEM_OBJECT')).toBe(true);
      expect(system.message).toContain('Cannot add field permission on system object');
    });

    hosts.it('refuses the two sides of a relation disagreeing', async () => {
      const host = await hosts.open();
      const admin = await role(host, false);
      const error = await failure(
        upsert(
          host,
          admin.id,
          entry(
            await host.objectId('person'),
            await host.fieldId('person', 'company'),
            false,
            false,
          ),
          entry(
            await host.objectId('company'),
            await host.fieldId('company', 'people'),
            null,
            false,
          ),
        ),
      );
      expect(error.has('BAD_USER_INPUT')).toBe(true);
      expect(error.message).toContain(
        'Conflicting field permissions found for relation target field',
      );
    });

    hosts.it('refuses a restriction on a role that is not editable', async () => {
      const host = await hosts.open();
      const admin = await role(host, false);
      const error = await failure(
        upsert(
          host,
          admin.id,
          entry(
            await host.objectId('person'),
            await host.fieldId('person', 'jobTitle'),
            false,
            false,
          ),
        ),
      );
      expect(error.has('METADATA_VALIDATION_FAILED')).toBe(true);
      expect(error.message).toContain(
        'Validation errors occurred while upserting field permissions',
      );
    });

    hosts.it(
      'refuses object permissions that write without reading, or on a system object, before looking at the role',
      async () => {
        const host = await hosts.open();
        const admin = await role(host, false);
        const objectPermissions = (objectMetadataId: string, read: boolean, update: boolean) =>
          host.adminMetadata.request(
            `mutation O($input: UpsertObjectPermissionsInput!) {
              upsertObjectPermissions(upsertObjectPermissionsInput: $input) { objectMetadataId }
            }`,
            {
              input: {
                roleId: admin.id,
                objectPermissions: [
                  { objectMetadataId, canReadObjectRecords: read, canUpdateObjectRecords: update },
                ],
              },
            },
          );
        const blind = await failure(objectPermissions(await host.objectId('person'), false, true));
        expect(blind.has('BAD_USER_INPUT')).toBe(true);
        expect(blind.has('CANNOT_GIVE_WRITING_PERMISSION_ON_NON_READABLE_OBJECT')).toBe(true);
        expect(blind.message).toContain('Cannot give update permission to non-readable object');
        const system = await failure(
          objectPermissions(await host.objectId('workspaceMember'), true, false),
        );
        expect(system.has('FORBIDDEN')).toBe(true);
        expect(system.has('CANNOT_ADD_OBJECT_PERMISSION_ON_SYSTEM_OBJECT')).toBe(true);
      },
    );

    const { it } = hosts.needs('freshHost');

    it("replaces the role's whole set: a restriction the next call leaves out is lifted", async () => {
      const host = await hosts.open();
      const member = await role(host, true);
      const person = await host.objectId('person');
      const jobTitle = await host.fieldId('person', 'jobTitle');
      const city = await host.fieldId('person', 'city');
      await upsert(host, member.id, entry(person, jobTitle, false, false));
      const second = await upsert(host, member.id, entry(person, city, null, false));
      expect(second.upsertFieldPermissions.map((p) => p.fieldMetadataId)).toEqual([city]);
      const roleFields = await host.adminMetadata.request<{
        getRoles: { id: string; fieldPermissions: { fieldMetadataId: string }[] }[];
      }>('query R { getRoles { id fieldPermissions { fieldMetadataId } } }');
      const stored = roleFields.getRoles.find((r) => r.id === member.id)?.fieldPermissions;
      expect(stored?.map((p) => p.fieldMetadataId)).toEqual([city]);
    });

    it("replaces the role's whole set of object permissions: an object the next call leaves out falls back to the role's switches", async () => {
      const host = await hosts.open();
      const member = await role(host, true);
      const only = (objectMetadataId: string) =>
        host.adminMetadata.request(
          `mutation O($input: UpsertObjectPermissionsInput!) {
            upsertObjectPermissions(upsertObjectPermissionsInput: $input) { objectMetadataId }
          }`,
          {
            input: {
              roleId: member.id,
              objectPermissions: [
                { objectMetadataId, canReadObjectRecords: true, canUpdateObjectRecords: false },
              ],
            },
          },
        );
      const company = await host.objectId('company');
      await only(await host.objectId('opportunity'));
      await only(company);
      const read = await host.adminMetadata.request<{
        getRoles: { id: string; objectPermissions: { objectMetadataId: string }[] }[];
      }>('query R { getRoles { id objectPermissions { objectMetadataId } } }');
      const stored = read.getRoles.find((r) => r.id === member.id)?.objectPermissions;
      expect(stored?.map((p) => p.objectMetadataId)).toEqual([company]);
    });

    it('lets an API key add a custom field to workspaceMember, read back on every member', async () => {
      const host = await hosts.open();
      const objectMetadataId = await host.objectId('workspaceMember');
      const created = await host.adminMetadata.request<{
        createOneField: { name: string; isSystem: boolean };
      }>(
        `mutation F($input: CreateOneFieldMetadataInput!) {
          createOneField(input: $input) { name isSystem }
        }`,
        {
          input: {
            field: {
              objectMetadataId,
              type: 'TEXT',
              name: 'contractProbe',
              label: 'Contract probe',
            },
          },
        },
      );
      expect(created.createOneField).toEqual({ name: 'contractProbe', isSystem: false });
      const members = await host.adminCore.request<{
        workspaceMembers: { edges: { node: { id: string; contractProbe: string | null } }[] };
      }>('query M { workspaceMembers(first: 5) { edges { node { id contractProbe } } } }');
      expect(members.workspaceMembers.edges.length).toBeGreaterThan(0);
      expect(members.workspaceMembers.edges.every((e) => e.node.contractProbe === null)).toBe(true);
    });

    hosts
      .needs('freshHost', 'memberTokens')
      .it(
        'refuses a member without WORKSPACE_MEMBERS a custom field of workspaceMember, their own included, while the admin key writes it',
        async () => {
          const host = await hosts.open();
          const objectMetadataId = await host.objectId('workspaceMember');
          await host.adminMetadata.request(
            `mutation F($input: CreateOneFieldMetadataInput!) { createOneField(input: $input) { name } }`,
            {
              input: {
                field: {
                  objectMetadataId,
                  type: 'TEXT',
                  name: 'contractTier',
                  label: 'Contract tier',
                },
              },
            },
          );
          const write =
            'mutation U($id: UUID!) { updateWorkspaceMember(id: $id, data: { contractTier: "director" }) { id contractTier } }';
          const writer = host.member(0);
          for (const id of [writer.id, host.member(1).id]) {
            const refused = await failure(host.core(writer.token).request(write, { id }));
            expect(refused.has('FORBIDDEN')).toBe(true);
          }
          const target = host.member(1).id;
          await expect(host.adminCore.request(write, { id: target })).resolves.toEqual({
            updateWorkspaceMember: { id: target, contractTier: 'director' },
          });
        },
      );
  });
}
