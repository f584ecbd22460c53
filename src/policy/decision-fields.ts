/**
 * The fields of an object that decisions and field states read: its owner fields and every
 * field a `where`, a restriction or a `when` rule names. An enforcement point that judges
 * records it did not choose the fields of (a gateway reading a client's query) fetches these
 * beside what the client asked for, so the engine sees what it needs and nothing more.
 */
import { fieldsOfCondition, type Condition } from './condition.js';
import type { Policy, ScopeGrant } from './schema.js';

const SCOPED_ACTIONS = ['read', 'update', 'delete', 'destroy'] as const;

function whereOf(grant: ScopeGrant): Condition | undefined {
  return typeof grant === 'string' ? undefined : grant.where;
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
      for (const grant of Object.values(rules[action] ?? {})) {
        const where = whereOf(grant);
        if (where) fieldsOfCondition(where, fields);
      }
    }
    for (const rule of Object.values(rules.fields ?? {}))
      for (const when of rule.when ?? []) fieldsOfCondition(when.if, fields);
  }
  for (const restriction of policy.restrictions)
    if (restriction.where && restriction.objects.includes(object))
      fieldsOfCondition(restriction.where, fields);
  return [...fields].sort();
}
