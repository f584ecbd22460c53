/**
 * Property-based tests of the engine's three promises (issue: "properties"):
 *
 * (a) `decide` on a record and `decide(...).filter`, run by the in-memory evaluator of the host's
 *     filter language, select exactly the same records;
 * (b) `project` never shows a hidden field nor an unmasked masked one, and agrees with
 *     `fieldState`;
 * (c) `loadPolicy` throws nothing but `PolicyError`, whatever the text.
 *
 * plus two extensions of (a): cached plans answer as fresh ones whichever way the clock moves,
 * and owner field names that the filter language would misread are refused.
 *
 * Each property has an example-based test showing that its check function does fail on a wrong
 * answer, so that a passing property is not a vacuous one. Tests named "… (found by the property
 * above)" pin shrunk counterexamples the properties found (fixed in 7cc4823); each fails on the
 * engine as it was before that commit.
 *
 * Failures print fast-check's seed and path; replay with `{ seed, path, endOnFailure: true }`.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { compileCondition, type Condition } from './condition.js';
import { compilePolicy, type Decision, type DecisionRequest, type FieldRequest } from './engine.js';
import { PolicyError } from './errors.js';
import type { TemporaryGrant } from './grants.js';
import { loadPolicy, validatePolicy } from './load.js';
import { applyMask } from './mask.js';
import {
  ACTIONS,
  MASKS,
  type FieldState,
  type FieldStateValue,
  type MaskKind,
  type Policy,
  type Scope,
} from './schema.js';

type Row = Readonly<Record<string, unknown>>;
type Plain = Record<string, unknown>;

const NOW = new Date('2026-06-30T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FIXTURE = readFileSync(new URL('./fixtures/policy-md.yaml', import.meta.url), 'utf8');

/** Runs per property: enough to matter, while the whole file stays well under 20 s. */
const RUNS = { decide: 300, members: 60, clock: 150, project: 1000, load: 400 } as const;

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (typeof value === 'function') return `[function ${value.name}]`;
  if (typeof value === 'symbol' || typeof value === 'bigint') return value.toString();
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return '[unserializable]';
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : show(error);
}

/** The counterexample's first lines in the assertion message, so a failure reads on its own. */
function expectNone(problems: readonly string[]): void {
  expect(problems.slice(0, 8)).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Generators: policies, grants and records
// ---------------------------------------------------------------------------------------------

const TIER_POOL = ['intern', 'junior', 'intermediate', 'senior', 'director'] as const;
const ROLE_POOL = ['sales-rep', 'analyst', 'lead'] as const;
const OBJECT_POOL = ['opportunity', 'person', 'company'] as const;
const TEAM_POOL = ['sales', 'emea', 'apac', 'support'] as const;
const MEMBER_POOL = Array.from({ length: 12 }, (_, i) => `m-${i}`);
const SCOPES: readonly Scope[] = ['none', 'own', 'reports', 'team', 'teamTree', 'all'];
/** Owner fields, one of them composite (Twenty's `createdBy` actor). */
const OWNER_FIELDS = ['ownerId', 'accountOwnerId', 'createdBy.workspaceMemberId', 'assigneeId'];
/** Every top-level field a generated record may hold (the data model, when declared). */
const RECORD_FIELDS = [
  'id',
  'ownerId',
  'accountOwnerId',
  'createdBy',
  'assigneeId',
  'stage',
  'score',
  'city',
  'notes',
  'amount',
  'name',
  'phones',
  'emails',
  'data',
  'teamId',
  'level',
  // Never on a record: the hand-written stand-in for a NULL member value compares with it.
  'neverSet',
];
/** Fields and sub-fields that role field rules name. */
const FIELD_RULE_KEYS = [
  'phones',
  'emails',
  'name',
  'amount',
  'stage',
  'city',
  'notes',
  'phones.primaryPhoneNumber',
  'emails.primaryEmail',
  'emails.additionalEmails',
  'name.firstName',
  'amount.amountMicros',
];
/** Composite sub-fields that a temporary grant's `fields` may name. */
const GRANT_SUB_FIELDS = [
  'phones.primaryPhoneNumber',
  'emails.primaryEmail',
  'emails.additionalEmails',
  'name.firstName',
  'amount.amountMicros',
];
/** What conditions test: fields, owner fields and composite sub-fields. */
const CONDITION_TARGETS = [
  'stage',
  'score',
  'city',
  'notes',
  'name',
  'ownerId',
  'assigneeId',
  'amount.amountMicros',
  'amount.currencyCode',
  'name.firstName',
  'name.lastName',
  'createdBy.workspaceMemberId',
  'phones.primaryPhoneNumber',
  'emails.primaryEmail',
  'data',
  'data.kind',
];

/** Mostly absent: tier maps and optional parts stay sparse, and shrink to absent. */
function sparse<T>(arb: fc.Arbitrary<T>, absentWeight = 2): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { arbitrary: fc.constant(undefined), weight: absentWeight },
    { arbitrary: arb, weight: 1 },
  );
}

function nullable<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary: arb, weight: 4 }, { arbitrary: fc.constant(null), weight: 1 });
}

/** References to the member that compare with one value (`region` is never a list). */
const SCALAR_REFS = ['$member.id', '$member.tier', '$member.attributes.region'] as const;
/** References that give a list, for `in`. */
const LIST_REFS = [
  '$member.teams',
  '$member.teamTree',
  '$member.reports',
  '$member.attributes.territories',
] as const;

const scalarOperand = fc.oneof(
  fc.constantFrom('NEW', 'CUSTOMER', 'won', 'Won', 'Paris', 'paris', '', '10', '2', 'm-1', 'USD'),
  fc.constantFrom(0, 1, 2, 10, -5, 2.5, 100_000_000_001),
  fc.boolean(),
);
const scalarOrRef = fc.oneof(
  { arbitrary: scalarOperand, weight: 4 },
  { arbitrary: fc.constantFrom(...SCALAR_REFS), weight: 1 },
);
const patternOperand = fc.constantFrom(
  '%',
  '',
  'N%',
  '%on',
  'W_n',
  'par%',
  '1%',
  'm-%',
  'C\\%',
  '%5%',
);

/** `{ op: operand }` for every operator of the filter language. */
const predicateArb: fc.Arbitrary<Plain> = fc.oneof(
  fc
    .tuple(fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte'), scalarOrRef)
    .map(([op, value]) => ({ [op]: value })),
  fc
    .array(fc.oneof(scalarOperand, fc.constant(null)), { minLength: 1, maxLength: 3 })
    .map((values) => ({ in: values })),
  fc.constantFrom(...LIST_REFS, ...SCALAR_REFS).map((ref) => ({ in: ref })),
  fc
    .tuple(
      fc.constantFrom('like', 'ilike', 'startsWith'),
      fc.oneof(patternOperand, fc.constant('$member.attributes.region')),
    )
    .map(([op, value]) => ({ [op]: value })),
  fc.constantFrom('NULL', 'NOT_NULL').map((value) => ({ is: value })),
);

/** `{ a: { op: v } }` or `{ a: { sub: { op: v } } }`, one or two fields. */
const fieldConditionArb: fc.Arbitrary<Condition> = fc
  .uniqueArray(fc.tuple(fc.constantFrom(...CONDITION_TARGETS), predicateArb), {
    minLength: 1,
    maxLength: 2,
    selector: ([target]) => target.split('.')[0],
  })
  .map((entries) => {
    const condition: Plain = {};
    for (const [target, predicate] of entries) {
      const [field, sub] = target.split('.') as [string, string | undefined];
      condition[field] = sub === undefined ? predicate : { [sub]: predicate };
    }
    return condition;
  });

/** A record field compared with the member fact it is usually compared with. */
const memberConditionArb: fc.Arbitrary<Condition> = fc.constantFrom<Condition>(
  { teamId: { in: '$member.teams' } },
  { teamId: { in: '$member.teamTree' } },
  { assigneeId: { in: '$member.reports' } },
  { assigneeId: { eq: '$member.id' } },
  { city: { eq: '$member.attributes.region' } },
  { city: { neq: '$member.attributes.region' } },
  { city: { in: '$member.attributes.territories' } },
  { level: { eq: '$member.tier' } },
  { level: { gte: '$member.tier' } },
);

const conditionArb: fc.Arbitrary<Condition> = fc.letrec<{ condition: Condition }>((tie) => ({
  condition: fc.oneof(
    { maxDepth: 3, depthSize: 'small', withCrossShrink: true },
    fieldConditionArb,
    memberConditionArb,
    fc.array(tie('condition'), { minLength: 1, maxLength: 3 }).map((and) => ({ and })),
    fc.array(tie('condition'), { minLength: 1, maxLength: 3 }).map((or) => ({ or })),
    tie('condition').map((not) => ({ not })),
    fc.tuple(fieldConditionArb, tie('condition')).map(([fields, not]) => ({ ...fields, not })),
  ),
})).condition;

const scopeArb = fc.constantFrom(...SCOPES);
type ScopeGrantInput = Scope | { scope: Scope; where?: Condition };
const oneScopeArb: fc.Arbitrary<ScopeGrantInput> = fc.oneof(
  scopeArb,
  fc.record(
    { scope: scopeArb, where: conditionArb },
    { requiredKeys: ['scope'], noNullPrototype: true },
  ),
);
/** A scope, or now and then a union of scopes. */
const scopeGrantArb: fc.Arbitrary<ScopeGrantInput | ScopeGrantInput[]> = fc.oneof(
  { arbitrary: oneScopeArb, weight: 3 },
  { arbitrary: fc.array(oneScopeArb, { minLength: 1, maxLength: 3 }), weight: 1 },
);
const fieldStateValueArb: fc.Arbitrary<FieldStateValue> = fc.oneof(
  fc.constantFrom('hidden' as const, 'read' as const, 'edit' as const),
  fc.constantFrom(...MASKS).map((mask) => ({ mask })),
);

/** A tier map over the whole tier pool; the world keeps the tiers it has. */
function tierValuesArb<T>(value: fc.Arbitrary<T>): fc.Arbitrary<(T | undefined)[]> {
  return fc.array(sparse(value), { minLength: TIER_POOL.length, maxLength: TIER_POOL.length });
}

const whenRuleRaw = fc.record(
  {
    if: conditionArb,
    below: fc.option(fc.nat(TIER_POOL.length - 1), { nil: undefined }),
    state: fieldStateValueArb,
  },
  { noNullPrototype: true },
);
const fieldRuleRaw = fc.record(
  {
    tiers: tierValuesArb(fieldStateValueArb),
    when: fc.array(whenRuleRaw, { maxLength: 2 }),
    actions: sparse(
      fc.uniqueArray(fc.tuple(fc.constantFrom(...ACTIONS), tierValuesArb(fieldStateValueArb)), {
        maxLength: 2,
        selector: ([action]) => action,
      }),
    ),
  },
  { noNullPrototype: true },
);
const objectRulesRaw = fc.record(
  {
    read: sparse(tierValuesArb(scopeGrantArb), 1),
    update: sparse(tierValuesArb(scopeGrantArb), 1),
    delete: sparse(tierValuesArb(scopeGrantArb), 1),
    destroy: sparse(tierValuesArb(scopeGrantArb), 1),
    create: sparse(tierValuesArb(fc.boolean()), 1),
    export: sparse(tierValuesArb(fc.boolean()), 1),
    default: sparse(tierValuesArb(fieldStateValueArb), 1),
    fields: fc.uniqueArray(fc.tuple(fc.constantFrom(...FIELD_RULE_KEYS), fieldRuleRaw), {
      maxLength: 4,
      selector: ([key]) => key,
    }),
  },
  { noNullPrototype: true },
);
const roleRaw = fc.record(
  {
    defaultTier: fc.option(fc.nat(TIER_POOL.length - 1), { nil: undefined }),
    objects: fc.array(sparse(objectRulesRaw, 1), {
      minLength: OBJECT_POOL.length,
      maxLength: OBJECT_POOL.length,
    }),
  },
  { noNullPrototype: true },
);
const memberRaw = fc.record(
  {
    role: fc.nat(ROLE_POOL.length - 1),
    tier: fc.option(fc.nat(TIER_POOL.length - 1), { nil: undefined }),
    teams: fc.subarray([...TEAM_POOL], { maxLength: 2 }),
    manager: fc.option(fc.nat(MEMBER_POOL.length - 1), { nil: undefined }),
    region: sparse(scalarOperand, 1),
    territories: sparse(fc.array(scalarOperand, { maxLength: 2 }), 1),
  },
  { noNullPrototype: true },
);
const restrictionRaw = fc.record(
  {
    objects: fc.subarray([...OBJECT_POOL], { minLength: 1 }),
    actions: fc.subarray([...ACTIONS], { minLength: 1, maxLength: 3 }),
    tierBelow: fc.option(fc.nat(TIER_POOL.length - 1), { nil: undefined }),
    roles: fc.option(fc.subarray([...ROLE_POOL]), { nil: undefined }),
    members: fc.option(fc.subarray(MEMBER_POOL, { maxLength: 3 }), { nil: undefined }),
    where: sparse(conditionArb, 1),
  },
  { noNullPrototype: true },
);
const grantRaw = fc.record(
  {
    member: fc.nat(MEMBER_POOL.length - 1),
    kind: fc.oneof(
      { arbitrary: fc.constantFrom('role' as const, 'tier' as const), weight: 1 },
      { arbitrary: fc.constant('object' as const), weight: 1 },
    ),
    role: fc.nat(ROLE_POOL.length - 1),
    tier: fc.option(fc.nat(TIER_POOL.length - 1), { nil: undefined }),
    object: fc.nat(OBJECT_POOL.length - 1),
    action: fc.oneof(fc.constant('read' as const), fc.constantFrom(...ACTIONS)),
    scope: fc.oneof(fc.constant('all' as const), scopeArb),
    where: sparse(conditionArb, 1),
    // `fields`: a default, a composite field and one of its sub-fields, another field (each maybe).
    fields: sparse(
      fc.record(
        {
          default: sparse(fieldStateValueArb, 1),
          sub: fc.constantFrom(...GRANT_SUB_FIELDS),
          field: sparse(fieldStateValueArb, 1),
          subState: fieldStateValueArb,
          other: sparse(fc.tuple(fc.constantFrom('stage', 'notes', 'city'), fieldStateValueArb), 1),
        },
        { noNullPrototype: true },
      ),
      1,
    ),
    // Expired, expiring within the hour, or active for a day; maybe not started yet.
    expiresIn: fc.constantFrom(-DAY, HOUR, DAY),
    startsIn: sparse(fc.constantFrom(-2 * DAY, 30 * 60_000)),
  },
  { noNullPrototype: true },
);

function grantFields(raw: {
  default?: FieldStateValue | undefined;
  sub: string;
  field?: FieldStateValue | undefined;
  subState: FieldStateValue;
  other?: [string, FieldStateValue] | undefined;
}): Record<string, FieldStateValue> {
  const fields: Record<string, FieldStateValue> = {};
  if (raw.default !== undefined) fields.default = raw.default;
  if (raw.field !== undefined) fields[raw.sub.split('.')[0] as string] = raw.field;
  fields[raw.sub] = raw.subState;
  if (raw.other !== undefined) fields[raw.other[0]] = raw.other[1];
  return fields;
}

interface WorldOptions {
  /** Owner fields to draw from (the default pool holds ordinary names). */
  readonly ownerFields?: readonly string[];
}

/** A generated policy (as given to the loader), the temporary grants, and the names in play. */
interface WorldDraft {
  readonly input: Plain;
  readonly grants: readonly TemporaryGrant[];
  readonly members: readonly string[];
  readonly objects: readonly string[];
}

/** A draft whose policy passed validation. */
interface World extends WorldDraft {
  readonly policy: Policy;
}

/** Random worlds, valid by construction: a PolicyError here is a generator bug, fix the generator. */
function worldArb(options: WorldOptions = {}): fc.Arbitrary<World> {
  return worldDraftArb(options).map((draft) => ({
    ...draft,
    policy: validatePolicy(structuredClone(draft.input)),
  }));
}

function worldDraftArb(options: WorldOptions = {}): fc.Arbitrary<WorldDraft> {
  const ownerPool = options.ownerFields ?? OWNER_FIELDS;
  return fc
    .record(
      {
        tiers: fc.shuffledSubarray([...TIER_POOL], { minLength: 1 }),
        memberCount: fc.integer({ min: 2, max: MEMBER_POOL.length }),
        members: fc.array(memberRaw, {
          minLength: MEMBER_POOL.length,
          maxLength: MEMBER_POOL.length,
        }),
        teamCount: fc.integer({ min: 0, max: TEAM_POOL.length }),
        teamParents: fc.array(fc.option(fc.nat(TEAM_POOL.length - 1), { nil: undefined }), {
          minLength: TEAM_POOL.length,
          maxLength: TEAM_POOL.length,
        }),
        roleCount: fc.integer({ min: 1, max: ROLE_POOL.length }),
        roles: fc.array(roleRaw, { minLength: ROLE_POOL.length, maxLength: ROLE_POOL.length }),
        objects: fc.subarray([...OBJECT_POOL], { minLength: 1 }),
        owners: fc.array(fc.subarray([...ownerPool], { minLength: 1, maxLength: 2 }), {
          minLength: OBJECT_POOL.length,
          maxLength: OBJECT_POOL.length,
        }),
        declared: fc.array(fc.boolean(), {
          minLength: OBJECT_POOL.length,
          maxLength: OBJECT_POOL.length,
        }),
        restrictions: fc.array(restrictionRaw, { maxLength: 3, size: 'max' }),
        grants: fc.array(grantRaw, { maxLength: 4, size: 'max' }),
      },
      { noNullPrototype: true },
    )
    .map((raw) => {
      const tiers = raw.tiers;
      const tierAt = (index: number): string => tiers[index % tiers.length] as string;
      const tierMap = <T>(values: readonly (T | undefined)[]): Record<string, T> => {
        const map: Record<string, T> = {};
        TIER_POOL.forEach((tier, i) => {
          const value = values[i];
          if (value !== undefined && tiers.includes(tier)) map[tier] = value;
        });
        return map;
      };
      const roleIds = ROLE_POOL.slice(0, raw.roleCount);
      const memberIds = MEMBER_POOL.slice(0, raw.memberCount);
      const teamIds = TEAM_POOL.slice(0, raw.teamCount);
      const objects = raw.objects;

      const objectSettings: Plain = {};
      OBJECT_POOL.forEach((object, i) => {
        if (!objects.includes(object)) return;
        const owner = raw.owners[i] ?? [];
        const settings: Plain = { owner };
        if (raw.declared[i] === true) {
          const tops = owner.map((f) => f.split('.')[0] as string);
          settings.fields = [...new Set([...RECORD_FIELDS, ...tops])];
        }
        objectSettings[object] = settings;
      });

      const roles: Plain = {};
      roleIds.forEach((roleId, r) => {
        const rawRole = raw.roles[r];
        const role: Plain = { label: roleId, duties: `Duties of ${roleId}.` };
        if (rawRole?.defaultTier !== undefined) role.defaultTier = tierAt(rawRole.defaultTier);
        const rules: Plain = {};
        OBJECT_POOL.forEach((object, o) => {
          const rawRules = rawRole?.objects[o];
          if (!objects.includes(object) || rawRules === undefined) return;
          const out: Plain = {};
          for (const action of [
            'read',
            'update',
            'delete',
            'destroy',
            'create',
            'export',
          ] as const) {
            const values = rawRules[action];
            if (values !== undefined) out[action] = tierMap<unknown>(values);
          }
          const fields: Plain = {};
          if (rawRules.default !== undefined) fields.default = tierMap(rawRules.default);
          for (const [key, rule] of rawRules.fields) {
            const field: Plain = { ...tierMap(rule.tiers) };
            if (rule.actions !== undefined && rule.actions.length > 0)
              field.actions = Object.fromEntries(
                rule.actions.map(([action, values]) => [action, tierMap(values)]),
              );
            if (rule.when.length > 0)
              field.when = rule.when.map((w) => ({
                if: w.if,
                ...(w.below === undefined ? {} : { below: tierAt(w.below) }),
                state: w.state,
              }));
            fields[key] = field;
          }
          if (Object.keys(fields).length > 0) out.fields = fields;
          rules[object] = out;
        });
        role.objects = rules;
        roles[roleId] = role;
      });

      const teams = teamIds.map((id, i) => ({
        id,
        children: teamIds.filter(
          (_, j) => j > i && raw.teamParents[j] !== undefined && raw.teamParents[j] % j === i,
        ),
      }));
      const members = memberIds.map((id, i) => {
        const m = raw.members[i];
        const roleId = roleIds[(m?.role ?? 0) % roleIds.length] as string;
        const role = roles[roleId] as Plain;
        const member: Plain = { id, role: roleId };
        if (m?.tier !== undefined) member.tier = tierAt(m.tier);
        else if (role.defaultTier === undefined) member.tier = tiers[0];
        const memberTeams = (m?.teams ?? []).filter((t) =>
          (teamIds as readonly string[]).includes(t),
        );
        if (memberTeams.length > 0) member.teams = memberTeams;
        // A manager among the earlier members: the manager tree is acyclic by construction.
        if (m?.manager !== undefined && i > 0) member.manager = memberIds[m.manager % i];
        // The first member always has both attributes, so references to them validate.
        const region = i === 0 ? (m?.region ?? 'Paris') : m?.region;
        const territories = i === 0 ? (m?.territories ?? ['Paris']) : m?.territories;
        const attributes: Plain = {};
        if (region !== undefined) attributes.region = region;
        if (territories !== undefined) attributes.territories = territories;
        if (Object.keys(attributes).length > 0) member.attributes = attributes;
        return member;
      });

      const restrictions = raw.restrictions.flatMap((r, i) => {
        const restricted = r.objects.filter((o) => objects.includes(o));
        if (restricted.length === 0) return [];
        const restriction: Plain = {
          id: `restriction-${i}`,
          objects: restricted,
          actions: r.actions,
        };
        if (r.tierBelow !== undefined) restriction.tierBelow = tierAt(r.tierBelow);
        if (r.roles !== undefined)
          restriction.roles = r.roles.filter((role) =>
            (roleIds as readonly string[]).includes(role),
          );
        if (r.members !== undefined)
          restriction.members = r.members.filter((m) => memberIds.includes(m));
        if (r.where !== undefined) restriction.where = r.where;
        return [restriction];
      });

      const grants = raw.grants.map((g, i): TemporaryGrant => {
        const base = {
          id: `g${i}`,
          member: memberIds[g.member % memberIds.length] as string,
          expiresAt: new Date(NOW.getTime() + g.expiresIn).toISOString(),
          ...(g.startsIn === undefined ? {} : { startsAt: new Date(NOW.getTime() + g.startsIn) }),
        };
        if (g.kind === 'role') {
          return {
            ...base,
            role: roleIds[g.role % roleIds.length],
            ...(g.tier === undefined ? {} : { tier: tierAt(g.tier) }),
          };
        }
        if (g.kind === 'tier') return { ...base, tier: tierAt(g.tier ?? 0) };
        return {
          ...base,
          object: objects[g.object % objects.length],
          action: g.action,
          scope: g.scope,
          ...(g.where === undefined ? {} : { where: g.where }),
          ...(g.fields === undefined ? {} : { fields: grantFields(g.fields) }),
        };
      });

      const input: Plain = {
        version: 1,
        tiers: tiers.map((id) => ({ id })),
        objects: objectSettings,
        org: { teams, members },
        roles,
        restrictions,
      };
      return { input, grants, members: memberIds, objects };
    });
}

const MEMBER_LIKE = ['ghost', '', 'M-0', 'm-00'];
const ownerValueArb = fc.oneof(
  // Mostly the first members, present in every org, so that own/team/reports often match.
  { arbitrary: fc.constantFrom(...MEMBER_POOL.slice(0, 3)), weight: 3 },
  { arbitrary: fc.constantFrom(...MEMBER_POOL), weight: 2 },
  { arbitrary: fc.constantFrom(...MEMBER_LIKE), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);
const textArb = fc.oneof(
  fc.constantFrom('NEW', 'CUSTOMER', 'won', 'Won', 'Paris', 'paris', '', '10', '2', 'm-1', 'Nwon'),
  // Team and tier ids, so that conditions about the member's teams and tier match records.
  fc.constantFrom(...TEAM_POOL, 'junior', 'senior'),
  fc.string({ maxLength: 10 }),
);
const numberArb = fc.oneof(
  fc.constantFrom(0, 1, 2, 10, -5, 2.5, 100_000_000_001),
  fc.integer({ min: -1000, max: 1_000_000 }),
);
const phoneArb = fc.oneof(
  fc.constantFrom('5550101', '+33 6 12 34 56 78', '12', '', '0123456789'),
  fc.stringMatching(/^[0-9]{1,12}$/),
  fc.integer({ min: 0, max: 99_999_999 }),
);
const emailArb = fc.oneof(
  fc.constantFrom('ann@acme.test', 'bob@', '@acme.test', 'plain', '', 'a@b@c.test'),
  fc.emailAddress(),
);
const nameTextArb = fc.oneof(
  fc.constantFrom('Ann', 'Mary Jane', '', ' Ann  Lee ', 'élodie'),
  fc.string({ maxLength: 8 }),
);

/** Marks a key to leave out of a generated row. */
const MISSING = Symbol('missing');

/** A row whose keys are each missing one time in five (`id` never). */
function rowArb(model: Readonly<Record<string, fc.Arbitrary<unknown>>>): fc.Arbitrary<Plain> {
  const withMissing: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, arb] of Object.entries(model))
    withMissing[key] =
      key === 'id'
        ? arb
        : fc.oneof({ arbitrary: arb, weight: 4 }, { arbitrary: fc.constant(MISSING), weight: 1 });
  return fc
    .record(withMissing, { noNullPrototype: true })
    .map((row) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== MISSING)));
}

/** A record of any of the objects: owners, scalars, composites, with nulls and missing keys. */
const recordArb: fc.Arbitrary<Row> = rowArb({
  // Host records always have an id (MATCH_NONE, `id is NULL`, relies on it).
  id: fc.constantFrom('r1', 'r2', 'r3'),
  ownerId: ownerValueArb,
  accountOwnerId: ownerValueArb,
  assigneeId: ownerValueArb,
  createdBy: nullable(
    rowArb({ workspaceMemberId: ownerValueArb, source: fc.constantFrom('MANUAL', 'API') }),
  ),
  stage: nullable(fc.oneof({ arbitrary: textArb, weight: 3 }, { arbitrary: numberArb, weight: 1 })),
  teamId: nullable(fc.constantFrom(...TEAM_POOL, 'ghost')),
  level: nullable(fc.constantFrom(...TIER_POOL)),
  score: nullable(fc.oneof({ arbitrary: numberArb, weight: 3 }, { arbitrary: textArb, weight: 1 })),
  city: nullable(textArb),
  notes: nullable(textArb),
  amount: nullable(
    rowArb({
      amountMicros: nullable(numberArb),
      currencyCode: nullable(fc.constantFrom('USD', 'EUR')),
    }),
  ),
  name: nullable(
    fc.oneof(
      nameTextArb,
      rowArb({ firstName: nullable(nameTextArb), lastName: nullable(nameTextArb) }),
    ),
  ),
  phones: nullable(
    rowArb({
      primaryPhoneNumber: nullable(phoneArb),
      primaryPhoneCountryCode: nullable(fc.constantFrom('+1', '+33', 'FR')),
      additionalPhones: fc.array(phoneArb, { maxLength: 2 }),
    }),
  ),
  emails: nullable(
    rowArb({
      primaryEmail: nullable(emailArb),
      additionalEmails: nullable(fc.array(emailArb, { maxLength: 2 })),
    }),
  ),
});
const recordsArb = fc.array(recordArb, { minLength: 1, maxLength: 6 });

/**
 * A JSON value as a host JSON field may hold it: nested objects and lists whose keys include
 * names that objects inherit (`toString`, `valueOf`, `constructor`).
 */
const jsonFieldArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 2 },
    fc.oneof(
      textArb,
      numberArb,
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(...MEMBER_POOL.slice(0, 3)),
    ),
    fc.array(tie('value'), { maxLength: 3 }),
    fc
      .uniqueArray(
        fc.tuple(
          fc.oneof(
            fc.constantFrom('toString', 'valueOf', 'constructor', 'kind'),
            fc.string({ maxLength: 3 }),
          ),
          tie('value'),
        ),
        { maxLength: 3, selector: ([key]) => key },
      )
      .map((entries) => {
        const object: Plain = {};
        for (const [key, value] of entries) setOwn(object, key, value);
        return object;
      }),
  ),
})).value;

function engineOf(world: World, now: () => Date = () => NOW) {
  return compilePolicy(world.policy, { now, grants: world.grants });
}

// ---------------------------------------------------------------------------------------------
// (a) decide and its host filter
// ---------------------------------------------------------------------------------------------

/**
 * The records on which the host filter (run by the in-memory evaluator) and `allows` disagree.
 * A filter the evaluator cannot even run is a disagreement on every record.
 */
function filterDisagreements(
  filter: Condition,
  allows: (record: Row) => boolean,
  records: readonly Row[],
): string[] {
  let select: (record: Row) => boolean;
  try {
    const compiled = compileCondition(filter);
    select = (record) => compiled(record) === true;
  } catch (error) {
    return [`the filter ${show(filter)} does not compile: ${errorText(error)}`];
  }
  const problems: string[] = [];
  for (const record of records) {
    let selected: boolean;
    try {
      selected = select(record);
    } catch (error) {
      problems.push(`the filter ${show(filter)} throws on ${show(record)}: ${errorText(error)}`);
      continue;
    }
    let allowed: boolean;
    try {
      allowed = allows(record);
    } catch (error) {
      problems.push(`decide throws on ${show(record)}: ${errorText(error)}`);
      continue;
    }
    if (selected !== allowed)
      problems.push(
        `${show(record)}: the filter ${selected ? 'selects' : 'drops'} it but decide ${allowed ? 'allows' : 'denies'} (filter ${show(filter)})`,
      );
  }
  return problems;
}

interface Decider {
  decide(request: DecisionRequest): Decision;
}

/** Every (member, object, action) of the world, plus an unknown member: filter vs decide. */
function decideDisagreements(engine: Decider, world: World, records: readonly Row[]): string[] {
  const problems: string[] = [];
  for (const member of [...world.members, 'm-unknown'])
    for (const object of world.objects)
      for (const action of ACTIONS) {
        const { filter } = engine.decide({ member, object, action });
        const allows = (record: Row) =>
          engine.decide({ member, object, action, record }).effect === 'allow';
        for (const problem of filterDisagreements(filter, allows, records))
          problems.push(`${member} ${action} ${object}: ${problem}`);
      }
  return problems;
}

/**
 * For owner field names the filter language may misread: validation rejects the policy, with
 * every issue on an owner entry (or on the same name in the declared data model), or decide and
 * the host filter agree on every record.
 */
function ownerNameProblems(draft: WorldDraft, records: readonly Row[]): string[] {
  let policy: Policy;
  try {
    policy = validatePolicy(structuredClone(draft.input));
  } catch (error) {
    if (!(error instanceof PolicyError)) return [`validation threw ${errorText(error)}`];
    return error.issues
      .filter((issue) => !/^objects\.[A-Za-z]\w*\.(owner|fields)\[\d+\]$/.test(issue.path))
      .map((issue) => `rejected, but not for an owner name: ${issue.path}: ${issue.message}`);
  }
  const world: World = { ...draft, policy };
  return decideDisagreements(engineOf(world), world, records);
}

/** One member reading `task` records that it owns, by `owner`. */
function ownTaskDraft(owner: string): WorldDraft {
  return {
    input: {
      version: 1,
      tiers: [{ id: 't' }],
      objects: { task: { owner: [owner] } },
      org: { members: [{ id: 'm-0', role: 'r', tier: 't' }] },
      roles: { r: { label: 'R', duties: 'Does.', objects: { task: { read: { t: 'own' } } } } },
    },
    grants: [],
    members: ['m-0'],
    objects: ['task'],
  };
}

describe('decide and its host filter', () => {
  it('select exactly the same records for random policies, members, grants and records', () => {
    fc.assert(
      fc.property(worldArb(), recordsArb, (world, records) => {
        expectNone(decideDisagreements(engineOf(world), world, records));
      }),
      { numRuns: RUNS.decide },
    );
  });

  it('select the same records, and never throw, when a field holds any JSON value', () => {
    // `data` holds any JSON; now and then an owner field holds JSON too (a list, an object).
    const withJson = fc
      .tuple(recordArb, jsonFieldArb, sparse(jsonFieldArb, 3))
      .map(([record, data, owner]): Row => ({
        ...record,
        data,
        ...(owner === undefined ? {} : { ownerId: owner }),
      }));
    fc.assert(
      fc.property(
        worldArb(),
        fc.array(withJson, { minLength: 1, maxLength: 6 }),
        (world, records) => {
          expectNone(decideDisagreements(engineOf(world), world, records));
        },
      ),
      { numRuns: RUNS.decide },
    );
  });

  it('select exactly the same records when an owner field is named like a word of the filter language, or the policy is rejected', () => {
    // Owner paths that collide with `and`/`or`/`not`, or with an operator used as a sub-field:
    // validation must reject them (citing the owner entry), or the host filter must still mean
    // "owner is one of …".
    const ownerFields = ['ownerId', 'not', 'and', 'createdBy.in', 'createdBy.is', 'createdBy.eq'];
    const keywordRecord = rowArb({
      id: fc.constant('r1'),
      ownerId: ownerValueArb,
      not: ownerValueArb,
      and: ownerValueArb,
      createdBy: nullable(rowArb({ in: ownerValueArb, is: ownerValueArb, eq: ownerValueArb })),
    });
    fc.assert(
      fc.property(
        worldDraftArb({ ownerFields }),
        fc.array(keywordRecord, { minLength: 1, maxLength: 4 }),
        (draft, records) => {
          expectNone(ownerNameProblems(draft, records));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('has a check that detects a filter wrong by construction', () => {
    const policy = loadPolicy(FIXTURE);
    const engine = compilePolicy(policy, { now: () => NOW });
    const request = { member: 'm-alice', object: 'opportunity', action: 'update' } as const;
    const allows = (record: Row) => engine.decide({ ...request, record }).effect === 'allow';
    const records: Row[] = [
      { id: 'o1', ownerId: 'm-alice', stage: 'NEW' },
      { id: 'o2', ownerId: 'm-alice', stage: 'CUSTOMER' },
      { id: 'o3', ownerId: 'm-bob', stage: 'NEW' },
      { id: 'o4', ownerId: 'm-alice' },
    ];
    // The real filter agrees with decide on every record…
    expect(filterDisagreements(engine.decide(request).filter, allows, records)).toEqual([]);
    // …one that forgets the `where` (stage neq CUSTOMER) selects o2, which decide denies…
    const forgetsWhere: Condition = { ownerId: { in: ['m-alice'] } };
    expect(filterDisagreements(forgetsWhere, allows, records)).toHaveLength(2);
    // …one that reads `neq` as two-valued (a missing stage passes) selects o4 too…
    const twoValued: Condition = {
      and: [
        { ownerId: { in: ['m-alice'] } },
        { or: [{ stage: { neq: 'CUSTOMER' } }, { stage: { is: 'NULL' } }] },
      ],
    };
    expect(filterDisagreements(twoValued, allows, records)).toHaveLength(1);
    // …and one the evaluator cannot run is reported, not thrown.
    const malformed = { and: { ownerId: { in: ['m-alice'] } } } as unknown as Condition;
    expect(filterDisagreements(malformed, allows, records)).not.toEqual([]);
  });

  it('selects by an owner field called "not", or rejects it (found by the property above)', () => {
    // Was: the filter { not: { in: [m-0] } } negates instead of testing the field "not".
    expectNone(
      ownerNameProblems(ownTaskDraft('not'), [
        { id: 'r1', not: 'm-0' },
        { id: 'r2', not: 'm-1' },
      ]),
    );
  });

  it('selects by a composite owner whose sub-field is called "is", or rejects it (found by the property above)', () => {
    // Was: { createdBy: { is: { in: [m-0] } } } reads as "createdBy IS NOT NULL", so the host
    // would return another member's record.
    expectNone(
      ownerNameProblems(ownTaskDraft('createdBy.is'), [
        { id: 'r1', createdBy: { is: 'm-0' } },
        { id: 'r2', createdBy: { is: 'm-1' } },
      ]),
    );
  });

  it('decides on a record whose JSON field has a "toString" key (found by the property above)', () => {
    const policy = validatePolicy({
      version: 1,
      tiers: [{ id: 't' }],
      objects: { task: { owner: ['ownerId'] } },
      org: { members: [{ id: 'm-0', role: 'r', tier: 't' }] },
      roles: {
        r: {
          label: 'R',
          duties: 'Does.',
          objects: { task: { read: { t: { scope: 'all', where: { data: { eq: 'x' } } } } } },
        },
      },
    });
    const engine = compilePolicy(policy, { now: () => NOW });
    const request = { member: 'm-0', object: 'task', action: 'read' } as const;
    const allows = (record: Row) => engine.decide({ ...request, record }).effect === 'allow';
    // As the host would send it: JSON.parse gives the object an own "toString" that is no function.
    const record = JSON.parse('{ "id": "t1", "data": { "toString": false } }') as Row;
    expectNone(filterDisagreements(engine.decide(request).filter, allows, [record]));
  });

  it('drops a record whose owner field holds a list with the member id (found by the property above)', () => {
    const policy = validatePolicy({
      version: 1,
      tiers: [{ id: 't' }],
      objects: { task: { owner: ['ownerId'] } },
      org: { members: [{ id: 'm-0', role: 'r', tier: 't' }] },
      roles: { r: { label: 'R', duties: 'Does.', objects: { task: { read: { t: 'own' } } } } },
    });
    const engine = compilePolicy(policy, { now: () => NOW });
    const request = { member: 'm-0', object: 'task', action: 'read' } as const;
    const allows = (record: Row) => engine.decide({ ...request, record }).effect === 'allow';
    // decide denies (the owner is not a member id) but `ownerId in [m-0]` selects: String(['m-0']).
    expectNone(
      filterDisagreements(engine.decide(request).filter, allows, [{ id: 't1', ownerId: ['m-0'] }]),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Plans cached across clock changes (grants start and expire)
// ---------------------------------------------------------------------------------------------

/** Every instant at which some grant starts or expires, and a millisecond either side. */
function grantInstants(world: World): number[] {
  const instants = new Set<number>();
  for (const grant of world.grants)
    for (const at of [grant.startsAt, grant.expiresAt])
      if (at !== undefined) for (const d of [-1, 0, 1]) instants.add(new Date(at).getTime() + d);
  return [...instants].sort((a, b) => a - b);
}

/**
 * Moves one engine's clock through `times` and compares, at each, its answers with those of an
 * engine compiled at that instant. Only members holding grants (and one other) can change.
 */
function clockProblems(
  world: World,
  record: Row,
  start: number,
  times: readonly number[],
  make: (now: () => Date) => Decider = (now) => engineOf(world, now),
): string[] {
  let now = new Date(start);
  const engine = make(() => now);
  const holders = new Set(world.grants.map((g) => g.member));
  const members = world.members.filter((m, i) => holders.has(m) || i === 0);
  const answers = (e: Decider) =>
    members.flatMap((member) =>
      world.objects.flatMap((object) =>
        ACTIONS.map((action) => {
          const general = e.decide({ member, object, action });
          const onRecord = e.decide({ member, object, action, record }).effect;
          return `${member} ${action} ${object}: ${general.effect} ${show(general.filter)} record ${onRecord}`;
        }),
      ),
    );
  answers(engine);
  const problems: string[] = [];
  for (const time of times) {
    now = new Date(time);
    const cached = answers(engine);
    const fresh = answers(engineOf(world, () => now));
    cached.forEach((answer, i) => {
      if (answer !== fresh[i])
        problems.push(`at ${now.toISOString()}: cached "${answer}" but fresh "${fresh[i] ?? ''}"`);
    });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// (a2) $member references, checked against values written in by hand
// ---------------------------------------------------------------------------------------------

/** `id is NULL`: FALSE on every host record, which always has an id. */
const FALSE_CONDITION: Plain = { id: { is: 'NULL' } };
/** A comparison with a field no record holds: unknown on every record, as a NULL value is. */
const UNKNOWN_CONDITION: Plain = { neverSet: { eq: 'x' } };
const OPERATOR_KINDS: Readonly<Record<string, 'one' | 'list' | 'pattern'>> = {
  eq: 'one',
  neq: 'one',
  gt: 'one',
  gte: 'one',
  lt: 'one',
  lte: 'one',
  in: 'list',
  like: 'pattern',
  ilike: 'pattern',
  startsWith: 'pattern',
};

/** A member's reference values, computed here from the generated org (not by the engine). */
function handFacts(input: Plain, memberId: string): Map<string, unknown> {
  const org = input.org as { members: Plain[]; teams: { id: string; children: string[] }[] };
  const tiers = (input.tiers as { id: string }[]).map((t) => t.id);
  const member = org.members.find((m) => m.id === memberId) as Plain;
  const roles = input.roles as Record<string, Plain>;
  const teams = (member.teams as string[] | undefined) ?? [];
  const below = (team: string): string[] => [
    team,
    ...(org.teams.find((t) => t.id === team)?.children ?? []).flatMap(below),
  ];
  const reports = (id: string): string[] => [
    id,
    ...org.members.filter((m) => m.manager === id).flatMap((m) => reports(m.id as string)),
  ];
  const attributes = (member.attributes as Plain | undefined) ?? {};
  return new Map<string, unknown>([
    ['$member.id', memberId],
    ['$member.tier', member.tier ?? roles[member.role as string]?.defaultTier ?? tiers[0]],
    ['$member.teams', teams],
    ['$member.teamTree', [...new Set(teams.flatMap(below))]],
    ['$member.reports', reports(memberId)],
    ['$member.attributes.region', attributes.region],
    ['$member.attributes.territories', attributes.territories],
  ]);
}

/**
 * `{ op: value }` with the reference written in; `false` for an empty list (nothing to compare
 * with), `null` for a value the member lacks (NULL: the comparison is unknown).
 */
function handPredicate(predicate: Plain, facts: Map<string, unknown>): Plain | false | null {
  const [op, operand] = Object.entries(predicate)[0] ?? [];
  if (op === undefined || typeof operand !== 'string' || !facts.has(operand)) return predicate;
  const value = facts.get(operand);
  const kind = OPERATOR_KINDS[op];
  if (value === undefined || value === null) return null;
  if (kind === 'list') {
    const list = (Array.isArray(value) ? value : [value]).filter((v) => v !== null);
    return list.length === 0 ? false : { [op]: list };
  }
  if (Array.isArray(value) || (kind === 'pattern' && typeof value !== 'string')) return null;
  return { [op]: value };
}

/** A condition with every reference written in; a FALSE field entry becomes `id is NULL`. */
function handCondition(condition: Plain, facts: Map<string, unknown>): Plain {
  const out: Plain = {};
  const falses: Plain[] = [];
  for (const [key, value] of Object.entries(condition)) {
    if (key === 'and' || key === 'or') {
      out[key] = (value as Plain[]).map((c) => handCondition(c, facts));
    } else if (key === 'not') {
      out.not = handCondition(value as Plain, facts);
    } else if (isPlainObject(value)) {
      const isPredicate = Object.keys(value).some((k) => k in OPERATOR_KINDS || k === 'is');
      const entries = isPredicate ? [['', value] as const] : Object.entries(value);
      const resolved: Plain = {};
      let constant: Plain | undefined;
      for (const [sub, predicate] of entries) {
        const written = isPlainObject(predicate) ? handPredicate(predicate, facts) : predicate;
        if (written === false) constant = FALSE_CONDITION;
        else if (written === null) constant ??= UNKNOWN_CONDITION;
        else if (sub === '') Object.assign(resolved, written);
        else resolved[sub] = written;
      }
      if (constant !== undefined) {
        // The field's other sub-fields still count: unknown AND FALSE is FALSE, not unknown.
        falses.push(constant);
        if (Object.keys(resolved).length > 0) falses.push({ [key]: resolved });
      } else out[key] = resolved;
    } else out[key] = value;
  }
  if (falses.length > 0) out.and = [...((out.and as Plain[] | undefined) ?? []), ...falses];
  return out;
}

/** The policy input (and grants) with every condition written in for one member. */
function handWorld(world: World, memberId: string): { input: Plain; grants: TemporaryGrant[] } {
  const facts = handFacts(world.input, memberId);
  const walk = (node: unknown, key: string | undefined): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, undefined));
    if (!isPlainObject(node)) return node;
    if (key === 'where' || key === 'if') return handCondition(node, facts);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, k)]));
  };
  return {
    input: walk(structuredClone(world.input), undefined) as Plain,
    grants: world.grants.map((g) =>
      g.where === undefined ? g : { ...g, where: handCondition(g.where as Plain, facts) },
    ),
  };
}

/** Where the engine's resolution and the hand-written values disagree, for every member. */
function referenceProblems(world: World, records: readonly Row[]): string[] {
  const engine = engineOf(world);
  const problems: string[] = [];
  for (const member of world.members) {
    const hand = handWorld(world, member);
    const reference = compilePolicy(validatePolicy(hand.input), {
      now: () => NOW,
      grants: hand.grants,
    });
    for (const object of world.objects)
      for (const action of ACTIONS)
        for (const record of records) {
          const request = { member, object, action, record };
          const got = engine.decide(request).effect;
          const want = reference.decide(request).effect;
          if (got !== want)
            problems.push(`${member} ${action} ${object} ${show(record)}: ${got}, by hand ${want}`);
          const gotFields = engine.fieldStates(request);
          const wantFields = reference.fieldStates(request);
          if (!isDeepStrictEqual(gotFields, wantFields))
            problems.push(
              `${member} ${action} ${object} ${show(record)}: fields ${show(gotFields)}, by hand ${show(wantFields)}`,
            );
        }
  }
  return problems;
}

/**
 * Random worlds where every role reads and updates each object through a union that holds a
 * condition about the member, and a restriction may remove records by another: most decisions
 * then turn on the member's facts (in plain random worlds they rarely allow anything).
 */
const memberWorldArb: fc.Arbitrary<World> = fc
  .tuple(
    worldArb(),
    fc.array(
      fc.tuple(
        memberConditionArb,
        fc.constantFrom<Scope>('all', 'own', 'team', 'reports'),
        memberConditionArb,
      ),
      { minLength: 3, maxLength: 3 },
    ),
    sparse(memberConditionArb, 1),
  )
  .map(([world, unions, restricted]) => {
    const input = structuredClone(world.input);
    const firstTier = (input.tiers as { id: string }[])[0]?.id as string;
    Object.values(input.roles as Record<string, Plain>).forEach((role, r) => {
      const [where, scope, other] = unions[r % unions.length] as [Condition, Scope, Condition];
      const objects = (role.objects ?? {}) as Record<string, Plain>;
      for (const object of world.objects) {
        const rules = (objects[object] ??= {});
        rules.read = {
          [firstTier]: [
            { scope: 'all', where },
            { scope, where: other },
          ],
        };
        rules.update = { [firstTier]: [scope, { scope: 'all', where: other }] };
      }
      role.objects = objects;
    });
    if (restricted !== undefined)
      (input.restrictions as Plain[]).push({
        id: 'by-member',
        objects: world.objects,
        actions: ['read', 'update'],
        where: restricted,
      });
    return { ...world, input, policy: validatePolicy(structuredClone(input)) };
  });

describe('conditions about the member', () => {
  it('decide as the same policy with each member’s values written in by hand', () => {
    fc.assert(
      fc.property(fc.oneof(worldArb(), memberWorldArb), recordsArb, (world, records) => {
        expectNone(referenceProblems(world, records));
      }),
      { numRuns: RUNS.members },
    );
  });

  it('has a check that detects an engine that reads another member’s teams', () => {
    const input = {
      version: 1,
      tiers: [{ id: 't' }],
      objects: { deal: { owner: ['ownerId'] } },
      org: {
        teams: [{ id: 'a' }, { id: 'b' }],
        members: [
          { id: 'm-0', role: 'r', tier: 't', teams: ['a'] },
          { id: 'm-1', role: 'r', tier: 't', teams: ['b'] },
        ],
      },
      roles: {
        r: {
          label: 'R',
          duties: 'D',
          objects: {
            deal: { read: { t: { scope: 'all', where: { city: { in: '$member.teams' } } } } },
          },
        },
      },
    };
    const world: World = {
      input,
      grants: [],
      members: ['m-0', 'm-1'],
      objects: ['deal'],
      policy: validatePolicy(structuredClone(input)),
    };
    const records = [{ id: 'r1', ownerId: 'x', city: 'a' }];
    expect(referenceProblems(world, records)).toEqual([]);
    // Swap the members' teams in the policy the engine sees: the check must notice.
    const swapped = structuredClone(input);
    const [first, second] = swapped.org.members;
    if (!first || !second) throw new Error('the world has two members');
    first.teams = ['b'];
    second.teams = ['a'];
    const wrong = { ...world, policy: validatePolicy(swapped) };
    expect(referenceProblems(wrong, records).length).toBeGreaterThan(0);
  });
});

describe('a compiled engine whose clock moves', () => {
  it('answers at every grant start and expiry as an engine compiled at that instant', () => {
    fc.assert(
      fc.property(worldArb(), recordArb, (world, record) => {
        expectNone(clockProblems(world, record, NOW.getTime() - 3 * DAY, grantInstants(world)));
      }),
      { numRuns: RUNS.clock },
    );
  });

  it('answers as an engine compiled at that instant when the clock is set back', () => {
    fc.assert(
      fc.property(
        worldArb(),
        recordArb,
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        (world, record, picks) => {
          const instants = grantInstants(world);
          const times =
            instants.length === 0 ? [] : picks.map((p) => instants[p % instants.length] as number);
          expectNone(clockProblems(world, record, NOW.getTime(), times));
        },
      ),
      { numRuns: RUNS.clock },
    );
  });

  it('drops a grant that has not started when the clock is set back (found by the property above)', () => {
    const policy = loadPolicy(FIXTURE);
    const grants: TemporaryGrant[] = [
      {
        id: 'g1',
        member: 'm-alice',
        startsAt: new Date(NOW.getTime() + HOUR),
        expiresAt: new Date(NOW.getTime() + 2 * HOUR),
        tier: 'director',
      },
    ];
    let now = new Date(NOW.getTime() + 90 * 60_000);
    const engine = compilePolicy(policy, { now: () => now, grants });
    const request = { member: 'm-alice', object: 'opportunity', action: 'read' } as const;
    expect(engine.decide(request).scope).toBe('all'); // elevated to director
    now = NOW; // before the grant starts: a junior again
    const fresh = compilePolicy(policy, { now: () => now, grants });
    expect(fresh.decide(request).scope).toBe('own');
    expect(engine.decide(request).scope).toBe('own');
  });

  it('has a check that detects an engine that keeps an expired grant', () => {
    const policy = loadPolicy(FIXTURE);
    const grants: TemporaryGrant[] = [
      { id: 'g1', member: 'm-alice', expiresAt: new Date(NOW.getTime() + HOUR), tier: 'director' },
    ];
    const world: World = {
      input: {},
      policy,
      grants,
      members: ['m-alice'],
      objects: ['opportunity'],
    };
    const record: Row = { id: 'o1', ownerId: 'm-carol' };
    const times = grantInstants(world);
    expect(clockProblems(world, record, NOW.getTime(), times)).toEqual([]);
    // An engine that reads its clock once, when compiled, keeps the elevation after it expires.
    const readsOnce = (now: () => Date): Decider => {
      const compiledAt = now();
      return compilePolicy(policy, { now: () => compiledAt, grants });
    };
    expect(clockProblems(world, record, NOW.getTime(), times, readsOnce).join('\n')).toMatch(
      /cached "m-alice read opportunity: allow \{\} record allow" but fresh/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// (b) project, fieldState and masks
// ---------------------------------------------------------------------------------------------

interface Viewer extends Decider {
  fieldState(request: FieldRequest): FieldState;
  explainField(request: FieldRequest): string;
  project(request: { member: string; object: string; record: Row }): Record<string, unknown> | null;
}

/** The mask a masked field shows with, as its explanation names it (`… phones masked (last4)`). */
function maskNamedIn(explanation: string): MaskKind | undefined {
  const match = /masked \(([a-z0-9-]+)\)$/.exec(explanation);
  const kind = match?.[1];
  return (MASKS as readonly string[]).includes(kind ?? '') ? (kind as MaskKind) : undefined;
}

/** Masks that never show a non-empty text unchanged (initials may: "A." stays "A."). */
const OPAQUE_MASKS: readonly MaskKind[] = ['last4', 'email-domain', 'redact'];

function leafProblems(
  viewer: Viewer,
  request: FieldRequest,
  state: FieldState,
  original: unknown,
  shown: unknown,
): string[] {
  const field = request.field;
  switch (state) {
    case 'hidden':
      return shown === undefined ? [] : [`${field} is hidden, yet projected as ${show(shown)}`];
    case 'read':
    case 'edit':
      return isDeepStrictEqual(shown, original)
        ? []
        : [`${field} is ${state}, yet projected as ${show(shown)} instead of ${show(original)}`];
    case 'masked': {
      const explanation = viewer.explainField(request);
      const kind = maskNamedIn(explanation);
      if (kind === undefined)
        return [`${field} is masked, but its explanation names no mask: ${explanation}`];
      const problems: string[] = [];
      const expected = applyMask(kind, original);
      if (!isDeepStrictEqual(shown, expected))
        problems.push(
          `${field} is masked (${kind}), yet projected as ${show(shown)} instead of ${show(expected)}`,
        );
      if (
        typeof original === 'string' &&
        original !== '' &&
        !original.includes('•') &&
        OPAQUE_MASKS.includes(kind) &&
        shown === original
      )
        problems.push(`${field} is masked (${kind}), yet projected unmasked: ${show(shown)}`);
      return problems;
    }
  }
}

/**
 * Everything wrong with `project` for one record: a hidden field shown, a masked one not masked
 * as its mask says, a read one changed, a value invented, or a null/non-null mismatch with
 * `decide(read)`. Composite fields are checked sub-field by sub-field (`phones.primaryPhoneNumber`).
 */
function projectionProblems(viewer: Viewer, member: string, object: string, record: Row): string[] {
  const at = `${member} reads ${object} ${show(record)}`;
  const projected = viewer.project({ member, object, record });
  const read = viewer.decide({ member, object, action: 'read', record });
  if (read.effect === 'deny')
    return projected === null
      ? []
      : [`${at}: read is denied, yet project returned ${show(projected)}`];
  if (projected === null) return [`${at}: read is allowed, yet project returned null`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(projected))
    if (!Object.hasOwn(record, key) && value !== undefined)
      problems.push(`${key} is not in the record, yet projected as ${show(value)}`);
  for (const [field, original] of Object.entries(record)) {
    const shown = Object.hasOwn(projected, field) ? projected[field] : undefined;
    const request: FieldRequest = { member, object, action: 'read', field, record };
    const state = viewer.fieldState(request);
    if (!isPlainObject(original)) {
      problems.push(...leafProblems(viewer, request, state, original, shown));
      continue;
    }
    // A composite field, checked sub-field by sub-field (each sub-field's own state), and as a
    // whole when hidden. A visible composite keeps its shape and adds no sub-field.
    if (state === 'hidden') problems.push(...leafProblems(viewer, request, state, original, shown));
    else if (!isPlainObject(shown))
      problems.push(`${field} is ${state}, yet the composite is projected as ${show(shown)}`);
    else
      for (const [key, value] of Object.entries(shown))
        if (!Object.hasOwn(original, key) && value !== undefined)
          problems.push(`${field}.${key} is not in the record, yet projected as ${show(value)}`);
    const shownObject = isPlainObject(shown) ? shown : {};
    for (const [sub, leaf] of Object.entries(original)) {
      const subRequest: FieldRequest = { ...request, field: `${field}.${sub}` };
      const subShown = Object.hasOwn(shownObject, sub) ? shownObject[sub] : undefined;
      problems.push(
        ...leafProblems(viewer, subRequest, viewer.fieldState(subRequest), leaf, subShown),
      );
    }
  }
  return problems.map((p) => `${at}: ${p}`);
}

describe('project', () => {
  it('never shows a hidden field nor an unmasked masked one, for random policies and records', () => {
    fc.assert(
      fc.property(worldArb(), recordsArb, (world, records) => {
        const engine = engineOf(world);
        const problems: string[] = [];
        for (const member of world.members)
          for (const object of world.objects)
            for (const record of records)
              problems.push(...projectionProblems(engine, member, object, record));
        expectNone(problems);
      }),
      { numRuns: RUNS.project },
    );
  });

  it('has a check that detects a projection that forgets masks, hiding or denial', () => {
    const engine = compilePolicy(loadPolicy(FIXTURE), { now: () => NOW });
    const person: Row = {
      id: 'p1',
      createdBy: { workspaceMemberId: 'm-alice' },
      phones: { primaryPhoneNumber: '5550101', primaryPhoneCountryCode: '+1' },
      emails: { primaryEmail: 'carol@acme.test', additionalEmails: ['c@x.test'] },
      name: { firstName: 'Carol', lastName: 'Diaz' },
    };
    // The engine passes (m-alice is junior: phones masked last4, emails read)…
    expect(projectionProblems(engine, 'm-alice', 'person', person)).toEqual([]);
    // …a projector that returns the record as is leaks the phone number…
    const raw: Viewer = {
      decide: (r) => engine.decide(r),
      fieldState: (r) => engine.fieldState(r),
      explainField: (r) => engine.explainField(r),
      project: ({ record }) => ({ ...record }),
    };
    expect(projectionProblems(raw, 'm-alice', 'person', person).join('\n')).toMatch(
      /phones\.primaryPhoneNumber is masked \(last4\), yet projected unmasked/,
    );
    // …one that ignores denial returns another member's person…
    const other = { ...person, createdBy: { workspaceMemberId: 'm-nobody' } };
    expect(projectionProblems(raw, 'm-alice', 'person', other).join('\n')).toMatch(
      /read is denied/,
    );
    // …and one that shows a field hidden by the policy (opportunity amount over the cap).
    const opportunity: Row = { id: 'o1', ownerId: 'm-alice', amount: { amountMicros: 2e11 } };
    expect(projectionProblems(engine, 'm-alice', 'opportunity', opportunity)).toEqual([]);
    expect(projectionProblems(raw, 'm-alice', 'opportunity', opportunity).join('\n')).toMatch(
      /amount is hidden, yet projected/,
    );
  });

  /** One role, one tier, one object with a composite field: enough for the pinned cases. */
  function personPolicy(fields: Plain): Policy {
    return validatePolicy({
      version: 1,
      tiers: [{ id: 't' }],
      objects: { person: { owner: ['ownerId'] } },
      org: { members: [{ id: 'm-0', role: 'r', tier: 't' }] },
      roles: {
        r: { label: 'R', duties: 'Does.', objects: { person: { read: { t: 'all' }, fields } } },
      },
    });
  }
  const parisPerson: Row = {
    id: 'p1',
    city: 'Paris',
    phones: { primaryPhoneNumber: '5550101', primaryPhoneCountryCode: '+33' },
  };

  it("states a sub-field hidden when the sub-field's own when rule hides it", () => {
    const engine = compilePolicy(
      personPolicy({
        phones: { t: 'read' },
        'phones.primaryPhoneNumber': {
          t: 'read',
          when: [{ if: { city: { eq: 'Paris' } }, state: 'hidden' }],
        },
      }),
      { now: () => NOW },
    );
    expectNone(projectionProblems(engine, 'm-0', 'person', parisPerson));
  });

  it('hides a sub-field that a temporary grant hides while granting its field (found by the property above)', () => {
    const engine = compilePolicy(personPolicy({}), {
      now: () => NOW,
      grants: [
        {
          id: 'g1',
          member: 'm-0',
          expiresAt: new Date(NOW.getTime() + DAY),
          object: 'person',
          action: 'read',
          scope: 'all',
          fields: { phones: 'read', 'phones.primaryPhoneNumber': 'hidden' },
        },
      ],
    });
    expectNone(projectionProblems(engine, 'm-0', 'person', parisPerson));
  });
});

// ---------------------------------------------------------------------------------------------
// (c) loadPolicy and hostile text
// ---------------------------------------------------------------------------------------------

/** What is wrong with how `load` treated `text`: a non-PolicyError, or an empty PolicyError. */
function loaderProblem(load: (text: string) => unknown, text: string): string | undefined {
  try {
    load(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof PolicyError)) return `threw ${errorText(error)}`;
    if (error.issues.length === 0) return 'threw a PolicyError with no issue';
    const empty = error.issues.find(
      (i) => typeof i.message !== 'string' || i.message.trim() === '',
    );
    if (empty) return `threw a PolicyError whose issue at "${empty.path}" has no message`;
    return undefined;
  }
}

/** A policy that loads must also compile and answer every question without throwing. */
function loadAndUse(text: string): void {
  const policy = loadPolicy(text);
  const engine = compilePolicy(policy, { now: () => NOW });
  const record: Row = { id: 'r1', ownerId: 'm-alice', createdBy: { workspaceMemberId: 'm-bob' } };
  for (const member of engine.members())
    for (const object of engine.objects()) {
      for (const action of ACTIONS) {
        engine.decide({ member, object, action });
        engine.decide({ member, object, action, record });
        engine.fieldStates({ member, object, action, record });
      }
      engine.project({ member, object, record });
    }
}

function expectLoaderOk(text: string): void {
  const problem = loaderProblem(loadAndUse, text);
  expect(problem, `on ${show(text.slice(0, 2000))}`).toBeUndefined();
}

const fixtureData: unknown = YAML.parse(FIXTURE);

type Key = string | number;
type Container = Plain | unknown[];
interface Slot {
  readonly parent: Container;
  readonly key: Key;
  readonly path: readonly Key[];
}

/** Every value slot under `root` (each seen once, so cycles are walked once). */
function slotsOf(root: unknown): Slot[] {
  const slots: Slot[] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown, path: readonly Key[]): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    const entries: [Key, unknown][] = Array.isArray(node)
      ? node.map((v, i): [Key, unknown] => [i, v])
      : Object.entries(node);
    for (const [key, value] of entries) {
      slots.push({ parent: node as Container, key, path: [...path, key] });
      walk(value, [...path, key]);
    }
  };
  walk(root, []);
  return slots;
}

function valueAt(root: unknown, path: readonly Key[]): unknown {
  let node = root;
  for (const key of path) node = (node as Record<Key, unknown>)[key];
  return node;
}

function setOwn(parent: Container, key: Key, value: unknown): void {
  // defineProperty, so that a key such as `__proto__` becomes an own key, as in parsed text.
  Object.defineProperty(parent, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

const MUTATION_KINDS = ['delete', 'replace', 'rename', 'duplicate', 'wrongType', 'cycle'] as const;
const KEY_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'when',
  'default',
  'id',
  '',
  'not',
  'and',
  'version',
  'junior',
];
const WRONG_VALUES: readonly unknown[] = [
  42,
  -1,
  1.5,
  'text',
  '',
  true,
  false,
  null,
  [],
  {},
  ['a', 1],
  { k: 'v' },
];

const mutationArb = fc.record(
  {
    kind: fc.constantFrom(...MUTATION_KINDS),
    at: fc.nat(),
    pick: fc.nat(),
    key: fc.oneof(fc.constantFrom(...KEY_NAMES), fc.string({ maxLength: 8 })),
    value: fc.jsonValue({ maxDepth: 2 }),
  },
  { noNullPrototype: true },
);
type Mutation = typeof mutationArb extends fc.Arbitrary<infer T> ? T : never;

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** Applies one structured mutation to `root` (mutated in place; returns it). */
function mutate(root: Plain, m: Mutation): Plain {
  const slots = slotsOf(root);
  const slot = slots[m.at % slots.length];
  if (slot === undefined) return root;
  const { parent, key } = slot;
  const current = (parent as Record<Key, unknown>)[key];
  switch (m.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else Reflect.deleteProperty(parent, key);
      return root;
    case 'replace':
      setOwn(parent, key, m.value);
      return root;
    case 'rename': {
      if (Array.isArray(parent)) return root;
      const entries = Object.entries(parent);
      for (const [k] of entries) Reflect.deleteProperty(parent, k);
      for (const [k, v] of entries) setOwn(parent, k === key ? m.key : k, v);
      return root;
    }
    case 'duplicate': {
      const lists = slots.filter((s) => Array.isArray(s.parent));
      const item = lists[m.pick % Math.max(1, lists.length)];
      if (item)
        (item.parent as unknown[]).splice(
          (item.key as number) + 1,
          0,
          structuredClone(valueAt(root, item.path)),
        );
      return root;
    }
    case 'wrongType': {
      const others = WRONG_VALUES.filter((v) => typeName(v) !== typeName(current));
      setOwn(parent, key, structuredClone(others[m.pick % others.length]));
      return root;
    }
    case 'cycle':
      return insertCycle(root, slots, m);
  }
}

/**
 * Cycles of three kinds: in the manager tree, in the team tree, and in the document itself (a
 * node that contains an ancestor, which YAML writes with an anchor and an alias) — half of the
 * latter inside a record condition, where the validator walks conditions recursively.
 */
function insertCycle(root: Plain, slots: readonly Slot[], m: Mutation): Plain {
  const org = isPlainObject(root.org) ? root.org : undefined;
  const members = Array.isArray(org?.members) ? org.members.filter(isPlainObject) : [];
  const teams = Array.isArray(org?.teams) ? org.teams.filter(isPlainObject) : [];
  switch (m.pick % 4) {
    case 0: {
      // m[i] → m[i+1] → … → m[i] (or a member managing itself).
      if (members.length === 0) return root;
      const start = m.at % members.length;
      const length = 1 + (m.at % Math.min(3, members.length));
      for (let k = 0; k < length; k++) {
        const member = members[(start + k) % members.length] as Plain;
        const next = members[(start + k + 1) % members.length] as Plain;
        member.manager = length === 1 ? member.id : next.id;
      }
      return root;
    }
    case 1: {
      if (teams.length === 0) return root;
      const a = teams[m.at % teams.length] as Plain;
      const b = teams[(m.at + 1) % teams.length] as Plain;
      b.children = [...(Array.isArray(b.children) ? (b.children as unknown[]) : []), a.id];
      a.children = [...(Array.isArray(a.children) ? (a.children as unknown[]) : []), b.id];
      return root;
    }
    case 2: {
      // A record condition that contains itself: `where: &c { …, not: *c }`.
      const conditions = slots.filter(
        (s) => (s.key === 'where' || s.key === 'if') && isPlainObject(valueAt(root, s.path)),
      );
      const target = conditions[m.at % Math.max(1, conditions.length)];
      const node = target && valueAt(root, target.path);
      if (!isPlainObject(node)) return root;
      const key = ['not', 'and', 'or'][m.at % 3] as string;
      setOwn(node, key, key === 'not' ? node : [node]);
      return root;
    }
    default: {
      // Any mapping that contains one of its ancestors (or itself) under some key.
      const target = slots[m.at % slots.length];
      const node = target && valueAt(root, target.path);
      if (target === undefined || !isPlainObject(node)) return root;
      const depth = m.at % (target.path.length + 1);
      const ancestor = valueAt(root, target.path.slice(0, target.path.length - depth));
      const key = ['not', 'and', 'children', m.key][m.at % 4] as string;
      setOwn(node, key, key === 'and' ? [ancestor] : ancestor);
      return root;
    }
  }
}

function jsonOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return undefined; // a cycle: JSON cannot say it, YAML can
  }
}

const YAML_TOKENS = [
  '- ',
  ': ',
  '{',
  '}',
  '[',
  ']',
  ', ',
  '&a ',
  '*a ',
  '&b ',
  '*b',
  '!!str ',
  '!!binary ',
  '!!set ',
  '!!omap ',
  '!tag ',
  '? ',
  '| ',
  '> ',
  '# c',
  '\n',
  '\n  ',
  '\n    ',
  '---\n',
  '...\n',
  '%YAML 1.1\n',
  '%TAG ! tag:x:\n',
  '"',
  "'",
  '<<: ',
  'null',
  '~',
  '@',
  '`',
  '\t',
  '\\',
  'version',
  '1',
  '2',
  'tiers',
  'roles',
  'org',
  'members',
  'id',
  'junior',
  'read',
  'own',
  'where',
  'not',
  'and',
  'eq',
  '__proto__',
  'constructor',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '0x1F',
  '1e400',
  '.nan',
];

const yamlishArb = fc.oneof(
  fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 60 }).map((tokens) => tokens.join('')),
  // A policy-shaped header with random tokens after it.
  fc
    .array(fc.constantFrom(...YAML_TOKENS), { maxLength: 40 })
    .map((tokens) => `version: 1\ntiers: [{ id: t }]\nroles: ${tokens.join('')}`),
  // Deep nesting and self-referencing aliases.
  fc
    .tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom('[', '{a: ', '- ', 'not: {'))
    .map(([depth, open]) => `version: 1\ntiers: [{ id: t }]\nroles: ${open.repeat(depth)}`),
);

/** Text-level damage to the fixture: a slice removed, characters inserted, lines swapped. */
const damagedFixtureArb = fc
  .array(
    fc.record(
      {
        kind: fc.constantFrom('cut', 'insert', 'swap', 'indent'),
        at: fc.nat(),
        span: fc.nat(40),
        text: fc.string({ maxLength: 6, unit: 'binary' }),
      },
      { noNullPrototype: true },
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((edits) =>
    edits.reduce((text, e) => {
      const at = e.at % (text.length + 1);
      if (e.kind === 'cut') return text.slice(0, at) + text.slice(at + e.span);
      if (e.kind === 'insert') return text.slice(0, at) + e.text + text.slice(at);
      const lines = text.split('\n');
      const i = e.at % lines.length;
      const j = (e.at + e.span) % lines.length;
      if (e.kind === 'indent') lines[i] = ' '.repeat(e.span % 5) + (lines[i] ?? '');
      else [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return lines.join('\n');
    }, FIXTURE),
  );

describe('loadPolicy', () => {
  it('throws only PolicyError, with issues, on random bytes and strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
          fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
          fc.string({ unit: 'binary', maxLength: 300 }),
        ),
        expectLoaderOk,
      ),
      { numRuns: RUNS.load },
    );
  });

  it('throws only PolicyError, with issues, on random YAML-ish text', () => {
    fc.assert(fc.property(fc.oneof(yamlishArb, damagedFixtureArb), expectLoaderOk), {
      numRuns: RUNS.load,
    });
  });

  it('throws only PolicyError, with issues, on structured mutations of a valid policy as YAML and JSON', () => {
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (mutations) => {
        const data = mutations.reduce(mutate, structuredClone(fixtureData) as Plain);
        expectLoaderOk(YAML.stringify(data));
        const json = jsonOf(data);
        if (json !== undefined) expectLoaderOk(json);
      }),
      { numRuns: RUNS.load },
    );
  });

  it('has a check that detects a loader throwing anything but a PolicyError with issues', () => {
    expect(loaderProblem(loadPolicy, FIXTURE)).toBeUndefined();
    expect(loaderProblem(loadPolicy, 'version: 2')).toBeUndefined();
    const crashes = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    };
    expect(loaderProblem(crashes, 'x')).toMatch(/threw TypeError/);
    const empty = () => {
      throw new PolicyError([]);
    };
    expect(loaderProblem(empty, 'x')).toMatch(/no issue/);
    const blank = () => {
      throw new PolicyError([{ path: 'tiers', message: ' ' }]);
    };
    expect(loaderProblem(blank, 'x')).toMatch(/has no message/);
  });

  it('rejects a condition that contains itself through a YAML alias (found by the property above)', () => {
    const text = FIXTURE.replace(
      'where: { stage: { eq: CUSTOMER } }',
      'where: &loop { stage: { eq: CUSTOMER }, not: *loop }',
    );
    expect(text).not.toBe(FIXTURE);
    expect(loaderProblem(loadPolicy, text)).toBeUndefined();
  });
});
