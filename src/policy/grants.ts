/**
 * Temporary grants: access added to one member until it expires (elevation, access requests,
 * break-glass). The caller (lifecycle) keeps them; the engine takes the list and honours only
 * those active at the injected clock's now.
 *
 * Three kinds, told apart by their keys:
 * - `{ role, tier? }`: the member also holds that role (at `tier`, else the role's defaultTier,
 *   else the member's tier);
 * - `{ tier }`: the member's own role at a higher tier (elevation);
 * - `{ object, action, scope?, where?, fields? }`: one action on one object.
 */
import { z } from 'zod';
import { formatPath, PolicyError } from './errors.js';
import { WORDED, wordIssues } from './issue-wording.js';
import {
  actionSchema,
  conditionSchema,
  fieldKey,
  fieldStateValueSchema,
  scopeSchema,
  type Policy,
} from './schema.js';

const instant = z.union([z.date(), z.iso.datetime({ offset: true })]);

export const temporaryGrantSchema = z
  .strictObject({
    id: z.string().min(1),
    member: z.string().min(1),
    expiresAt: instant,
    startsAt: instant.optional(),
    reason: z.string().optional(),
    role: z.string().optional(),
    tier: z.string().optional(),
    object: z.string().optional(),
    action: actionSchema.optional(),
    scope: scopeSchema.optional(),
    where: conditionSchema.optional(),
    fields: z.record(fieldKey, fieldStateValueSchema).optional(),
  })
  .superRefine((grant, ctx) => {
    const kinds = [grant.role !== undefined, grant.object !== undefined].filter(Boolean).length;
    if (kinds === 0 && grant.tier === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'a grant names a role, a tier, or an object and action',
      });
    }
    if (kinds > 1)
      ctx.addIssue({ code: 'custom', message: 'a grant names a role or an object, not both' });
    if (grant.object !== undefined && grant.action === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['action'],
        message: 'an object grant needs an action',
      });
    }
    if (grant.object !== undefined && grant.tier !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['tier'], message: 'an object grant takes no tier' });
    }
    const scoped =
      grant.action !== undefined && grant.action !== 'create' && grant.action !== 'export';
    if (grant.object !== undefined && scoped && grant.scope === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['scope'],
        message: `action ${grant.action ?? ''} needs a scope`,
      });
    }
  });

export type TemporaryGrant = z.input<typeof temporaryGrantSchema>;
export type ParsedGrant = z.output<typeof temporaryGrantSchema>;

/** What checking a grant needs of the compiled policy (the policy index has it). */
export interface GrantContext {
  readonly policy: Policy;
  readonly members: ReadonlyMap<string, unknown>;
  readonly order: { readonly index: ReadonlyMap<string, number> };
}

/** Parses grants and checks that what they name exists; throws PolicyError listing every problem. */
export function checkGrants(index: GrantContext, grants: readonly TemporaryGrant[]): ParsedGrant[] {
  const issues: { path: string; message: string }[] = [];
  const parsed: ParsedGrant[] = [];
  grants.forEach((grant, i) => {
    const result = temporaryGrantSchema.safeParse(grant, WORDED);
    if (!result.success) {
      for (const issue of wordIssues(result.error.issues, [i]))
        issues.push({ path: `grants${formatPath(issue.path)}`, message: issue.message });
      return;
    }
    const g = result.data;
    const unknown = (what: string, value: string | undefined, known: boolean): void => {
      if (value !== undefined && !known)
        issues.push({ path: `grants[${i}]`, message: `unknown ${what} "${value}"` });
    };
    unknown('member', g.member, index.members.has(g.member));
    unknown('role', g.role, g.role !== undefined && Object.hasOwn(index.policy.roles, g.role));
    unknown('tier', g.tier, g.tier !== undefined && index.order.index.has(g.tier));
    unknown(
      'object',
      g.object,
      g.object !== undefined && Object.hasOwn(index.policy.objects, g.object),
    );
    parsed.push(g);
  });
  if (issues.length > 0) throw new PolicyError(issues);
  return parsed;
}
