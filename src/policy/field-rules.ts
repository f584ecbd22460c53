/**
 * Reading a field rule (docs/policy.md §11): its tier map is every key but `when`
 * and `actions`; `actions.<action>` is a tier map for that action alone, whose step value wins
 * at the tiers where it has one (its lowest key and above). Below that, the field's own map
 * applies. So `{ junior: read, actions: { update: { senior: edit } } }` reads from junior and
 * is editable on update from senior.
 */
import type { Action, FieldRule, FieldStateValue } from './schema.js';
import { stepAt, type TierOrder, type TierStep } from './tier-map.js';

/** Keys of a field rule that are not tiers. */
export const FIELD_RULE_KEYS = ['when', 'actions'] as const;

/** A field rule's own tier map, without `when` and `actions`. */
export function fieldTierMap(
  rule: FieldRule | undefined,
): Readonly<Record<string, FieldStateValue>> | undefined {
  if (!rule) return undefined;
  const { when: _when, actions: _actions, ...tiers } = rule;
  return tiers;
}

/** The rule's value for an action at a tier, and where it comes from (`actions.update.senior`). */
export function fieldStepAt(
  rule: FieldRule | undefined,
  action: Action | undefined,
  tierIndex: number,
  order: TierOrder,
): TierStep<FieldStateValue> | undefined {
  const perAction = action === undefined ? undefined : rule?.actions?.[action];
  const own = stepAt(perAction, tierIndex, order);
  if (own) return { value: own.value, key: `actions.${action ?? ''}.${own.key}` };
  return stepAt(fieldTierMap(rule), tierIndex, order);
}

/** Whether any rule of an object's fields has a per-action map: then field plans differ by action. */
export function hasActionRules(fields: Readonly<Record<string, FieldRule>> | undefined): boolean {
  if (!fields) return false;
  for (const rule of Object.values(fields)) if (rule.actions !== undefined) return true;
  return false;
}
