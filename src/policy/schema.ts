/**
 * The policy file's schema, exactly the keys docs/policy.md §3 lists (plus additive extensions, each
 * marked). Shapes only: references between sections (tiers, roles, teams, members, objects) are
 * checked by `references.ts`, where the whole document is in view.
 */
import { z } from 'zod';
import { checkCondition } from './condition-check.js';
import { isOperatorName, type Condition } from './condition.js';
import { describeValue } from './issue-wording.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
/** A field of an object, or `field.subField` of a composite field. */
const FIELD_KEY = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$/;
/** ISO 8601 durations as used by the policy (P90D, PT5M, P3M, P1Y2M10DT2H30M). */
const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/**
 * A field or `field.subField`. The host's filter language reads `and`, `or`, `not` as logic and
 * an operator name under a composite as an operator, so such names could not be filtered on.
 */
export const fieldKey = z
  .string()
  .regex(FIELD_KEY, { error: 'expected a field name or field.subField' })
  .refine((key) => !['and', 'or', 'not'].includes(key.split('.')[0] ?? ''), {
    error: 'and, or and not are words of the host filter language and cannot name a field',
  })
  .refine((key) => !isOperatorName(key.split('.')[1] ?? ''), {
    error:
      'an operator name (eq, in, is…) cannot name a sub-field: the host would read it as the operator',
  });

const id = (what: string) =>
  z.string().regex(ID, {
    error: (issue) =>
      `${describeValue(issue.input)} is not ${what}: it may hold letters, digits and . _ : - and must start with a letter or digit`,
  });
const duration = z.string().regex(DURATION, {
  error: (issue) => `${describeValue(issue.input)} is not an ISO 8601 duration such as P90D`,
});

export const SCOPES = ['none', 'own', 'reports', 'team', 'teamTree', 'all'] as const;
export type Scope = (typeof SCOPES)[number];

export const ACTIONS = ['read', 'create', 'update', 'delete', 'destroy', 'export'] as const;
export type Action = (typeof ACTIONS)[number];
export const actionSchema = z.enum(ACTIONS).meta({ title: 'action' });
/** Actions whose value is a record scope (the others take true / false). */
export const SCOPED_ACTIONS = ['read', 'update', 'delete', 'destroy'] as const;
export type ScopedAction = (typeof SCOPED_ACTIONS)[number];

export const MASKS = ['last4', 'email-domain', 'initials', 'redact'] as const;
export type MaskKind = (typeof MASKS)[number];

export const FIELD_STATES = ['hidden', 'masked', 'read', 'edit'] as const;
export type FieldState = (typeof FIELD_STATES)[number];

/** Checked by `checkCondition`, so every problem inside a condition gets its own path. */
export const conditionSchema = z
  .custom<Condition>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    {
      error: 'a condition must be an object such as { stage: { eq: WON } }',
    },
  )
  .superRefine((value, ctx) => {
    for (const issue of checkCondition(value)) {
      ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
    }
  })
  .meta({ id: 'Condition' });

// Enums carry a title and no message of their own: `issue-wording.ts` words them from it,
// with the value given and the nearest valid one.
export const scopeSchema = z.enum(SCOPES).meta({ title: 'scope' });
const scope = scopeSchema;
export const scopeGrantSchema = z.union([
  scope,
  z.strictObject({ scope, where: conditionSchema.optional() }),
]);
export type ScopeGrant = z.infer<typeof scopeGrantSchema>;
/** Extension: a tier may hold several scopes; their union applies (docs/policy.md §8). */
export const scopeValueSchema = z.union([
  scopeGrantSchema,
  z
    .array(scopeGrantSchema)
    .min(1, { error: 'a list of scopes needs at least one scope' })
    .meta({ title: 'list of scopes' }),
]);
export type ScopeValue = z.infer<typeof scopeValueSchema>;

/** The scopes of a tier-map value, one or several, as a list. */
export function scopeGrantsOf(value: ScopeValue): readonly ScopeGrant[] {
  return Array.isArray(value) ? value : [value];
}

const maskSchema = z.strictObject({ mask: z.enum(MASKS).meta({ title: 'mask' }) });
export const fieldStateValueSchema = z.union([
  z.enum(['hidden', 'read', 'edit']).meta({ title: 'field state' }),
  maskSchema,
]);
export type FieldStateValue = z.infer<typeof fieldStateValueSchema>;

/** `{ tierId: value }`: a step function over the ordered tiers (docs/policy.md §4). */
const tierMap = <T extends z.ZodType>(value: T) => z.record(z.string(), value);

const whenRuleSchema = z.strictObject({
  if: conditionSchema,
  below: z.string().optional(),
  state: fieldStateValueSchema,
});
export type WhenRule = z.infer<typeof whenRuleSchema>;

/**
 * Extension: per-action tier maps of a field (`actions: { update: { senior: edit } }`). For that
 * action, the map's step value wins at the tiers where it has one; below its lowest key the
 * field's own map applies.
 */
const fieldActionsSchema = z.strictObject(
  Object.fromEntries(ACTIONS.map((a) => [a, tierMap(fieldStateValueSchema).optional()])) as Record<
    Action,
    z.ZodOptional<z.ZodRecord<z.ZodString, typeof fieldStateValueSchema>>
  >,
);

/** A field's tier map, with optional record-dependent `when` caps and per-action maps. */
export const fieldRuleSchema = z
  .object({ when: z.array(whenRuleSchema).optional(), actions: fieldActionsSchema.optional() })
  .catchall(fieldStateValueSchema);
export type FieldRule = z.infer<typeof fieldRuleSchema>;

const objectRulesSchema = z.strictObject({
  read: tierMap(scopeValueSchema).optional(),
  create: tierMap(z.boolean()).optional(),
  update: tierMap(scopeValueSchema).optional(),
  delete: tierMap(scopeValueSchema).optional(),
  destroy: tierMap(scopeValueSchema).optional(),
  export: tierMap(z.boolean()).optional(),
  fields: z.record(fieldKey, fieldRuleSchema).optional(),
});
export type ObjectRules = z.infer<typeof objectRulesSchema>;

const roleSchema = z.strictObject({
  label: z.string().min(1),
  duties: z.string().min(1, { error: 'a role states its duties' }),
  defaultTier: z.string().optional(),
  objects: z.record(z.string(), objectRulesSchema).default({}),
});
export type Role = z.infer<typeof roleSchema>;

const objectSettingsSchema = z.strictObject({
  owner: z.array(fieldKey).default([]),
  /** Extension: the object's fields as the host's data model has them, to check names against. */
  fields: z.array(fieldKey).optional(),
});
export type ObjectSettings = z.infer<typeof objectSettingsSchema>;

const attributeName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, {
  error: 'an attribute name holds letters, digits and _ and starts with a letter',
});
const attributeScalar = z.union([z.string(), z.number(), z.boolean()]);
const attributeValueSchema = z.union([attributeScalar, z.array(attributeScalar)]);

const memberSchema = z.strictObject({
  id: id('a member id'),
  email: z.string().optional(),
  name: z.string().optional(),
  role: z.string({
    error: (issue) =>
      issue.input === undefined ? 'a member needs a role' : 'role must be a role id',
  }),
  tier: z.string().optional(),
  teams: z.array(z.string()).default([]),
  manager: z.string().optional(),
  /** Extension: custom attributes (region, territory…) that conditions read as `$member.attributes.<name>`. */
  attributes: z.record(attributeName, attributeValueSchema).optional(),
});
export type Member = z.infer<typeof memberSchema>;

const teamSchema = z.strictObject({
  id: id('a team id'),
  label: z.string().optional(),
  children: z.array(z.string()).default([]),
});
export type Team = z.infer<typeof teamSchema>;

const restrictionSchema = z.strictObject({
  id: id('a restriction id'),
  reason: z.string().optional(),
  objects: z.array(z.string()).min(1),
  actions: z.array(actionSchema).min(1),
  tierBelow: z.string().optional(),
  /** Extensions: narrow a restriction to roles, members, or records matching a condition. */
  roles: z.array(z.string()).optional(),
  members: z.array(z.string()).optional(),
  where: conditionSchema.optional(),
});
export type Restriction = z.infer<typeof restrictionSchema>;

const adjustmentSchema = z.strictObject({
  id: id('an adjustment id'),
  roles: z.array(z.string()).min(1),
  metric: z.strictObject({
    object: z.string(),
    aggregate: z.enum(['count', 'sum']).meta({ title: 'aggregate' }),
    field: z.string().optional(),
    where: conditionSchema.optional(),
    window: duration,
    dateField: z.string(),
  }),
  promote: z.array(z.strictObject({ to: z.string(), atLeast: z.number() })).default([]),
  demote: z.array(z.strictObject({ to: z.string(), below: z.number() })).default([]),
  approval: z.enum(['required', 'auto']).meta({ title: 'approval mode' }).default('required'),
  cooldown: duration.optional(),
  bounds: z.strictObject({ min: z.string().optional(), max: z.string().optional() }).optional(),
});

const reviewSchema = z.strictObject({
  id: id('a review id'),
  every: duration,
  reviewer: z.string().regex(/^(manager|admin|role:.+)$/, {
    error: 'expected manager, admin or role:<roleId>',
  }),
  roles: z.array(z.string()).min(1),
  overdueAfter: duration.optional(),
  onOverdue: z
    .enum(['escalate', 'revoke-elevations'])
    .meta({ title: 'overdue action' })
    .default('escalate'),
});

const HOURS = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const monitoringRuleSchema = z.strictObject({
  id: id('a monitoring rule id'),
  event: z
    .enum(['read', 'create', 'update', 'delete', 'destroy', 'export', 'denied'])
    .meta({ title: 'monitored event' }),
  count: z.number().int().positive().optional(),
  window: duration.optional(),
  outsideHours: z.string().regex(HOURS, { error: 'expected HH:MM-HH:MM' }).optional(),
  action: z.enum(['alert', 'block', 'step-up']).meta({ title: 'monitoring action' }),
});

const securitySchema = z.strictObject({
  stepUp: z.array(z.string()).default([]),
  session: z
    .strictObject({
      idleMinutes: z.number().int().positive(),
      absoluteHours: z.number().int().positive(),
    })
    .optional(),
  export: z
    .strictObject({
      maxRowsWithoutStepUp: z.number().int().nonnegative(),
      /** Extension: the window rows are counted over (ISO 8601 duration); one hour by default. */
      window: duration.optional(),
    })
    .optional(),
});

const positiveInt = z.number().int().positive({ error: 'must be a positive integer' });

/** Extension: the enforcing gateway (`tiergate gateway`). */
const gatewaySchema = z.strictObject({
  /** API key id (as Twenty shows it) → the member whose permissions the key acts with. */
  apiKeys: z.record(z.string().min(1), z.string().min(1)).default({}),
  /**
   * Objects the policy does not govern that the gateway leaves to Twenty's own permissions
   * (what Twenty's web app reads beside records: favorites, workspace members…). Governed
   * records reached from them are still enforced. Every other object outside the policy is
   * refused.
   */
  nativeObjects: z.array(z.string().min(1)).default([]),
  /** GraphQL limits; each unset one keeps its default (src/gateway/core/limits.ts). */
  limits: z
    .strictObject({
      maxDepth: positiveInt.optional(),
      maxAliases: positiveInt.optional(),
      maxCost: positiveInt.optional(),
      maxTokens: positiveInt.optional(),
      maxDirectives: positiveInt.optional(),
      maxPageSize: positiveInt.optional(),
      maxOperationsPerBatch: positiveInt.optional(),
    })
    .default({}),
});
export type GatewaySettings = z.infer<typeof gatewaySchema>;

export const policySchema = z
  .strictObject({
    version: z.literal(1, { error: 'version must be 1' }),
    tiers: z
      .array(z.strictObject({ id: id('a tier id'), label: z.string().optional() }))
      .min(1, { error: 'at least one tier is needed' }),
    objects: z
      .record(
        z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, {
          error: 'expected an object name such as opportunity',
        }),
        objectSettingsSchema,
      )
      .default({}),
    org: z
      .strictObject({
        source: z.enum(['config', 'host']).meta({ title: 'org source' }).default('config'),
        teams: z.array(teamSchema).default([]),
        members: z.array(memberSchema).default([]),
        // Optional so existing policies still load; sync reads absent as lock (fail closed) and
        // plan says so (src/sync/unlisted.ts).
        unlisted: z.enum(['keep', 'lock']).optional().meta({
          description:
            'Workspace members the policy does not list: keep their Twenty role, or lock them (move them to a role with no record access). Default lock.',
        }),
      })
      .default({ source: 'config', teams: [], members: [] }),
    roles: z.record(id('a role id'), roleSchema),
    restrictions: z.array(restrictionSchema).default([]),
    adjustments: z.array(adjustmentSchema).default([]),
    reviews: z.array(reviewSchema).default([]),
    monitoring: z.array(monitoringRuleSchema).default([]),
    security: securitySchema.optional(),
    gateway: gatewaySchema.optional(),
  })
  .meta({ title: 'Tiergate policy', description: 'Who may do what in the CRM (docs/policy.md).' });

export type Policy = z.infer<typeof policySchema>;
