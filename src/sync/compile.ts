/**
 * Compile: the policy, over the host's data model, into the permission state Twenty should hold
 * (ARCHITECTURE.md "Native sync"), with what Twenty cannot express listed as
 * the gateway's duties and what cannot be compiled at all as problems (`path: message`).
 *
 * - One host role per (policy role, tier) that some member holds (`memberTier`), keyed
 *   `role@tier`, labelled `<role label> · <tier label>` (the tier's id without a label), its
 *   description carrying the key so that Tiergate finds its own roles. Roles no member holds are
 *   not created: a role in Twenty with nobody in it is only drift to watch.
 * - The role-wide `can*AllObjectRecords` switches are all false; per-object permissions grant
 *   (compile-objects.ts), field permissions restrict (compile-fields.ts), row-level predicates
 *   narrow when the workspace is entitled (compile-rls.ts); restrictions as compile-grants.ts.
 * - The governed objects are those of `objects` and of every role's `objects`; one the data
 *   model lacks, or a system object (Twenty takes no permissions on those), is a problem and is
 *   left out. Field names the policy uses are checked against the data model once per object.
 * - Every policy member is assigned its role key, under its host id (`memberIds`; the same id
 *   without it). A member with no host id is a problem and stays unassigned.
 * - Output is deterministic: roles by policy role id then tier order; object permissions and
 *   row-level entries by object name, field permissions by object then field name; assignments,
 *   duties and problems sorted. Compiling twice gives equal results, so plans are stable.
 *
 * The compile is static: temporary grants (elevations) are not part of it.
 */
import type { Policy } from '../policy/schema.js';
import { memberTier } from '../policy/sources.js';
import { tierOrder } from '../policy/tier-map.js';
import type { DataModelSnapshot, DiscoveredObject } from '../host/data-model.js';
import type { GatewayDuty, HostPermissionState } from './host-state.js';
import type { CompileContext, HeldRole } from './compile-grants.js';
import type { ViewerScopes } from '../twenty-app/viewers.js';
import { checkFieldNames } from './compile-fields.js';
import { hostRole } from './compile-objects.js';
import { compareText } from '../twenty-app/compare-text.js';

export interface CompileOptions {
  /** Whether the workspace may hold row-level predicates (a paid plan in Twenty). */
  readonly rlsEntitled: boolean;
  /** Policy member id → workspace member id; undefined when the member is not in the host. */
  readonly memberIds?: (policyMemberId: string) => string | undefined;
}

export interface CompiledHostState {
  readonly state: HostPermissionState;
  readonly gateway: readonly GatewayDuty[];
  readonly problems: readonly string[];
  /** Which host roles' predicates read `tiergateViewers`, per object, with the scopes behind it. */
  readonly viewerScopes: readonly ViewerScopes[];
}

function heldRoles(ctx: CompileContext): HeldRole[] {
  const held = new Map<string, HeldRole>();
  for (const member of ctx.policy.org.members) {
    const tier = memberTier(ctx.policy, member);
    const key = `${member.role}@${tier}`;
    const members = [...(held.get(key)?.members ?? []), member.id];
    const tierIndex = ctx.order.index.get(tier) ?? 0;
    held.set(key, { role: member.role, tier, tierIndex, key, members });
  }
  return [...held.values()].sort(
    (a, b) => compareText(a.role, b.role) || a.tierIndex - b.tierIndex,
  );
}

/** Where the policy first names an object, for a problem's path. */
function pathOfObject(policy: Policy, name: string): string {
  if (Object.hasOwn(policy.objects, name)) return `objects.${name}`;
  const role = Object.keys(policy.roles).find((r) =>
    Object.hasOwn(policy.roles[r]?.objects ?? {}, name),
  );
  return `roles.${role ?? ''}.objects.${name}`;
}

/** The objects a policy governs: those of `objects` and of every role's `objects`, sorted. */
export function governedObjectNames(policy: Policy): string[] {
  const names = new Set(Object.keys(policy.objects));
  for (const role of Object.values(policy.roles)) {
    for (const name of Object.keys(role.objects)) names.add(name);
  }
  return [...names].sort(compareText);
}

function governedObjects(ctx: CompileContext): DiscoveredObject[] {
  const objects: DiscoveredObject[] = [];
  for (const name of governedObjectNames(ctx.policy)) {
    const object = ctx.model.object(name);
    const path = pathOfObject(ctx.policy, name);
    if (object === undefined) {
      ctx.problem(path, `the host's data model has no object ${name}`);
    } else if (object.isSystem === true) {
      ctx.problem(
        path,
        `${name} is a system object: Twenty takes no object or field permissions on it`,
      );
    } else {
      checkFieldNames(ctx, object);
      objects.push(object);
    }
  }
  return objects;
}

function assignments(ctx: CompileContext, options: CompileOptions): Record<string, string> {
  const entries: [string, string][] = [];
  ctx.policy.org.members.forEach((member, i) => {
    const hostId = options.memberIds ? options.memberIds(member.id) : member.id;
    if (hostId === undefined) {
      ctx.problem(
        `org.members[${i}]`,
        `${member.id} has no workspace member in the host, so it holds no role there`,
      );
      return;
    }
    entries.push([hostId, `${member.role}@${memberTier(ctx.policy, member)}`]);
  });
  return Object.fromEntries(entries.sort(([a], [b]) => compareText(a, b)));
}

export function compileHostState(
  policy: Policy,
  dataModel: DataModelSnapshot,
  options: CompileOptions,
): CompiledHostState {
  const duties = new Map<string, GatewayDuty>();
  const problems = new Set<string>();
  const viewerScopes: ViewerScopes[] = [];
  const ctx: CompileContext = {
    policy,
    order: tierOrder(policy.tiers.map((t) => t.id)),
    model: dataModel,
    rlsEntitled: options.rlsEntitled,
    duty: (path, reason) => duties.set(`${path}\n${reason}`, { path, reason }),
    problem: (path, message) => problems.add(`${path}: ${message}`),
    viewers: (scopes) => viewerScopes.push(scopes),
  };
  const objects = governedObjects(ctx);
  const roles = heldRoles(ctx).map((held) => hostRole(ctx, held, objects));
  const limit = policy.security?.export?.maxRowsWithoutStepUp;
  if (limit !== undefined) {
    ctx.duty(
      'security.export.maxRowsWithoutStepUp',
      `exports of more than ${limit} rows need step-up; Twenty has no such limit, so the gateway enforces it`,
    );
  }
  const state: HostPermissionState = { roles, assignments: assignments(ctx, options) };
  const gateway = [...duties.values()].sort(
    (a, b) => compareText(a.path, b.path) || compareText(a.reason, b.reason),
  );
  return { state, gateway, problems: [...problems].sort(compareText), viewerScopes };
}
