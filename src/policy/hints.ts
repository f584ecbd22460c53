/** What would allow a denied action: the explanations' "tier senior would allow team". */
import { describeScope } from './describe.js';
import type { PolicyIndex } from './policy-index.js';
import { scopeGrantsOf, type Action, type ScopeValue } from './schema.js';
import type { Source } from './sources.js';
import { stepAt } from './tier-map.js';

/** A tier-map value as a hint reads it: `team`, `scope own where …`, `own or team`. */
function describeValue(value: ScopeValue): string {
  return scopeGrantsOf(value)
    .map((g) => (typeof g === 'string' ? g : describeScope(g.scope, g.where)))
    .join(' or ');
}

/** Suggestions for a denial: a higher tier of the member's role, or another role. */
export function whatWouldAllow(
  index: PolicyIndex,
  base: Source,
  object: string,
  action: Action,
): string[] {
  const hints: string[] = [];
  if (base.kind === 'role') {
    const rules = index.policy.roles[base.role]?.objects[object];
    const current = stepAt<unknown>(rules?.[action], base.tierIndex, index.order)?.key;
    for (let t = base.tierIndex + 1; t < index.order.ids.length; t++) {
      const step = stepAt<unknown>(rules?.[action], t, index.order);
      const value = step?.value;
      // Only a tier with a value of its own changes anything; the others inherit the current one.
      if (step?.key === current || value === undefined || value === false || value === 'none')
        continue;
      const what = typeof value === 'boolean' ? action : describeValue(value as ScopeValue);
      hints.push(`tier ${index.order.ids[t] ?? ''} would allow ${what}`);
      break;
    }
  }
  for (const [roleId, role] of Object.entries(index.policy.roles)) {
    if (hints.length >= 3) break;
    if (base.kind === 'role' && roleId === base.role) continue;
    const map = role.objects[object]?.[action];
    const first = Object.keys(map ?? {})[0];
    if (first !== undefined && map && map[first] !== false && map[first] !== 'none') {
      hints.push(`role ${roleId} at tier ${first} would allow it`);
    }
  }
  return hints;
}
