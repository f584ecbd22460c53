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
import { ACTIONS, conditionSchema, fieldKey, fieldStateValueSchema, SCOPES } from './schema.js';

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
    action: z.enum(ACTIONS).optional(),
    scope: z.enum(SCOPES).optional(),
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
