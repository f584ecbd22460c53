/**
 * The plan as text (`tiergate plan`) and as JSON (`--json`). Like Terraform: `+` adds, `-`
 * removes, `~` changes, `!` will not happen; unchanged roles are left out. Deterministic: the
 * plan is already sorted, and nothing here reads a clock or the environment.
 */
import type { HostFieldPermission, HostObjectPermission } from './host-state.js';
import type {
  FieldPermissionChange,
  HostPlan,
  PlanCounts,
  RoleChangeKind,
  RolePlan,
  RowLevelRules,
} from './plan-types.js';

const ROLE_MARKER: Record<RoleChangeKind, string> = {
  create: '+',
  update: '~',
  delete: '-',
  unchanged: ' ',
};

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function marker(before: unknown, after: unknown): string {
  return before === undefined ? '+' : after === undefined ? '-' : '~';
}

function change(before: string | undefined, after: string | undefined): string {
  if (before === undefined) return after ?? '';
  if (after === undefined) return before;
  return `${before} -> ${after}`;
}

/** `rusd` for read, update, soft-delete, destroy; `-` where denied. */
function objectText(p: HostObjectPermission): string {
  const flag = (on: boolean, letter: string) => (on ? letter : '-');
  return (
    flag(p.canReadObjectRecords, 'r') +
    flag(p.canUpdateObjectRecords, 'u') +
    flag(p.canSoftDeleteObjectRecords, 's') +
    flag(p.canDestroyObjectRecords, 'd')
  );
}

function fieldText(p: HostFieldPermission): string {
  return p.canReadFieldValue ? 'read-only' : 'hidden';
}

function rulesText(rules: RowLevelRules): string | undefined {
  if (rules.predicates.length === 0 && rules.groups.length === 0) return undefined;
  return `${plural(rules.predicates.length, 'predicate')}, ${plural(rules.groups.length, 'group')}`;
}

/** Names for the host ids a plan holds; an id without a name is shown as is. */
export interface PlanNames {
  readonly object?: (id: string) => string | undefined;
  readonly field?: (id: string) => string | undefined;
  /** `Name <email>` of a workspace member id. */
  readonly member?: (id: string) => string | undefined;
  /** A role's label for an assignment key (`host:<id>` of a role Tiergate does not manage). */
  readonly role?: (key: string) => string | undefined;
}

const named = (id: string, name: ((id: string) => string | undefined) | undefined): string =>
  name?.(id) ?? id;

function fieldLine(f: FieldPermissionChange, names: PlanNames): string {
  const before = f.before && fieldText(f.before);
  const after = f.after && fieldText(f.after);
  const text = change(before, after);
  const restriction = f.after === undefined ? `${text} (lifted)` : text;
  return `${marker(f.before, f.after)} field ${named(f.objectMetadataId, names.object)}.${named(f.fieldMetadataId, names.field)}: ${restriction}`;
}

function roleLines(role: RolePlan, names: PlanNames): string[] {
  if (role.blocked !== undefined) {
    return [`! role ${role.key} (${role.label}): not deleted, ${role.blocked}`];
  }
  const head = `${ROLE_MARKER[role.change]} role ${role.key} (${role.label})`;
  const details = [
    ...(role.settings ?? []).map((s) => {
      const show = (v: string | boolean | undefined) =>
        v === undefined ? undefined : JSON.stringify(v);
      return `${marker(s.before, s.after)} ${s.field}: ${change(show(s.before), show(s.after))}`;
    }),
    ...role.objectPermissions.map(
      (o) =>
        `${marker(o.before, o.after)} object ${named(o.objectMetadataId, names.object)}: ${change(o.before && objectText(o.before), objectText(o.after))}`,
    ),
    ...role.fieldPermissions.map((f) => fieldLine(f, names)),
    ...role.rowLevel.map((r) => {
      const before = rulesText(r.before);
      const after = rulesText(r.after);
      return `${marker(before, after)} row-level ${named(r.objectMetadataId, names.object)}: ${change(before, after) || 'none'}`;
    }),
  ];
  return [head, ...details.map((line) => `    ${line}`)];
}

function summary(c: PlanCounts): string {
  return [
    `Roles: ${c.rolesToCreate} to create, ${c.rolesToUpdate} to update, ${c.rolesToDelete} to delete.`,
    `Permissions: ${plural(c.objectPermissionChanges, 'object change')}, ${plural(c.fieldPermissionChanges, 'field change')}, ${plural(c.rowLevelChanges, 'row-level change')}.`,
    `Members: ${plural(c.assignmentChanges, 'reassignment')}. Blocked: ${c.blocked}.`,
  ].join('\n');
}

function heading(plan: HostPlan): string {
  if (!plan.empty) return 'Changes to apply:';
  return plan.counts.blocked > 0
    ? 'The host differs from the policy, but Twenty refuses these changes (see why below):'
    : 'No changes: the host matches the policy.';
}

export function formatPlan(plan: HostPlan, names: PlanNames = {}): string {
  const roles = plan.roles
    .filter((r) => r.change !== 'unchanged')
    .flatMap((r) => roleLines(r, names));
  const member = (id: string) => named(id, names.member);
  const role = (key: string | undefined) => (key === undefined ? key : named(key, names.role));
  const members = [
    ...plan.assignments.map(
      (a) =>
        `${marker(a.before, a.after)} member ${member(a.memberId)}: ${change(role(a.before), role(a.after))}`,
    ),
    ...plan.skippedAssignments.map(
      (s) =>
        `! member ${member(s.memberId)}: stays ${role(s.before) ?? 'without a role'}, not moved to ${role(s.wanted) ?? s.wanted} (${s.reason})`,
    ),
  ];
  const sections = [
    heading(plan),
    ...(roles.length > 0 ? [roles.join('\n')] : []),
    ...(members.length > 0 ? [members.join('\n')] : []),
    summary(plan.counts),
  ];
  return `${sections.join('\n\n')}\n`;
}

/** The plan as JSON for `--json`: the plan object itself, two-space indented. */
export function planJson(plan: HostPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
