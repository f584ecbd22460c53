/** Helpers for the row-level predicate tests: compile a role's predicates on companies. */
import type { RlsPredicate, RlsPredicateGroup, SandboxRecord } from '../workspace.js';
import { COMPANY, MEMBER_ID, record, role, workspace } from './fixtures.test-support.js';
import { compileRowLevelFilter } from './rls.js';

export const NOW = new Date('2026-06-15T12:00:00.000Z');

export function filterFor(
  predicates: RlsPredicate[],
  groups: RlsPredicateGroup[] = [],
  memberless = false,
) {
  const withPredicates = role('r', {
    rowLevelPermissionPredicates: predicates,
    rowLevelPermissionPredicateGroups: groups,
  });
  const state = workspace([withPredicates]);
  const member = memberless ? undefined : state.records.workspaceMember?.[MEMBER_ID];
  return compileRowLevelFilter({ state, roleId: 'r', object: COMPANY, member, now: NOW });
}

/** The ids of the records the predicates keep. */
export function kept(
  predicates: RlsPredicate[],
  records: SandboxRecord[],
  groups: RlsPredicateGroup[] = [],
) {
  const filter = filterFor(predicates, groups);
  if (filter === undefined) throw new Error('no filter');
  return records.filter(filter).map((candidate) => candidate.id);
}

export const rows = (values: Record<string, Record<string, unknown>>) =>
  Object.entries(values).map(([id, fields]) => record(id, fields));
