import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { CoreOperation, OperationRequest } from '../authorizer.js';
import type { Principal, SandboxRole, WorkspaceState } from '../workspace.js';
import {
  COMPANY,
  MEMBER_ID,
  PERSON,
  apiKeyPrincipal,
  fieldId,
  memberPrincipal,
  predicate,
  role,
  workspace,
} from './fixtures.test-support.js';
import { nativeAuthorizer } from './native-authorizer.js';

const DENIED = 'Entity performing the request does not have permission';

function request(
  operation: CoreOperation,
  selectedFields: string[] = ['id'],
  updatedFields: string[] = [],
  principal: Principal = memberPrincipal(MEMBER_ID, 'r'),
): OperationRequest {
  return { principal, object: PERSON, operation, selectedFields, updatedFields };
}

function thrown(state: WorkspaceState, operationRequest: OperationRequest): GraphQLError {
  try {
    nativeAuthorizer(() => state).check(operationRequest);
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('the check passed');
}

function expectDenied(error: GraphQLError, message = DENIED): void {
  expect(error.message).toBe(message);
  expect(error.extensions).toEqual({
    userFriendlyMessage: 'User does not have permission.',
    subCode: 'PERMISSION_DENIED',
    code: 'FORBIDDEN',
  });
}

function passes(state: WorkspaceState, operationRequest: OperationRequest): void {
  expect(() => {
    nativeAuthorizer(() => state).check(operationRequest);
  }).not.toThrow();
}

const onPerson = (overrides: Partial<SandboxRole['objectPermissions'][number]>) =>
  role('r', { objectPermissions: [{ objectMetadataId: PERSON.id, ...overrides }] });

const restrictingJobTitle = (canRead: boolean | null, canUpdate: boolean | null) =>
  role('r', {
    fieldPermissions: [
      {
        id: 'fp',
        objectMetadataId: PERSON.id,
        fieldMetadataId: fieldId(PERSON, 'jobTitle'),
        canReadFieldValue: canRead,
        canUpdateFieldValue: canUpdate,
      },
    ],
  });

describe('nativeAuthorizer check: object permissions', () => {
  it('lets a role that reads every object select', () => {
    passes(workspace([role('r')]), request('select'));
  });

  it('refuses a select to a role that cannot read the object, as FORBIDDEN', () => {
    expectDenied(thrown(workspace([onPerson({ canReadObjectRecords: false })]), request('select')));
  });

  it('refuses an insert without the update permission', () => {
    const state = workspace([onPerson({ canUpdateObjectRecords: false })]);
    expectDenied(thrown(state, request('insert', ['id'], ['city'])));
  });

  it('refuses an update without the update permission', () => {
    const state = workspace([onPerson({ canUpdateObjectRecords: false })]);
    expectDenied(thrown(state, request('update', ['id'], ['city'])));
  });

  it('refuses an update by a role that can update but not read the object', () => {
    const state = workspace([onPerson({ canReadObjectRecords: false })]);
    expectDenied(thrown(state, request('update', ['id'], ['city'])));
  });

  it('refuses a soft delete without the soft-delete permission', () => {
    const state = workspace([onPerson({ canSoftDeleteObjectRecords: false })]);
    expectDenied(thrown(state, request('soft-delete')));
  });

  it('refuses a restore without the soft-delete permission', () => {
    const state = workspace([onPerson({ canSoftDeleteObjectRecords: false })]);
    expectDenied(thrown(state, request('restore')));
  });

  it('refuses a destroy without the destroy permission', () => {
    const state = workspace([onPerson({ canDestroyObjectRecords: false })]);
    expectDenied(thrown(state, request('delete')));
  });

  it('allows a soft delete to a role that may soft-delete but not destroy', () => {
    const state = workspace([onPerson({ canDestroyObjectRecords: false })]);
    passes(state, request('soft-delete'));
  });

  it('judges an API key by the role assigned to it', () => {
    const state = workspace([onPerson({ canReadObjectRecords: false })]);
    expectDenied(thrown(state, request('select', ['id'], [], apiKeyPrincipal('key-1', 'r'))));
  });

  it('denies everything to a caller whose role the workspace does not have', () => {
    const state = workspace([role('r')], { members: [{ ...memberOf('ghost') }] });
    expectDenied(thrown(state, request('select')));
  });

  it('denies everything to a member the workspace does not know', () => {
    const state = workspace([role('r')], { members: [] });
    expectDenied(thrown(state, request('select')));
  });

  it('denies everything when there is no principal', () => {
    const noPrincipal = { ...request('select'), principal: undefined as unknown as Principal };
    expectDenied(thrown(workspace([role('r')]), noPrincipal));
  });

  it('denies an object the workspace does not have', () => {
    const state = workspace([role('r')], { objects: [COMPANY] });
    expectDenied(thrown(state, request('select')));
  });
});

function memberOf(roleId: string) {
  return { id: MEMBER_ID, userId: 'u', userEmail: 'a@b.c', roleId, token: 't' };
}

describe('nativeAuthorizer check: field permissions', () => {
  it('refuses selecting a read-restricted field, naming it', () => {
    const state = workspace([restrictingJobTitle(false, null)]);
    expectDenied(
      thrown(state, request('select', ['id', 'jobTitle'])),
      `${DENIED}: no permission to read field "jobTitle" on "person"`,
    );
  });

  it('refuses filtering or ordering on a read-restricted field through its join column', () => {
    const state = workspace([
      role('r', {
        fieldPermissions: [
          {
            id: 'fp',
            objectMetadataId: PERSON.id,
            fieldMetadataId: fieldId(PERSON, 'company'),
            canReadFieldValue: false,
          },
        ],
      }),
    ]);
    expectDenied(
      thrown(state, request('select', ['id', 'companyId'])),
      `${DENIED}: no permission to read field "company" on "person"`,
    );
  });

  it('lets a read leave out the restricted field', () => {
    passes(workspace([restrictingJobTitle(false, null)]), request('select', ['id', 'city']));
  });

  it('refuses returning a read-restricted field from a mutation', () => {
    const state = workspace([restrictingJobTitle(false, null)]);
    expectDenied(
      thrown(state, request('soft-delete', ['id', 'jobTitle'])),
      `${DENIED}: no permission to read field "jobTitle" on "person"`,
    );
  });

  it('refuses an update writing a non-updatable field, naming it', () => {
    const state = workspace([restrictingJobTitle(null, false)]);
    expectDenied(
      thrown(state, request('update', ['id'], ['city', 'jobTitle'])),
      `${DENIED}: no permission to write field "jobTitle" on "person"`,
    );
  });

  it('refuses an insert writing a non-updatable field', () => {
    const state = workspace([restrictingJobTitle(null, false)]);
    expectDenied(
      thrown(state, request('insert', ['id'], ['jobTitle'])),
      `${DENIED}: no permission to write field "jobTitle" on "person"`,
    );
  });

  it('exempts on insert a non-updatable field that carries a row-level predicate', () => {
    const restricted = restrictingJobTitle(null, false);
    const state = workspace([
      {
        ...restricted,
        rowLevelPermissionPredicates: [predicate(PERSON, 'jobTitle', 'CONTAINS', { value: 'x' })],
      },
    ]);
    passes(state, request('insert', ['id'], ['jobTitle']));
  });

  it('reports a column with no field behind it when the object has restrictions', () => {
    const error = thrown(
      workspace([restrictingJobTitle(false, null)]),
      request('select', ['nope']),
    );
    expect(error.message).toBe('Field metadata id not found for column name nope');
    expect(error.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });
});
