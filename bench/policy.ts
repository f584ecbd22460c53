/**
 * The Tiergate policy of the benchmark, generated from the neutral rules as a policy writer
 * would write it: sparse tier maps (a tier inherits the value of the tier below it), unions of
 * scopes as lists, the record-team scope as `{ scope: all, where: { teamId: { in:
 * $member.teams } } }`, one `default` for plain fields, per-action field overrides, the value
 * cap as a `when` rule, the restrictions as `restrictions`, and the data model declared
 * (`objects.X.fields`) so that projection uses the generated projector.
 */
import { validatePolicy, type Policy } from '../src/index.js';
import { LOCKED_FIELD, OBJECTS, TEAM_FIELD, type ObjectSpec } from './model.js';
import {
  BOOLEAN_RULES,
  CAP_BELOW,
  CLOSED,
  FIELD_RULES,
  RESTRICTIONS,
  ROLE,
  SCOPE_RULES,
  TIERS,
  VALUE_CAP,
  type Grant,
  type RestrictionTest,
  type ScopedAction,
} from './rules.js';
import type { Workload } from './workload.js';

type Json = Readonly<Record<string, unknown>>;

function grantValue(spec: ObjectSpec, grant: Grant): unknown {
  if (grant.scope === 'recordTeam')
    return { scope: 'all', where: { [TEAM_FIELD]: { in: '$member.teams' } } };
  return grant.openOnly
    ? { scope: grant.scope, where: { [spec.status]: { neq: CLOSED } } }
    : grant.scope;
}

function scopeMap(spec: ObjectSpec, action: ScopedAction): Json {
  const map: Record<string, unknown> = {};
  for (const [tier, grants] of Object.entries(SCOPE_RULES[action])) {
    const values = grants.map((g) => grantValue(spec, g));
    map[tier] = values.length === 1 ? values[0] : values;
  }
  return map;
}

function fieldRules(spec: ObjectSpec): Json {
  const rules: Record<string, unknown> = { default: FIELD_RULES.plain.tiers };
  for (const [field, kind] of spec.kinds) {
    if (kind === 'plain') continue;
    const { tiers, actions } = FIELD_RULES[kind];
    rules[field] = {
      ...tiers,
      ...(actions === undefined ? {} : { actions }),
      ...(kind === 'value'
        ? { when: [{ if: { [field]: { gt: VALUE_CAP } }, below: CAP_BELOW, state: 'hidden' }] }
        : {}),
    };
  }
  return rules;
}

function restrictionWhere(spec: ObjectSpec, test: RestrictionTest): Json {
  return test === 'closed' ? { [spec.status]: { eq: CLOSED } } : { [LOCKED_FIELD]: { eq: true } };
}

function restrictions(): Json[] {
  return RESTRICTIONS.flatMap((r) =>
    OBJECTS.map((spec) => ({
      id: `${r.id}-${spec.name}`,
      objects: [spec.name],
      actions: r.actions,
      tierBelow: r.below,
      where: restrictionWhere(spec, r.test),
    })),
  );
}

function objectRules(spec: ObjectSpec): Json {
  return {
    read: scopeMap(spec, 'read'),
    update: scopeMap(spec, 'update'),
    delete: scopeMap(spec, 'delete'),
    create: BOOLEAN_RULES.create,
    export: BOOLEAN_RULES.export,
    fields: fieldRules(spec),
  };
}

/** The policy as a plain object, before validation. */
export function policyDocument(workload: Workload): Json {
  return {
    version: 1,
    tiers: TIERS.map((id) => ({ id })),
    objects: Object.fromEntries(
      OBJECTS.map((spec) => [spec.name, { owner: [spec.owner], fields: spec.fields }]),
    ),
    org: {
      source: 'config',
      teams: workload.teams.map((t) => ({ id: t.id, children: t.children })),
      members: workload.members.map((m) => ({
        id: m.id,
        role: ROLE,
        tier: m.tier,
        teams: m.teams,
        ...(m.manager === undefined ? {} : { manager: m.manager }),
      })),
    },
    roles: {
      [ROLE]: {
        label: 'Sales representative',
        duties: 'Works opportunities, companies and people of the CRM.',
        objects: Object.fromEntries(OBJECTS.map((spec) => [spec.name, objectRules(spec)])),
      },
    },
    restrictions: restrictions(),
  };
}

/** The policy, checked by Tiergate's own validation. */
export function benchPolicy(workload: Workload): Policy {
  return validatePolicy(policyDocument(workload));
}
