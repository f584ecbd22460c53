import { describe, expect, it } from 'vitest';
import { buildCoreSchema } from '../../host/core-schema/build-schema.js';
import { fieldId, firstError, harness, objectId } from './fixture.test-support.js';

const CREATE_OBJECT = `
  mutation CreateObject($input: CreateOneObjectInput!) {
    createOneObject(input: $input) {
      id nameSingular labelPlural isSystem isActive
      fieldsList { name type isSystem isNullable }
    }
  }`;

const CREATE_FIELD = `
  mutation CreateField($input: CreateOneFieldMetadataInput!) {
    createOneField(input: $input) {
      id name label type options settings objectMetadataId
      relation { type targetObjectMetadata { nameSingular } targetFieldMetadata { name type } }
    }
  }`;

describe('createOneField', () => {
  it('adds a SELECT field with its options', async () => {
    const { run } = harness();
    const options = [
      { value: 'LOW', label: 'Low', position: 0, color: 'green' },
      { value: 'HIGH', label: 'High', position: 1, color: 'red' },
    ];
    const result = await run(CREATE_FIELD, {
      input: {
        field: {
          type: 'SELECT',
          name: 'priority',
          label: 'Priority',
          objectMetadataId: objectId('company'),
          options,
        },
      },
    });
    expect(result).toEqual({
      data: {
        createOneField: {
          id: 'id-1',
          name: 'priority',
          label: 'Priority',
          type: 'SELECT',
          options,
          settings: null,
          objectMetadataId: 'object-company',
          relation: null,
        },
      },
    });
  });

  it('creates both sides of a relation, visible in objects and in the core schema', async () => {
    const { run, state } = harness();
    await run(CREATE_OBJECT, {
      input: {
        object: {
          nameSingular: 'pet',
          namePlural: 'pets',
          labelSingular: 'Pet',
          labelPlural: 'Pets',
        },
      },
    });
    const petId = 'id-1';
    const result = await run(CREATE_FIELD, {
      input: {
        field: {
          type: 'RELATION',
          name: 'owner',
          label: 'Owner',
          objectMetadataId: petId,
          relationCreationPayload: {
            targetObjectMetadataId: objectId('person'),
            type: 'MANY_TO_ONE',
            targetFieldLabel: 'Pets',
            targetFieldIcon: 'IconDog',
          },
        },
      },
    });
    expect(result.data?.createOneField).toEqual({
      id: 'id-11',
      name: 'owner',
      label: 'Owner',
      type: 'RELATION',
      options: null,
      settings: { relationType: 'MANY_TO_ONE', onDelete: 'SET_NULL', joinColumnName: 'ownerId' },
      objectMetadataId: petId,
      relation: {
        type: 'MANY_TO_ONE',
        targetObjectMetadata: { nameSingular: 'person' },
        targetFieldMetadata: { name: 'pets', type: 'RELATION' },
      },
    });
    const listed = await run(
      `query { objects(paging: { first: 100 }, filter: { id: { in: ["${objectId('person')}"] } }) {
        edges { node { fieldsList { name relation { type targetObjectMetadata { nameSingular } } } } } } }`,
    );
    const personFields = (
      listed.data?.objects as { edges: { node: { fieldsList: { name: string }[] } }[] }
    ).edges[0]?.node.fieldsList;
    expect(personFields?.find((f) => f.name === 'pets')).toEqual({
      name: 'pets',
      relation: { type: 'ONE_TO_MANY', targetObjectMetadata: { nameSingular: 'pet' } },
    });
    const core = buildCoreSchema(state().objects);
    expect(core.getQueryType()?.getFields().pets).toBeDefined();
  });

  it("refuses a name already used, with Twenty's NOT_AVAILABLE error", async () => {
    const result = await harness().run(CREATE_FIELD, {
      input: {
        field: {
          type: 'TEXT',
          name: 'companyId',
          label: 'X',
          objectMetadataId: objectId('person'),
        },
      },
    });
    expect(firstError(result)?.extensions).toEqual({
      code: 'METADATA_VALIDATION_FAILED',
      errors: {
        fieldMetadata: [
          {
            errors: [
              {
                code: 'NOT_AVAILABLE',
                message: 'Name "companyId" is not available as it is already used by another field',
              },
            ],
          },
        ],
      },
    });
  });

  const select = (extra: Record<string, unknown>) => ({
    input: {
      field: {
        type: 'SELECT',
        name: 'tier',
        label: 'Tier',
        objectMetadataId: objectId('company'),
        ...extra,
      },
    },
  });

  const validationErrors = (result: Awaited<ReturnType<ReturnType<typeof harness>['run']>>) =>
    (firstError(result)?.extensions?.errors as { fieldMetadata: { errors: unknown[] }[] })
      .fieldMetadata[0]?.errors;

  it('refuses a SELECT field without options', async () => {
    const result = await harness().run(CREATE_FIELD, select({}));
    expect(firstError(result)?.message).toBe(
      'Multiple validation errors occurred while creating field',
    );
    expect(validationErrors(result)).toEqual([
      { code: 'INVALID_FIELD_INPUT', message: 'Options are required for enum fields' },
    ]);
  });

  it('refuses option values outside UPPER_SNAKE_CASE and an unknown default', async () => {
    const result = await harness().run(
      CREATE_FIELD,
      select({
        options: [
          { value: 'gold', label: 'Gold', position: 0 },
          { value: 'SILVER', label: 'Silver', position: 1 },
        ],
        defaultValue: "'BRONZE'",
      }),
    );
    expect(validationErrors(result)).toEqual([
      {
        code: 'INVALID_FIELD_INPUT',
        message: 'Value must be in UPPER_CASE and follow snake_case "gold"',
      },
      {
        code: 'INVALID_FIELD_INPUT',
        message: `Default value "'BRONZE'" must be one of the option values`,
      },
    ]);
  });

  it('accepts a quoted default among the options', async () => {
    const { run, state } = harness();
    const result = await run(
      CREATE_FIELD,
      select({
        options: [{ value: 'GOLD', label: 'Gold', position: 0 }],
        defaultValue: "'GOLD'",
      }),
    );
    expect(result.errors).toBeUndefined();
    const company = state().objects.find((o) => o.nameSingular === 'company');
    expect(company?.fields.find((f) => f.name === 'tier')?.defaultValue).toBe("'GOLD'");
  });
});

describe('updateOneField and deleteOneField', () => {
  it('updates a label and deactivates a field', async () => {
    const { run } = harness();
    const result = await run(
      `mutation { updateOneField(input: { id: "${fieldId('person', 'jobTitle')}",
        update: { label: "Role", isActive: false } }) { name label isActive } }`,
    );
    expect(result).toEqual({
      data: { updateOneField: { name: 'jobTitle', label: 'Role', isActive: false } },
    });
  });

  it('deletes both sides of a relation and the permissions naming them', async () => {
    const { run, state } = harness();
    const restricted = await run(
      `mutation { upsertFieldPermissions(upsertFieldPermissionsInput: { roleId: "role-member",
        fieldPermissions: [{ objectMetadataId: "${objectId('person')}",
          fieldMetadataId: "${fieldId('person', 'company')}", canReadFieldValue: false,
          canUpdateFieldValue: null }] }) { id } }`,
    );
    expect(restricted.errors).toBeUndefined();
    expect(state().roles.find((r) => r.id === 'role-member')?.fieldPermissions).toHaveLength(2);
    const result = await run(
      `mutation { deleteOneField(input: { id: "${fieldId('person', 'company')}" }) { name } }`,
    );
    expect(result).toEqual({ data: { deleteOneField: { name: 'company' } } });
    const names = state().objects.flatMap((o) =>
      o.fields.map((f) => `${o.nameSingular}.${f.name}`),
    );
    expect(names).not.toContain('person.company');
    expect(names).not.toContain('company.people');
    expect(state().roles.find((r) => r.id === 'role-member')?.fieldPermissions).toEqual([]);
  });

  it('refuses to delete a system field', async () => {
    const result = await harness().run(
      `mutation { deleteOneField(input: { id: "${fieldId('person', 'createdAt')}" }) { name } }`,
    );
    expect(firstError(result)?.extensions?.code).toBe('METADATA_VALIDATION_FAILED');
  });
});
