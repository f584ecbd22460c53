import { describe, expect, it } from 'vitest';
import {
  MEMBER_ROLE,
  fieldId,
  firstError,
  harness,
  objectId,
  workspaceState,
} from './fixture.test-support.js';

const UPSERT_RLS = `
  mutation Upsert($input: UpsertRowLevelPermissionPredicatesInput!) {
    upsertRowLevelPermissionPredicates(input: $input) {
      predicates { id fieldMetadataId objectMetadataId operand value roleId
        rowLevelPermissionPredicateGroupId workspaceMemberFieldMetadataId }
      predicateGroups { id logicalOperator roleId objectMetadataId parentRowLevelPermissionPredicateGroupId }
    }
  }`;

const opportunity = objectId('opportunity');

describe('upsertRowLevelPermissionPredicates', () => {
  const owner = fieldId('opportunity', 'owner');
  const stage = fieldId('opportunity', 'stage');
  const input = (
    predicates: Record<string, unknown>[],
    predicateGroups: Record<string, unknown>[] = [],
  ) => ({
    input: { roleId: MEMBER_ROLE.id, objectMetadataId: opportunity, predicates, predicateGroups },
  });
  const mine = {
    fieldMetadataId: owner,
    operand: 'IS',
    value: { isCurrentWorkspaceMemberSelected: true },
  };

  describe('when the workspace lacks the RLS entitlement', () => {
    it("refuses with Twenty's ROW_LEVEL_PERMISSION_FEATURE_DISABLED", async () => {
      const { run, state } = harness();
      const before = state();
      const result = await run(UPSERT_RLS, input([mine]));
      expect(firstError(result)).toEqual({
        message: 'Row level permission predicate feature is disabled',
        extensions: { code: 'FORBIDDEN', subCode: 'ROW_LEVEL_PERMISSION_FEATURE_DISABLED' },
      });
      expect(state()).toBe(before);
    });
  });

  describe('when the workspace holds the RLS entitlement', () => {
    it('stores the predicates and groups of the role on that object', async () => {
      const { run } = harness(workspaceState({ rlsEnabled: true }));
      const result = await run(
        UPSERT_RLS,
        input(
          [
            { ...mine, rowLevelPermissionPredicateGroupId: 'draft-group' },
            {
              fieldMetadataId: stage,
              operand: 'IS',
              value: ['NEW'],
              rowLevelPermissionPredicateGroupId: 'draft-group',
            },
          ],
          [{ id: 'draft-group', objectMetadataId: opportunity, logicalOperator: 'OR' }],
        ),
      );
      expect(result).toEqual({
        data: {
          upsertRowLevelPermissionPredicates: {
            predicates: [
              {
                id: 'id-2',
                fieldMetadataId: owner,
                objectMetadataId: opportunity,
                operand: 'IS',
                value: { isCurrentWorkspaceMemberSelected: true },
                roleId: MEMBER_ROLE.id,
                rowLevelPermissionPredicateGroupId: 'id-1',
                workspaceMemberFieldMetadataId: null,
              },
              {
                id: 'id-3',
                fieldMetadataId: stage,
                objectMetadataId: opportunity,
                operand: 'IS',
                value: ['NEW'],
                roleId: MEMBER_ROLE.id,
                rowLevelPermissionPredicateGroupId: 'id-1',
                workspaceMemberFieldMetadataId: null,
              },
            ],
            predicateGroups: [
              {
                id: 'id-1',
                logicalOperator: 'OR',
                roleId: MEMBER_ROLE.id,
                objectMetadataId: opportunity,
                parentRowLevelPermissionPredicateGroupId: null,
              },
            ],
          },
        },
      });
    });

    it('replaces the set: kept ids are updated, the rest deleted', async () => {
      const { run, state } = harness(workspaceState({ rlsEnabled: true }));
      await run(UPSERT_RLS, input([mine, { fieldMetadataId: stage, operand: 'IS_NOT_NULL' }]));
      const result = await run(UPSERT_RLS, input([{ ...mine, id: 'id-1', operand: 'IS_NOT' }]));
      const predicates = (
        result.data?.upsertRowLevelPermissionPredicates as {
          predicates: { id: string; operand: string }[];
        }
      ).predicates;
      expect(predicates.map((p) => [p.id, p.operand])).toEqual([['id-1', 'IS_NOT']]);
      const role = state().roles.find((r) => r.id === MEMBER_ROLE.id);
      expect(role?.rowLevelPermissionPredicates.map((p) => p.id)).toEqual(['id-1']);
    });

    it('leaves the role’s predicates on other objects alone', async () => {
      const { run, state } = harness(workspaceState({ rlsEnabled: true }));
      await run(UPSERT_RLS, {
        input: {
          roleId: MEMBER_ROLE.id,
          objectMetadataId: objectId('company'),
          predicates: [{ fieldMetadataId: fieldId('company', 'accountOwner'), operand: 'IS' }],
          predicateGroups: [],
        },
      });
      await run(UPSERT_RLS, input([]));
      const role = state().roles.find((r) => r.id === MEMBER_ROLE.id);
      expect(role?.rowLevelPermissionPredicates.map((p) => p.objectMetadataId)).toEqual([
        objectId('company'),
      ]);
    });

    it('refuses a predicate on a field of another object', async () => {
      const { run } = harness(workspaceState({ rlsEnabled: true }));
      const result = await run(
        UPSERT_RLS,
        input([{ fieldMetadataId: fieldId('company', 'name'), operand: 'IS' }]),
      );
      expect(firstError(result)?.extensions).toEqual({
        code: 'NOT_FOUND',
        subCode: 'FIELD_METADATA_NOT_FOUND',
      });
    });
  });
});
