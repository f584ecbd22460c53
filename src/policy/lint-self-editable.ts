/**
 * Conditions a member can flip: a `where` on a scope, or a `when` on a field rule, that reads a
 * field the same role may edit at a tier the condition applies to. Such a member can change the
 * field and read or write what the condition guards in one request. A warning, not an error:
 * the policy is valid, but its guard is weaker than it reads.
 */
import { isOperatorName, isPlainObject, type Condition } from './condition.js';
import { formatPath } from './errors.js';
import { codeOf, EDIT } from './field-state.js';
import { fieldStepAt } from './field-rules.js';
import {
  SCOPED_ACTIONS,
  scopeGrantsOf,
  type FieldRule,
  type ObjectRules,
  type Policy,
  type ScopeValue,
} from './schema.js';
import { stepAt, tierOrder, type TierOrder } from './tier-map.js';

export interface PolicyWarning {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** Every field a condition reads, composite sub-fields as `field.subField`. */
export function fieldsReadBy(condition: Condition, into = new Set<string>()): Set<string> {
  for (const [key, value] of Object.entries(condition)) {
    if (key === 'and' || key === 'or') {
      for (const child of value as readonly Condition[]) fieldsReadBy(child, into);
    } else if (key === 'not') {
      fieldsReadBy(value as Condition, into);
    } else if (isPlainObject(value) && !Object.keys(value).some(isOperatorName)) {
      for (const sub of Object.keys(value)) into.add(`${key}.${sub}`);
    } else {
      into.add(key);
    }
  }
  return into;
}

/**
 * The rule that sets a field's state, as the engine picks it: its own, else (a sub-field) its
 * field's, else `default`.
 */
function ruleOf(
  fields: Readonly<Record<string, FieldRule>>,
  name: string,
): { key: string; rule: FieldRule | undefined } {
  if (Object.hasOwn(fields, name) && name !== 'default') return { key: name, rule: fields[name] };
  if (name.includes('.')) return ruleOf(fields, name.slice(0, name.indexOf('.')));
  return { key: 'default', rule: fields.default };
}

/** The path of the rule that lets the role edit the field at the tier, if it may. */
function editableBy(rules: ObjectRules, field: string, tier: number, order: TierOrder) {
  const update = stepAt<ScopeValue>(rules.update, tier, order)?.value;
  const scopes = update === undefined ? [] : scopeGrantsOf(update);
  if (scopes.every((g) => (typeof g === 'string' ? g : g.scope) === 'none')) return undefined;
  const { key, rule } = ruleOf(rules.fields ?? {}, field);
  const step = fieldStepAt(rule, 'update', tier, order);
  return step !== undefined && codeOf(step.value) === EDIT
    ? `fields.${key}.${step.key}`
    : undefined;
}

/** A condition and the tiers (indexes) it applies to. */
interface Guard {
  readonly path: readonly PropertyKey[];
  readonly condition: Condition;
  readonly tiers: readonly number[];
}

/** The `where` of each scope grant, at the tiers that take that grant (its key and above). */
function scopeGuards(base: readonly PropertyKey[], rules: ObjectRules, order: TierOrder): Guard[] {
  const guards: Guard[] = [];
  for (const action of SCOPED_ACTIONS) {
    for (const [key, value] of Object.entries(rules[action] ?? {})) {
      const tiers = order.ids
        .map((_, i) => i)
        .filter((i) => stepAt(rules[action], i, order)?.key === key);
      scopeGrantsOf(value).forEach((grant, i) => {
        if (typeof grant === 'string' || grant.where === undefined) return;
        const at = Array.isArray(value) ? [key, i] : [key];
        guards.push({ path: [...base, action, ...at, 'where'], condition: grant.where, tiers });
      });
    }
  }
  return guards;
}

/** The `if` of each `when` rule, at the tiers below its `below` (all without one). */
function whenGuards(base: readonly PropertyKey[], rules: ObjectRules, order: TierOrder): Guard[] {
  const guards: Guard[] = [];
  for (const [field, rule] of Object.entries(rules.fields ?? {})) {
    rule.when?.forEach((when, i) => {
      const below = when.below === undefined ? Infinity : (order.index.get(when.below) ?? 0);
      const tiers = order.ids.map((_, t) => t).filter((t) => t < below);
      guards.push({ path: [...base, 'fields', field, 'when', i, 'if'], condition: when.if, tiers });
    });
  }
  return guards;
}

function warningFor(guard: Guard, role: string, field: string, at: string[][]): PolicyWarning {
  const names = at.map(([tier]) => tier);
  const tiers = `tier${names.length === 1 ? '' : 's'} ${names.join(', ')}`;
  const rule = [...new Set(at.map(([, path]) => path))].join(', ');
  return {
    path: guard.path,
    message:
      `reads "${field}", which role ${role} may edit at ${tiers} (${rule}), so such a ` +
      `member can change it and read or write what this condition guards in one request: ` +
      `make "${field}" read-only for ${at.length === 1 ? 'that tier' : 'those tiers'}, or base ` +
      `the condition on a field they cannot edit`,
  };
}

/** Warnings for every condition a member of the role could flip by editing what it reads. */
export function lintSelfEditable(policy: Policy): PolicyWarning[] {
  const order = tierOrder(policy.tiers.map((t) => t.id));
  const warnings: PolicyWarning[] = [];
  for (const [role, { objects }] of Object.entries(policy.roles)) {
    for (const [object, rules] of Object.entries(objects)) {
      const base = ['roles', role, 'objects', object];
      for (const guard of [...scopeGuards(base, rules, order), ...whenGuards(base, rules, order)]) {
        for (const field of fieldsReadBy(guard.condition)) {
          const at = guard.tiers.flatMap((tier) => {
            const path = editableBy(rules, field, tier, order);
            return path === undefined ? [] : [[order.ids[tier] ?? '', path]];
          });
          if (at.length > 0) warnings.push(warningFor(guard, role, field, at));
        }
      }
    }
  }
  return warnings;
}

/** How a warning is printed: `warning: path: message`. */
export function formatWarning(warning: PolicyWarning): string {
  return `warning: ${formatPath(warning.path)}: ${warning.message}`;
}
