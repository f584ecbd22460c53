import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Principal, RlsPredicate, SandboxRecord, WorkspaceState } from '../workspace.js';
import {
  COMPANY,
  MEMBER_ID,
  OTHER_MEMBER_ID,
  apiKeyPrincipal,
  fieldId,
  memberPrincipal,
  predicate,
  record,
  role,
  workspace,
} from './fixtures.test-support.js';
import { nativeAuthorizer } from './native-authorizer.js';

const companies = [
  record('eu', { region: 'EMEA', accountOwnerId: MEMBER_ID }),
  record('us', { region: 'AMER', accountOwnerId: OTHER_MEMBER_ID }),
];
const inEurope = predicate(COMPANY, 'region', 'CONTAINS', { value: 'EMEA' });
const ownedByMe = predicate(COMPANY, 'accountOwner', 'IS', {
  value: { isCurrentWorkspaceMemberSelected: true, selectedRecordIds: [] },
});
const member = memberPrincipal(MEMBER_ID, 'r');
const key = apiKeyPrincipal('key-1', 'r');

function stateWith(predicates: RlsPredicate[], overrides: Partial<WorkspaceState> = {}) {
  return workspace([role('r', { rowLevelPermissionPredicates: predicates })], overrides);
}

function reachable(state: WorkspaceState, principal: Principal): string[] | 'all' {
  const filter = nativeAuthorizer(() => state).rowFilter(principal, COMPANY);
  return filter === undefined ? 'all' : companies.filter(filter).map((row) => row.id);
}

function writeError(
  state: WorkspaceState,
  operation: 'insert' | 'update',
  records: SandboxRecord[],
): GraphQLError | undefined {
  try {
    nativeAuthorizer(() => state).checkWrittenRecords(member, COMPANY, operation, records);
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  return undefined;
}

describe('nativeAuthorizer rowFilter', () => {
  it('narrows a member to the rows the predicates keep', () => {
    expect(reachable(stateWith([inEurope]), member)).toEqual(['eu']);
  });

  it('filters nothing for a role without predicates on the object', () => {
    expect(reachable(stateWith([]), member)).toBe('all');
  });

  it('filters nothing when the workspace is not entitled to row-level permissions', () => {
    expect(reachable(stateWith([inEurope], { rlsEnabled: false }), member)).toBe('all');
  });

  it('subjects an API key to the predicates of its role', () => {
    expect(reachable(stateWith([inEurope]), key)).toEqual(['eu']);
  });

  it('compares relations with the calling member', () => {
    expect(reachable(stateWith([ownedByMe]), member)).toEqual(['eu']);
  });

  it('drops a current-member predicate for an API key, which has no member, as Twenty does', () => {
    expect(reachable(stateWith([ownedByMe, inEurope]), key)).toEqual(['eu']);
  });

  it('reaches no row for a caller whose role the workspace does not have', () => {
    const state = stateWith([], { apiKeys: [] });
    expect(reachable(state, key)).toEqual([]);
  });
});

describe('nativeAuthorizer checkWrittenRecords', () => {
  it('accepts a written record inside the predicates', () => {
    expect(writeError(stateWith([inEurope]), 'update', [companies[0] ?? record('x')])).toBe(
      undefined,
    );
  });

  it('refuses a written record outside the predicates as BAD_USER_INPUT', () => {
    const error = writeError(stateWith([inEurope]), 'insert', [record('new', { region: 'AMER' })]);
    expect(error?.message).toBe(
      'Record does not satisfy row-level security constraints of your current role',
    );
    expect(error?.extensions).toEqual({
      userFriendlyMessage: 'Record does not satisfy security constraints.',
      code: 'BAD_USER_INPUT',
    });
  });

  it('skips on insert a predicate on a field the role cannot write', () => {
    const readOnlyRegion = role('r', {
      rowLevelPermissionPredicates: [inEurope],
      fieldPermissions: [
        {
          id: 'fp',
          objectMetadataId: COMPANY.id,
          fieldMetadataId: fieldId(COMPANY, 'region'),
          canUpdateFieldValue: false,
        },
      ],
    });
    const state = workspace([readOnlyRegion]);
    expect(writeError(state, 'insert', [record('new', { region: null })])).toBe(undefined);
    expect(writeError(state, 'update', [record('new', { region: null })])).toBeInstanceOf(
      GraphQLError,
    );
  });
});
