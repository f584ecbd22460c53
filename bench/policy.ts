/**
 * The Tiergate policy of the benchmark, generated from the neutral rules as a policy writer
 * would write it: sparse tier maps (a tier inherits the value of the tier below it), one
 * `default` for plain fields, the value cap as a `when` rule, and the data model declared
 * (`objects.X.fields`) so that projection uses the generated projector.
 */
import { validatePolicy, type Policy } from '../src/index.js';
import { OBJECTS, type ObjectSpec } from './model.js';
import {
  CAP_BELOW,
  CLOSED,
  FIELD_RULES,
  READ_RULE,
  ROLE,
  TIERS,
  VALUE_CAP,
  type ReadGrant,
  type TierMap,
} from './rules.js';
import type { Workload } from './workload.js';

type Json = Readonly<Record<string, unknown>>;

function readMap(spec: ObjectSpec): Json {
  const map: Record<string, unknown> = {};
  for (const [tier, grant] of Object.entries<ReadGrant>(READ_RULE)) {
    map[tier] = grant.openOnly
      ? { scope: grant.scope, where: { [spec.status]: { neq: CLOSED } } }
      : grant.scope;
  }
  return map;
}

function fieldRules(spec: ObjectSpec): Json {
  const rules: Record<string, unknown> = { default: FIELD_RULES.plain };
  for (const [field, kind] of spec.kinds) {
    if (kind === 'plain') continue;
    const tiers: TierMap<unknown> = FIELD_RULES[kind];
    rules[field] =
      kind === 'value'
        ? {
            ...tiers,
            when: [{ if: { [field]: { gt: VALUE_CAP } }, below: CAP_BELOW, state: 'hidden' }],
          }
        : tiers;
  }
  return rules;
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
        objects: Object.fromEntries(
          OBJECTS.map((spec) => [spec.name, { read: readMap(spec), fields: fieldRules(spec) }]),
        ),
      },
    },
  };
}

/** The policy, checked by Tiergate's own validation. */
export function benchPolicy(workload: Workload): Policy {
  return validatePolicy(policyDocument(workload));
}
