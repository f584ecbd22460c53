/**
 * Cross-references of a policy whose shape is already valid: every tier, role, team, member and
 * object named anywhere must exist, ids must be unique, the manager and team trees must be
 * trees, and fields must exist when the data model is declared (docs/policy.md §2).
 */
import { orgCycles } from '../org/org.js';
import { fieldsOfCondition, isPlainObject, OPERATORS, type Condition } from './condition.js';
import { FIELD_RULE_KEYS } from './field-rules.js';
import { memberRefsOf, parseMemberRef } from './member-refs.js';
import { SCOPED_ACTIONS, scopeGrantsOf, type Policy, type ScopeGrant } from './schema.js';
import { editDistance } from './suggest.js';

export interface ReferenceIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The step-up actions the product knows (security.stepUp). */
export const STEP_UP_ACTIONS = [
  'policy.apply',
  'grant.create',
  'export.large',
  'breakglass',
  'role.change',
  'tier.change',
  'review.decide',
] as const;

type Path = (string | number)[];

/** The known id nearest to a misspelt one, when it is near enough to be the one meant. */
export function closest(id: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  // Near enough: one edit in four characters, and never the whole id.
  let bestDistance = Math.min(Math.max(1, Math.floor(id.length / 4)), id.length - 1) + 1;
  for (const candidate of known) {
    const d = editDistance(id.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Does the condition use `ref` as the operand of an operator that takes one value? */
function scalarUses(condition: unknown, ref: string): boolean {
  if (!isPlainObject(condition))
    return Array.isArray(condition) && condition.some((c) => scalarUses(c, ref));
  for (const [key, value] of Object.entries(condition)) {
    if (value === ref && Object.hasOwn(OPERATORS, key) && key !== 'in') return true;
    if (typeof value === 'object' && value !== null && scalarUses(value, ref)) return true;
  }
  return false;
}

class Checker {
  readonly issues: ReferenceIssue[] = [];
  readonly tiers: Set<string>;
  readonly roles: Set<string>;
  readonly teams: Set<string>;
  readonly members: Set<string>;
  readonly objects: Set<string>;

  constructor(
    readonly policy: Policy,
    /** Sections that failed their shape check: what they would define is not known. */
    readonly unknowable: ReadonlySet<string>,
  ) {
    this.tiers = new Set(policy.tiers.map((t) => t.id));
    this.roles = new Set(Object.keys(policy.roles));
    this.teams = new Set(policy.org.teams.map((t) => t.id));
    this.members = new Set(policy.org.members.map((m) => m.id));
    this.objects = new Set(Object.keys(policy.objects));
  }

  add(path: Path, message: string): void {
    this.issues.push({ path, message });
  }

  known(
    kind: 'tier' | 'role' | 'team' | 'member' | 'object',
    id: string | undefined,
    path: Path,
  ): void {
    if (id === undefined || this.unknowable.has(SECTION_OF[kind])) return;
    const set = {
      tier: this.tiers,
      role: this.roles,
      team: this.teams,
      member: this.members,
      object: this.objects,
    }[kind];
    if (!set.has(id)) {
      const guess = closest(id, set);
      const known = [...set].slice(0, 12).join(', ');
      this.add(
        path,
        `unknown ${kind} "${id}"${guess ? `; did you mean "${guess}"?` : ''}${known ? ` (known: ${known})` : ''}`,
      );
    }
  }

  unique(items: readonly { id: string }[], path: Path, what: string): void {
    const first = new Map<string, number>();
    items.forEach((item, index) => {
      const earlier = first.get(item.id);
      if (earlier === undefined) first.set(item.id, index);
      else
        this.add(
          [...path, index, 'id'],
          `duplicate ${what} id "${item.id}" (also at [${earlier}])`,
        );
    });
  }

  /** Fields of an object are checked only when the object declares its data model. */
  fieldKnown(object: string, field: string, path: Path): void {
    const declared = this.policy.objects[object]?.fields;
    if (!declared) return;
    const top = field.split('.')[0] ?? field;
    if (!declared.some((f) => f === field || f === top || f.split('.')[0] === top)) {
      this.add(path, `unknown field "${field}" of ${object}`);
    }
  }

  /**
   * `$member.attributes.<name>` must be an attribute some member has (when the org is in the
   * policy), and an attribute holding a list is compared with `in` only.
   */
  memberRefs(condition: Condition | undefined, path: Path): void {
    if (!condition) return;
    for (const ref of memberRefsOf(condition)) {
      const parsed = parseMemberRef(ref);
      if (parsed?.kind !== 'attribute' || this.policy.org.source === 'host') continue;
      const holders = this.policy.org.members.filter(
        (m) => m.attributes !== undefined && Object.hasOwn(m.attributes, parsed.name),
      );
      if (holders.length === 0) {
        const names = new Set(
          this.policy.org.members.flatMap((m) => Object.keys(m.attributes ?? {})),
        );
        const guess = closest(parsed.name, names);
        this.add(
          path,
          `no member has the attribute "${parsed.name}" that ${ref} reads${guess ? `; did you mean "$member.attributes.${guess}"?` : ''}; give it in org.members[].attributes`,
        );
        continue;
      }
      const listed = holders.find((m) => Array.isArray(m.attributes?.[parsed.name]));
      if (listed && scalarUses(condition, ref))
        this.add(
          path,
          `${ref} is a list for member "${listed.id}", so it can only be compared with in`,
        );
    }
  }

  conditionFields(object: string, condition: Condition | undefined, path: Path): void {
    if (!condition) return;
    for (const field of fieldsOfCondition(condition)) this.fieldKnown(object, field, path);
  }
}

function checkOrg(c: Checker): void {
  const { org } = c.policy;
  c.unique(c.policy.tiers, ['tiers'], 'tier');
  c.policy.tiers.forEach((tier, i) => {
    // `when` and `actions` share the key space of a field's tier map.
    if ((FIELD_RULE_KEYS as readonly string[]).includes(tier.id))
      c.add(['tiers', i, 'id'], `the tier id "${tier.id}" is reserved`);
  });
  c.unique(org.teams, ['org', 'teams'], 'team');
  c.unique(org.members, ['org', 'members'], 'member');
  const parents = new Map<string, string>();
  org.teams.forEach((team, i) => {
    team.children.forEach((child, j) => {
      c.known('team', child, ['org', 'teams', i, 'children', j]);
      const parent = parents.get(child);
      if (parent !== undefined && parent !== team.id) {
        c.add(['org', 'teams', i, 'children', j], `team "${child}" already has parent "${parent}"`);
      }
      parents.set(child, team.id);
    });
  });
  org.members.forEach((member, i) => {
    const path = ['org', 'members', i];
    c.known('role', member.role, [...path, 'role']);
    c.known('tier', member.tier, [...path, 'tier']);
    member.teams.forEach((team, j) => c.known('team', team, [...path, 'teams', j]));
    c.known('member', member.manager, [...path, 'manager']);
    const role = Object.hasOwn(c.policy.roles, member.role)
      ? c.policy.roles[member.role]
      : undefined;
    if (role && member.tier === undefined && role.defaultTier === undefined) {
      c.add(
        [...path, 'tier'],
        `member "${member.id}" has no tier and role "${member.role}" has no defaultTier`,
      );
    }
  });
  for (const cycle of orgCycles(org.members, org.teams)) {
    const first = cycle.ids[0] ?? '';
    const index =
      cycle.kind === 'manager'
        ? org.members.findIndex((m) => m.id === first)
        : org.teams.findIndex((t) => t.id === first);
    const path =
      cycle.kind === 'manager'
        ? ['org', 'members', index, 'manager']
        : ['org', 'teams', index, 'children'];
    c.add(path, `cycle in the ${cycle.kind} tree: ${cycle.ids.join(' → ')}`);
  }
}

function checkTierMap(
  c: Checker,
  map: Readonly<Record<string, unknown>> | undefined,
  path: Path,
): void {
  for (const key of Object.keys(map ?? {})) {
    if (!(FIELD_RULE_KEYS as readonly string[]).includes(key)) c.known('tier', key, [...path, key]);
  }
}

function scopeOf(grant: ScopeGrant): { scope: string; where?: Condition | undefined } {
  return typeof grant === 'string' ? { scope: grant } : grant;
}

function checkRoles(c: Checker): void {
  for (const [roleId, role] of Object.entries(c.policy.roles)) {
    const rolePath = ['roles', roleId];
    c.known('tier', role.defaultTier, [...rolePath, 'defaultTier']);
    for (const [object, rules] of Object.entries(role.objects)) {
      const objectPath = [...rolePath, 'objects', object];
      c.known('object', object, objectPath);
      const owners = c.policy.objects[object]?.owner ?? [];
      for (const action of ['create', 'export'] as const)
        checkTierMap(c, rules[action], [...objectPath, action]);
      for (const action of SCOPED_ACTIONS) {
        const map = rules[action];
        checkTierMap(c, map, [...objectPath, action]);
        for (const [tier, value] of Object.entries(map ?? {})) {
          scopeGrantsOf(value).forEach((grant, i) => {
            const { scope, where } = scopeOf(grant);
            const at = [...objectPath, action, tier, ...(Array.isArray(value) ? [i] : [])];
            if (owners.length === 0 && scope !== 'all' && scope !== 'none' && c.objects.has(object))
              c.add(
                at,
                `scope ${scope} needs owner fields, and objects.${object}.owner lists none`,
              );
            c.conditionFields(object, where, [...at, 'where']);
            c.memberRefs(where, [...at, 'where']);
          });
        }
      }
      for (const [field, rule] of Object.entries(rules.fields ?? {})) {
        const fieldPath = [...objectPath, 'fields', field];
        checkTierMap(c, rule, fieldPath);
        for (const [action, map] of Object.entries(rule.actions ?? {}))
          checkTierMap(c, map, [...fieldPath, 'actions', action]);
        if (field === 'default') {
          if (rule.when)
            c.add([...fieldPath, 'when'], 'default cannot have when rules; put them on a field');
        } else {
          c.fieldKnown(object, field, fieldPath);
        }
        rule.when?.forEach((when, i) => {
          c.known('tier', when.below, [...fieldPath, 'when', i, 'below']);
          c.conditionFields(object, when.if, [...fieldPath, 'when', i, 'if']);
          c.memberRefs(when.if, [...fieldPath, 'when', i, 'if']);
        });
      }
    }
  }
}

function checkObjects(c: Checker): void {
  for (const [object, settings] of Object.entries(c.policy.objects)) {
    settings.owner.forEach((field, i) =>
      c.fieldKnown(object, field, ['objects', object, 'owner', i]),
    );
  }
}

function checkRestrictions(c: Checker): void {
  c.unique(c.policy.restrictions, ['restrictions'], 'restriction');
  c.policy.restrictions.forEach((r, i) => {
    const path = ['restrictions', i];
    r.objects.forEach((o, j) => {
      c.known('object', o, [...path, 'objects', j]);
      c.conditionFields(o, r.where, [...path, 'where']);
    });
    c.memberRefs(r.where, [...path, 'where']);
    c.known('tier', r.tierBelow, [...path, 'tierBelow']);
    r.roles?.forEach((role, j) => c.known('role', role, [...path, 'roles', j]));
    r.members?.forEach((m, j) => c.known('member', m, [...path, 'members', j]));
  });
}

function checkLifecycle(c: Checker): void {
  const { adjustments, reviews, monitoring, security } = c.policy;
  c.unique(adjustments, ['adjustments'], 'adjustment');
  adjustments.forEach((a, i) => {
    const path = ['adjustments', i];
    a.roles.forEach((role, j) => c.known('role', role, [...path, 'roles', j]));
    c.known('object', a.metric.object, [...path, 'metric', 'object']);
    if (a.metric.aggregate === 'sum' && a.metric.field === undefined) {
      c.add([...path, 'metric', 'field'], 'aggregate sum needs a field');
    }
    c.conditionFields(a.metric.object, a.metric.where, [...path, 'metric', 'where']);
    a.promote.forEach((step, j) => c.known('tier', step.to, [...path, 'promote', j, 'to']));
    a.demote.forEach((step, j) => c.known('tier', step.to, [...path, 'demote', j, 'to']));
    c.known('tier', a.bounds?.min, [...path, 'bounds', 'min']);
    c.known('tier', a.bounds?.max, [...path, 'bounds', 'max']);
  });
  c.unique(reviews, ['reviews'], 'review');
  reviews.forEach((r, i) => {
    r.roles.forEach((role, j) => c.known('role', role, ['reviews', i, 'roles', j]));
    if (r.reviewer.startsWith('role:'))
      c.known('role', r.reviewer.slice(5), ['reviews', i, 'reviewer']);
  });
  c.unique(monitoring, ['monitoring'], 'monitoring rule');
  monitoring.forEach((m, i) => {
    if ((m.count === undefined) !== (m.window === undefined)) {
      c.add(['monitoring', i], 'count and window go together');
    }
    if (m.count === undefined && m.outsideHours === undefined) {
      c.add(['monitoring', i], 'a monitoring rule needs count and window, or outsideHours');
    }
  });
  for (const [key, member] of Object.entries(c.policy.gateway?.apiKeys ?? {}))
    c.known('member', member, ['gateway', 'apiKeys', key]);
  const governed = new Set([
    ...Object.keys(c.policy.objects),
    ...Object.values(c.policy.roles).flatMap((role) => Object.keys(role.objects)),
  ]);
  c.policy.gateway?.nativeObjects.forEach((object, i) => {
    if (governed.has(object))
      c.add(
        ['gateway', 'nativeObjects', i],
        `${object} is governed by the policy, so the gateway cannot leave it to Twenty`,
      );
  });
  security?.stepUp.forEach((action, i) => {
    if (!(STEP_UP_ACTIONS as readonly string[]).includes(action)) {
      c.add(
        ['security', 'stepUp', i],
        `unknown step-up action "${action}" (known: ${STEP_UP_ACTIONS.join(', ')})`,
      );
    }
  });
}

/** Every cross-reference problem of a policy whose shape is valid. */
/** The section that defines each kind of id. */
const SECTION_OF = {
  tier: 'tiers',
  role: 'roles',
  team: 'org',
  member: 'org',
  object: 'objects',
} as const;

/**
 * Every cross-reference problem of a policy. `unknowable` names sections that failed their
 * shape check and were left empty: references into them are not reported, since whether they
 * resolve cannot be known until the section is fixed.
 */
export function checkReferences(
  policy: Policy,
  unknowable: ReadonlySet<string> = new Set(),
): ReferenceIssue[] {
  const checker = new Checker(policy, unknowable);
  checkOrg(checker);
  checkObjects(checker);
  checkRoles(checker);
  checkRestrictions(checker);
  checkLifecycle(checker);
  return checker.issues;
}
