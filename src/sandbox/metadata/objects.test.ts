import { describe, expect, it } from 'vitest';
import { buildCoreSchema } from '../../host/core-schema/build-schema.js';
import { firstError, harness } from './fixture.test-support.js';

const OBJECTS = `
  query Objects($paging: CursorPaging!, $filter: ObjectFilter!) {
    objects(paging: $paging, filter: $filter) {
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id nameSingular namePlural isActive isSystem
        labelIdentifierFieldMetadataId } }
    }
  }`;

const CREATE_OBJECT = `
  mutation CreateObject($input: CreateOneObjectInput!) {
    createOneObject(input: $input) {
      id nameSingular labelPlural isSystem isActive
      fieldsList { name type isSystem isNullable }
    }
  }`;

describe('objects', () => {
  it('pages and filters objects as a nestjs-query connection', async () => {
    const result = await harness().run(OBJECTS, {
      paging: { first: 2 },
      filter: { isSystem: { is: false } },
    });
    expect(result).toEqual({
      data: {
        objects: {
          pageInfo: {
            hasNextPage: true,
            hasPreviousPage: false,
            startCursor: 'YXJyYXljb25uZWN0aW9uOjA=',
            endCursor: 'YXJyYXljb25uZWN0aW9uOjE=',
          },
          edges: [
            {
              cursor: 'YXJyYXljb25uZWN0aW9uOjA=',
              node: {
                id: 'object-company',
                nameSingular: 'company',
                namePlural: 'companies',
                isActive: true,
                isSystem: false,
                labelIdentifierFieldMetadataId: 'field-company-name',
              },
            },
            {
              cursor: 'YXJyYXljb25uZWN0aW9uOjE=',
              node: {
                id: 'object-person',
                nameSingular: 'person',
                namePlural: 'people',
                isActive: true,
                isSystem: false,
                labelIdentifierFieldMetadataId: 'field-person-name',
              },
            },
          ],
        },
      },
    });
  });

  it('continues after a cursor', async () => {
    const result = await harness().run(OBJECTS, {
      paging: { first: 10, after: 'YXJyYXljb25uZWN0aW9uOjE=' },
      filter: { isSystem: { is: false } },
    });
    const names = (result.data?.objects as { edges: { node: { nameSingular: string } }[] }).edges;
    expect(names.map((edge) => edge.node.nameSingular)).toEqual(['opportunity', 'task']);
  });

  it('refuses a filter operator it does not evaluate', async () => {
    const result = await harness().run(OBJECTS, {
      paging: { first: 1 },
      filter: { id: { like: 'object-%' } },
    });
    expect(firstError(result)?.extensions).toEqual({ code: 'NOT_IMPLEMENTED' });
  });

  it('reads one object with its fields and relations', async () => {
    const result = await harness().run(
      `query { object(id: "object-opportunity") {
        nameSingular
        fields(paging: { first: 1 }, filter: { isSystem: { is: false } }) { edges { node { name } } }
        fieldsList { name relation { type targetObjectMetadata { nameSingular } targetFieldMetadata { name } } }
      } }`,
    );
    const object = result.data?.object as {
      fields: unknown;
      fieldsList: { name: string; relation: unknown }[];
    };
    expect(object.fields).toEqual({ edges: [{ node: { name: 'name' } }] });
    expect(object.fieldsList.find((field) => field.name === 'company')).toEqual({
      name: 'company',
      relation: {
        type: 'MANY_TO_ONE',
        targetObjectMetadata: { nameSingular: 'company' },
        targetFieldMetadata: { name: 'opportunities' },
      },
    });
  });

  it('answers NOT_FOUND for an unknown object', async () => {
    const result = await harness().run('query { object(id: "object-nope") { id } }');
    expect(firstError(result)).toEqual({
      message: 'Object does not exist',
      extensions: { code: 'NOT_FOUND', subCode: 'OBJECT_METADATA_NOT_FOUND' },
    });
  });
});

describe('createOneObject', () => {
  const pet = {
    object: { nameSingular: 'pet', namePlural: 'pets', labelSingular: 'Pet', labelPlural: 'Pets' },
  };

  it("creates a custom object with Twenty's default fields", async () => {
    const { run } = harness();
    const result = await run(CREATE_OBJECT, { input: pet });
    expect(result).toEqual({
      data: {
        createOneObject: {
          id: 'id-1',
          nameSingular: 'pet',
          labelPlural: 'Pets',
          isSystem: false,
          isActive: true,
          fieldsList: [
            { name: 'name', type: 'TEXT', isSystem: false, isNullable: true },
            { name: 'id', type: 'UUID', isSystem: true, isNullable: false },
            { name: 'createdAt', type: 'DATE_TIME', isSystem: true, isNullable: false },
            { name: 'updatedAt', type: 'DATE_TIME', isSystem: true, isNullable: false },
            { name: 'deletedAt', type: 'DATE_TIME', isSystem: true, isNullable: true },
            { name: 'createdBy', type: 'ACTOR', isSystem: true, isNullable: false },
            { name: 'updatedBy', type: 'ACTOR', isSystem: true, isNullable: false },
            { name: 'position', type: 'POSITION', isSystem: true, isNullable: true },
            { name: 'searchVector', type: 'TS_VECTOR', isSystem: true, isNullable: true },
          ],
        },
      },
    });
  });

  it('lists the new object in objects and serves it in the core schema', async () => {
    const { run, state } = harness();
    await run(CREATE_OBJECT, { input: pet });
    const listed = await run(OBJECTS, {
      paging: { first: 10 },
      filter: { id: { eq: 'id-1' } },
    });
    const edges = (listed.data?.objects as { edges: { node: { nameSingular: string } }[] }).edges;
    expect(edges.map((edge) => edge.node.nameSingular)).toEqual(['pet']);
    const core = buildCoreSchema(state().objects);
    expect(Object.keys(core.getMutationType()?.getFields() ?? {})).toContain('createPet');
  });

  it('leaves the name field out with skipNameField', async () => {
    const { run, state } = harness();
    await run(CREATE_OBJECT, { input: { object: { ...pet.object, skipNameField: true } } });
    const created = state().objects.find((object) => object.nameSingular === 'pet');
    expect(created?.fields.map((field) => field.name)).not.toContain('name');
  });

  it('refuses a name another object already uses', async () => {
    const { run } = harness();
    const input = { object: { ...pet.object, nameSingular: 'company', namePlural: 'firms' } };
    const result = await run(CREATE_OBJECT, { input });
    expect(firstError(result)).toEqual({
      message: 'Multiple validation errors occurred while creating object',
      extensions: {
        code: 'METADATA_VALIDATION_FAILED',
        errors: {
          objectMetadata: [
            {
              errors: [
                { code: 'INVALID_OBJECT_INPUT', message: 'Name "company" is not available' },
              ],
            },
          ],
        },
      },
    });
  });
});
