/**
 * The fields of an object that decisions and field states read: its owner fields and every
 * field a `where`, a restriction or a `when` rule names. An enforcement point that judges
 * records it did not choose the fields of (a gateway reading a client's query) fetches these
 * beside what the client asked for, so the engine sees what it needs and nothing more.
 */
import { fieldsOfCondition, isOperatorName, isPlainObject, type Condition } from './condition.js';
import { scopeGrantsOf, type Policy, type ScopeValue } from './schema.js';

const SCOPED_ACTIONS = ['read', 'update', 'delete', 'destroy'] as const;

/** The `where` conditions of a tier-map value (one scope or a union of several). */
function wheresOf(value: ScopeValue): Condition[] {
  return scopeGrantsOf(value).flatMap((grant) =>
    typeof grant === 'string' || grant.where === undefined ? [] : [grant.where],
  );
}

/** Top-level field names (`createdBy` for `createdBy.workspaceMemberId`), sorted. */
export function decisionFields(policy: Policy, object: string): string[] {
  const fields = new Set<string>();
  const settings = Object.hasOwn(policy.objects, object) ? policy.objects[object] : undefined;
  for (const owner of settings?.owner ?? []) fields.add(owner.split('.')[0] as string);
  for (const role of Object.values(policy.roles)) {
    const rules = Object.hasOwn(role.objects, object) ? role.objects[object] : undefined;
    if (!rules) continue;
    for (const action of SCOPED_ACTIONS) {
      for (const value of Object.values(rules[action] ?? {}))
        for (const where of wheresOf(value)) fieldsOfCondition(where, fields);
    }
    for (const rule of Object.values(rules.fields ?? {}))
      for (const when of rule.when ?? []) fieldsOfCondition(when.if, fields);
  }
  for (const restriction of policy.restrictions)
    if (restriction.where && restriction.objects.includes(object))
      fieldsOfCondition(restriction.where, fields);
  return [...fields].sort();
}

/**
 * The same fields with the sub-fields read of each composite: `createdBy` → {workspaceMemberId},
 * `amount` → {amountMicros}; a field read whole (a scalar, or a composite compared as a whole)
 * maps to null. So an enforcement point fetches what decisions read, not every sub-field.
 */
export function decisionPaths(policy: Policy, object: string): Map<string, Set<string> | null> {
  const paths = new Map<string, Set<string> | null>();
  const add = (field: string, sub: string | undefined): void => {
    if (sub === undefined) {
      paths.set(field, null);
      return;
    }
    const known = paths.get(field);
    if (known === null) return;
    if (known) known.add(sub);
    else paths.set(field, new Set([sub]));
  };
  const walk = (condition: Condition): void => {
    for (const [key, value] of Object.entries(condition)) {
      if (key === 'and' || key === 'or') {
        for (const child of value as readonly Condition[]) walk(child);
      } else if (key === 'not') {
        walk(value as Condition);
      } else if (isPlainObject(value) && !Object.keys(value).some(isOperatorName)) {
        for (const sub of Object.keys(value)) add(key, sub);
      } else add(key, undefined);
    }
  };
  const settings = Object.hasOwn(policy.objects, object) ? policy.objects[object] : undefined;
  for (const owner of settings?.owner ?? []) {
    const [field, sub] = owner.split('.') as [string, string | undefined];
    add(field, sub);
  }
  for (const role of Object.values(policy.roles)) {
    const rules = Object.hasOwn(role.objects, object) ? role.objects[object] : undefined;
    if (!rules) continue;
    for (const action of SCOPED_ACTIONS)
      for (const value of Object.values(rules[action] ?? {}))
        for (const where of wheresOf(value)) walk(where);
    for (const rule of Object.values(rules.fields ?? {}))
      for (const when of rule.when ?? []) walk(when.if);
  }
  for (const restriction of policy.restrictions)
    if (restriction.where && restriction.objects.includes(object)) walk(restriction.where);
  return paths;
}
