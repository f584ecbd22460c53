import {
  assertValidSchema,
  isEnumType,
  isInputObjectType,
  isObjectType,
  parse,
  validate,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildCoreSchema } from './build-schema.js';
import type { ObjectMetadata } from './object-metadata.js';
import { STANDARD_OBJECTS } from './standard-objects.js';

const schema = buildCoreSchema(STANDARD_OBJECTS);

function inputFields(target: GraphQLSchema, name: string): Record<string, string> {
  const type = target.getType(name);
  if (!isInputObjectType(type)) throw new Error(`${name} is not an input type`);
  return Object.fromEntries(
    Object.values(type.getFields()).map((field) => [field.name, field.type.toString()]),
  );
}

function outputFields(target: GraphQLSchema, name: string): Record<string, string> {
  const type = target.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
  return Object.fromEntries(
    Object.values(type.getFields()).map((field) => [field.name, field.type.toString()]),
  );
}

function rootFieldNames(target: GraphQLSchema): string[] {
  const query = Object.keys(target.getQueryType()?.getFields() ?? {});
  const mutation = Object.keys(target.getMutationType()?.getFields() ?? {});
  return [...query, ...mutation];
}

function errorsOf(target: GraphQLSchema, query: string): string[] {
  return validate(target, parse(query)).map((error) => error.message);
}

const invoice: ObjectMetadata = {
  nameSingular: 'invoice',
  namePlural: 'invoices',
  labelSingular: 'Invoice',
  labelPlural: 'Invoices',
  isCustom: true,
  fields: [
    { name: 'id', label: 'Id', type: 'UUID', isNullable: false, defaultValue: 'uuid' },
    { name: 'createdAt', label: 'Created', type: 'DATE_TIME', isNullable: false },
    { name: 'deletedAt', label: 'Deleted', type: 'DATE_TIME', isNullable: true },
    { name: 'total', label: 'Total', type: 'CURRENCY', isNullable: true },
    {
      name: 'company',
      label: 'Company',
      type: 'RELATION',
      isNullable: true,
      relation: { type: 'MANY_TO_ONE', targetObject: 'company', joinColumn: 'companyId' },
    },
  ],
};

describe('the core schema of the standard objects', () => {
  it('is a valid GraphQL schema', () => {
    expect(() => {
      assertValidSchema(schema);
    }).not.toThrow();
  });

  it.each([
    ['person', 'people', 'Person', 'People'],
    ['company', 'companies', 'Company', 'Companies'],
    ['opportunity', 'opportunities', 'Opportunity', 'Opportunities'],
    ['task', 'tasks', 'Task', 'Tasks'],
    ['workspaceMember', 'workspaceMembers', 'WorkspaceMember', 'WorkspaceMembers'],
  ])('names the resolvers of %s as HOST-CONTRACT §C lists them', (one, many, One, Many) => {
    const expected = [
      many,
      one,
      `${one}Duplicates`,
      `${many}GroupBy`,
      `create${Many}`,
      `create${One}`,
      `update${One}`,
      `delete${One}`,
      `destroy${One}`,
      `restore${One}`,
      `update${Many}`,
      `delete${Many}`,
      `destroy${Many}`,
      `restore${Many}`,
      `merge${Many}`,
    ];
    expect(rootFieldNames(schema)).toEqual(expect.arrayContaining(expected));
  });

  it('gives findMany, findOne and the mutations the arguments of get-resolver-args', () => {
    const query = schema.getQueryType()?.getFields() ?? {};
    const mutation = schema.getMutationType()?.getFields() ?? {};
    const args = (field: { args: readonly { name: string; type: unknown }[] } | undefined) =>
      Object.fromEntries((field?.args ?? []).map((arg) => [arg.name, String(arg.type)]));
    expect(args(query.people)).toEqual({
      filter: 'PersonFilterInput',
      orderBy: '[PersonOrderByInput]',
      first: 'Int',
      last: 'Int',
      before: 'String',
      after: 'String',
      limit: 'Int',
    });
    expect(args(query.person)).toEqual({ filter: 'PersonFilterInput!' });
    expect(args(mutation.createPeople)).toEqual({
      data: '[PersonCreateInput!]!',
      upsert: 'Boolean',
    });
    expect(args(mutation.updatePeople)).toEqual({
      data: 'PersonUpdateInput!',
      filter: 'PersonFilterInput!',
    });
    expect(args(mutation.destroyPerson)).toEqual({ id: 'UUID!' });
  });

  it('returns connections with edges, pageInfo and totalCount', () => {
    expect(outputFields(schema, 'PersonConnection')).toMatchObject({
      edges: '[PersonEdge!]!',
      pageInfo: 'PageInfo!',
      totalCount: 'Int',
    });
    expect(outputFields(schema, 'PersonEdge')).toEqual({ node: 'Person!', cursor: 'Cursor!' });
    expect(outputFields(schema, 'PageInfo')).toEqual({
      startCursor: 'ConnectionCursor',
      endCursor: 'ConnectionCursor',
      hasNextPage: 'Boolean!',
      hasPreviousPage: 'Boolean!',
    });
  });

  it('filters with and/or/not and per-type operators, composites nesting their sub-fields', () => {
    expect(inputFields(schema, 'PersonFilterInput')).toMatchObject({
      name: 'FullNameFilterInput',
      companyId: 'UUIDFilter',
      createdBy: 'ActorFilterInput',
      and: '[PersonFilterInput]',
      or: '[PersonFilterInput]',
      not: 'PersonFilterInput',
    });
    expect(inputFields(schema, 'FullNameFilterInput')).toEqual({
      firstName: 'StringFilter',
      lastName: 'StringFilter',
    });
    expect(inputFields(schema, 'ActorFilterInput')).toMatchObject({
      workspaceMemberId: 'UUIDFilter',
      source: 'ActorSourceEnumFilter',
    });
    expect(Object.keys(inputFields(schema, 'StringFilter'))).toEqual(
      expect.arrayContaining(['eq', 'neq', 'in', 'like', 'ilike', 'startsWith', 'is']),
    );
    expect(Object.keys(inputFields(schema, 'UUIDFilter')).sort()).toEqual(
      ['eq', 'in', 'is', 'neq'].sort(),
    );
    expect(inputFields(schema, 'OpportunityFilterInput')).toMatchObject({
      stage: 'OpportunityStageEnumFilter',
      amount: 'CurrencyFilterInput',
      ownerId: 'UUIDFilter',
    });
  });

  it('orders by AscNullsFirst, AscNullsLast, DescNullsFirst and DescNullsLast', () => {
    const direction = schema.getType('OrderByDirection');
    expect(isEnumType(direction) && direction.getValues().map((value) => value.name)).toEqual([
      'AscNullsFirst',
      'AscNullsLast',
      'DescNullsFirst',
      'DescNullsLast',
    ]);
    expect(inputFields(schema, 'PersonOrderByInput')).toMatchObject({
      name: 'FullNameOrderByInput',
      createdAt: 'OrderByDirection',
    });
  });

  it('exposes many-to-one relations as object and join column, one-to-many as connection', () => {
    expect(outputFields(schema, 'Person')).toMatchObject({ company: 'Company', companyId: 'UUID' });
    expect(outputFields(schema, 'Company')).toMatchObject({
      accountOwner: 'WorkspaceMember',
      accountOwnerId: 'UUID',
      people: 'PersonConnection',
    });
    const company = schema.getType('Company');
    const args = isObjectType(company) ? company.getFields().people?.args : [];
    expect(args?.map((arg) => arg.name)).toEqual([
      'filter',
      'orderBy',
      'first',
      'last',
      'before',
      'after',
      'limit',
    ]);
  });

  it('accepts a typical Tiergate query', () => {
    const query = `query {
      people(filter: { createdBy: { workspaceMemberId: { in: ["x"] } } }, first: 10) {
        edges { node { id name { firstName } phones { primaryPhoneNumber } } cursor }
        pageInfo { hasNextPage endCursor }
        totalCount
      }
    }`;
    expect(errorsOf(schema, query)).toEqual([]);
  });

  it('rejects an operator the field type does not have', () => {
    const query = `query { people(filter: { id: { like: "%a%" } }) { totalCount } }`;
    expect(errorsOf(schema, query)).not.toEqual([]);
  });
});

describe('a custom object', () => {
  const withInvoice = buildCoreSchema([...STANDARD_OBJECTS, invoice]);

  it('gets the same resolvers and types as the standard objects', () => {
    expect(rootFieldNames(withInvoice)).toEqual(
      expect.arrayContaining([
        'invoices',
        'invoice',
        'invoicesGroupBy',
        'createInvoice',
        'createInvoices',
        'updateInvoice',
        'updateInvoices',
        'deleteInvoice',
        'destroyInvoice',
        'restoreInvoices',
      ]),
    );
    expect(outputFields(withInvoice, 'Invoice')).toMatchObject({
      total: 'Currency',
      companyId: 'UUID',
      company: 'Company',
    });
    expect(inputFields(withInvoice, 'InvoiceFilterInput')).toMatchObject({
      total: 'CurrencyFilterInput',
      companyId: 'UUIDFilter',
    });
    expect(String(withInvoice.getQueryType()?.getFields().invoices?.type)).toBe(
      'InvoiceConnection',
    );
  });

  it('aggregates its currency amount', () => {
    expect(outputFields(withInvoice, 'InvoiceConnection')).toMatchObject({
      totalCount: 'Int',
      sumTotalAmountMicros: 'Float',
      countNotEmptyTotal: 'Int',
    });
  });

  it('is refused when its relation points at an unknown object', () => {
    expect(() => buildCoreSchema([invoice])).toThrow(/unknown object company/);
  });

  it('is refused when a select option is not a GraphQL name', () => {
    const bad: ObjectMetadata = {
      ...invoice,
      fields: [
        ...invoice.fields,
        {
          name: 'state',
          label: 'State',
          type: 'SELECT',
          isNullable: true,
          options: [{ value: 'in progress', label: 'In progress', position: 0 }],
        },
      ],
    };
    expect(() => buildCoreSchema([...STANDARD_OBJECTS, bad])).toThrow(/not a valid GraphQL name/);
  });
});
