import { describe, expect, it } from 'vitest';
import type { Authorizer, OperationRequest } from '../authorizer.js';
import { coreError } from './errors.js';
import {
  at,
  C_ACME,
  harness,
  ids,
  list,
  MEMBER,
  P_ADA,
  P_BOB,
  P_CARLA,
} from './fixtures.test-support.js';

interface Recorded {
  readonly object: string;
  readonly operation: string;
  readonly selectedFields: readonly string[];
  readonly updatedFields: readonly string[];
}

/** Records every check; hides people outside Paris; refuses what `refuse` names. */
function recordingAuthorizer(refuse?: (request: OperationRequest) => boolean) {
  const checks: Recorded[] = [];
  const authorizer: Authorizer = {
    check(request) {
      checks.push({
        object: request.object.nameSingular,
        operation: request.operation,
        selectedFields: [...request.selectedFields].sort(),
        updatedFields: [...request.updatedFields].sort(),
      });
      if (refuse?.(request)) throw coreError('Permission denied', 'BAD_USER_INPUT');
    },
    rowFilter(_principal, object) {
      if (object.nameSingular !== 'person') return undefined;
      return (record) => record.city === 'Paris';
    },
  };
  return { checks, authorizer };
}

describe('permission checks', () => {
  it('checks a read with the fields selected in fragments, filters and orders', async () => {
    const { checks, authorizer } = recordingAuthorizer();
    await harness({ authorizer }).run(`
      query { people(filter: { jobTitle: { eq: "CEO" } }, orderBy: [{ city: AscNullsLast }]) {
        totalCount countEmptyAvatarUrl
        edges { node { id ...PersonName ... on Person { companyId } } }
      } }
      fragment PersonName on Person { name { firstName } }`);
    expect(checks).toEqual([
      {
        object: 'person',
        operation: 'select',
        selectedFields: ['avatarUrl', 'city', 'company', 'id', 'jobTitle', 'name'],
        updatedFields: [],
      },
    ]);
  });

  it('checks a nested relation read on the related object, once per path', async () => {
    const { checks, authorizer } = recordingAuthorizer();
    await harness({ authorizer }).run(
      '{ opportunities { edges { node { name company { name people(filter: { city: { eq: "Paris" } }) { edges { node { jobTitle } } } } } } } }',
    );
    expect(checks).toEqual([
      {
        object: 'opportunity',
        operation: 'select',
        selectedFields: ['company', 'name'],
        updatedFields: [],
      },
      {
        object: 'company',
        operation: 'select',
        selectedFields: ['name', 'people'],
        updatedFields: [],
      },
      {
        object: 'person',
        operation: 'select',
        selectedFields: ['city', 'jobTitle'],
        updatedFields: [],
      },
    ]);
  });

  it('checks each write with its operation, selected fields and written fields', async () => {
    const { checks, authorizer } = recordingAuthorizer();
    const h = harness({ authorizer });
    await h.run('mutation { createCompany(data: { name: "N", employees: 3 }) { id } }');
    await h.run(
      'mutation ($id: UUID!) { updateCompany(id: $id, data: { accountOwnerId: null }) { name } }',
      { id: C_ACME },
    );
    await h.run('mutation { deleteCompanies(filter: { name: { eq: "N" } }) { id } }');
    await h.run('mutation { restoreCompanies(filter: { name: { eq: "N" } }) { id } }');
    await h.run('mutation { destroyCompanies(filter: { name: { eq: "N" } }) { id } }');
    expect(
      checks.map((check) => [check.operation, check.selectedFields, check.updatedFields]),
    ).toEqual([
      ['insert', ['id'], ['employees', 'name']],
      ['update', ['name'], ['accountOwner']],
      ['soft-delete', ['id', 'name'], []],
      ['restore', ['id', 'name'], []],
      ['delete', ['id', 'name'], []],
    ]);
  });

  it('stops the operation when the check refuses it', async () => {
    const { authorizer } = recordingAuthorizer((request) => request.operation === 'delete');
    const h = harness({ authorizer });
    const errors = await h.fail('mutation ($id: UUID!) { destroyCompany(id: $id) { id } }', {
      id: C_ACME,
    });
    expect(errors[0]?.message).toBe('Permission denied');
    expect(h.state.records.company?.[C_ACME]).toBeDefined();
    expect(h.events).toEqual([]);
  });
});

describe('a relation to an object the role cannot read', () => {
  const refuseCompany = () =>
    recordingAuthorizer(
      (request) => request.object.nameSingular === 'company' && request.operation === 'select',
    );

  it('fails the whole query, as Twenty reads relations inside the root field', async () => {
    const { authorizer } = refuseCompany();
    const result = await harness({ authorizer }).api.execute({
      source: '{ people { edges { node { id company { name } } } } }',
      principal: MEMBER,
    });
    // No partial records: the root field is null and the error sits on it.
    expect(result.data).toEqual({ people: null });
    expect(result.errors?.map((error) => [error.message, error.path])).toEqual([
      ['Permission denied', ['people']],
    ]);
  });

  it('fails only the root field that reaches it, aliases included', async () => {
    const { authorizer } = refuseCompany();
    const result = await harness({ authorizer }).api.execute({
      source:
        '{ mine: people { edges { node { id } } } theirs: opportunities { edges { node { company { id } } } } }',
      principal: MEMBER,
    });
    expect(at(result.data, 'theirs')).toBeNull();
    expect(ids(result.data, 'mine')).toEqual([P_ADA]);
    expect(result.errors?.map((error) => error.path)).toEqual([['theirs']]);
  });
});

describe('row filters', () => {
  it('hides rows outside the filter from reads, counts and relations', async () => {
    const { authorizer } = recordingAuthorizer();
    const data = await harness({ authorizer }).run(
      '{ people { totalCount edges { node { id } } } companies(filter: { name: { eq: "Acme" } }) { edges { node { people { totalCount } } } } }',
    );
    expect(ids(at(data, 'people'))).toEqual([P_ADA]);
    expect(at(data, 'people.totalCount')).toBe(1);
    expect(at(data, 'companies.edges.0.node.people.totalCount')).toBe(1);
  });

  it('treats rows outside the filter as absent for findOne and one-record writes', async () => {
    const { authorizer } = recordingAuthorizer();
    const h = harness({ authorizer });
    const find = await h.fail('query ($id: UUID!) { person(filter: { id: { eq: $id } }) { id } }', {
      id: P_BOB,
    });
    expect(find[0]?.extensions.code).toBe('NOT_FOUND');
    const update = await h.fail(
      'mutation ($id: UUID!) { updatePerson(id: $id, data: { jobTitle: "X" }) { id } }',
      { id: P_CARLA },
    );
    expect(update[0]?.message).toBe('Record not found');
    expect(h.state.records.person?.[P_CARLA]?.jobTitle).toBe('CTO');
  });

  it('leaves rows outside the filter untouched by many-record writes', async () => {
    const { authorizer } = recordingAuthorizer();
    const h = harness({ authorizer });
    const data = await h.run(
      'mutation { updatePeople(filter: {}, data: { jobTitle: "Z" }) { id } }',
    );
    expect(list(at(data, 'updatePeople'))).toEqual([{ id: P_ADA }]);
    const destroyed = await h.run('mutation { destroyPeople(filter: {}) { id } }');
    expect(list(at(destroyed, 'destroyPeople'))).toEqual([{ id: P_ADA }]);
    expect(Object.keys(h.state.records.person ?? {})).toHaveLength(3);
  });
});
