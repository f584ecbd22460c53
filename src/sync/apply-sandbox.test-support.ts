/**
 * Native sync against the sandbox, in-process through msw: a small inline policy (two roles
 * times two tiers) compiled over the data model the sandbox reports, and the read → plan →
 * apply cycle `tiergate apply` runs.
 */
import type { SetupServerApi } from 'msw/node';
import { connectHost, type Host } from '../host/host.js';
import { loadPolicy } from '../policy/load.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { sandboxHandlers } from '../sandbox/msw-handlers.test-support.js';
import { ADMIN_ROLE_ID } from '../sandbox/seed-state.js';
import { applyOperations, type ApplyResult } from './apply.js';
import { compileHostState } from './compile.js';
import type { HostPermissionState } from './host-state.js';
import { diffHostState, operationsFor, type HostOperation, type HostPlan } from './plan.js';
import { adminRoleKeys, readHostState, type HostReading } from './read-host.js';

export const BASE_URL = 'http://twenty.test';

export type Placement = readonly (readonly [role: string, tier: string])[];

/** Policy member ids (`m1`…) for the seeded non-admin members, in order: role and tier. */
export const PLACEMENT: Placement = [
  ['rep', 'junior'],
  ['rep', 'senior'],
  ['manager', 'junior'],
  ['manager', 'senior'],
  ['rep', 'junior'],
] as const;

const ROLES = `roles:
  rep:
    label: Sales rep
    duties: Sells.
    objects:
      opportunity:
        read: { junior: own, senior: all }
        update: { junior: own }
        fields:
          default: { junior: edit }
          amount: { junior: hidden, senior: read }
          closeDate: { junior: read }
      company:
        read: { junior: own, senior: all }
        fields: { default: { junior: read } }
  manager:
    label: Sales manager
    duties: Manages the reps.
    objects:
      opportunity:
        read: { junior: all }
        update: { junior: all }
        fields:
          default: { junior: edit }
          amount: { junior: read, senior: edit }
      company:
        read: { junior: all }
        update: { senior: all }
        fields: { default: { junior: edit } }
`;

export interface SyncWorld {
  readonly sandbox: Sandbox;
  readonly admin: Host;
  /** The admin member's own session: member moves need it (no API key may make them). */
  readonly adminSession: Host;
  /** Host workspace member id of each policy member (`m1`…). */
  readonly memberIds: ReadonlyMap<string, string>;
  readonly adminMemberId: string;
  readonly rls: boolean;
  readonly desired: HostPermissionState;
}

export function policyFor(members: readonly string[], placement: Placement = PLACEMENT) {
  const lines = members.map((id, i) => {
    const [role, tier] = placement[i % placement.length] ?? ['rep', 'junior'];
    return `    - { id: ${id}, role: ${role}, tier: ${tier} }`;
  });
  const head = `version: 1
tiers:
  - { id: junior, label: Junior }
  - { id: senior, label: Senior }
objects:
  opportunity: { owner: [ownerId] }
  company: { owner: [accountOwnerId, createdBy.workspaceMemberId] }
org:
  members:
${lines.join('\n')}
`;
  return loadPolicy(`${head}${ROLES}`);
}

export function hostFor(token: string): Host {
  return connectHost({
    baseUrl: BASE_URL,
    token,
    retry: { attempts: 1 },
    rateLimit: { requests: 10_000, windowMs: 60_000 },
  });
}

/** A seeded sandbox served through `server`, and the desired state compiled for it. */
export async function syncWorld(server: SetupServerApi, rls: boolean): Promise<SyncWorld> {
  const sandbox = await createSandbox({
    rls,
    seed: 'default',
    seedCounts: { members: 16, companies: 6, people: 6, opportunities: 60 },
    adminKey: 'tg_admin_test',
  });
  server.use(...sandboxHandlers(sandbox.serverOptions, BASE_URL));
  const admin = hostFor(sandbox.adminKey);
  const hostMembers = sandbox.state().members;
  const adminMemberId = hostMembers.find((m) => m.roleId === ADMIN_ROLE_ID)?.id ?? '';
  // Members who own opportunities, so a row-level rule has something to narrow.
  const owners = new Set(
    Object.values(sandbox.state().records.opportunity ?? {}).map((o) => o.ownerId),
  );
  const others = hostMembers
    .filter((m) => m.id !== adminMemberId && owners.has(m.id))
    .slice(0, PLACEMENT.length);
  const memberIds = new Map(others.map((m, i) => [`m${i + 1}`, m.id]));
  const adminToken = hostMembers.find((m) => m.id === adminMemberId)?.token ?? '';
  const adminSession = hostFor(adminToken);
  const world = { sandbox, admin, adminSession, memberIds, adminMemberId, rls };
  return { ...world, desired: await desiredFor(world, PLACEMENT) };
}

/** The policy with members placed as `placement` says, compiled over the sandbox's model. */
export async function desiredFor(
  world: Omit<SyncWorld, 'desired'>,
  placement: Placement,
): Promise<HostPermissionState> {
  const model = await world.admin.dataModel.get();
  const policy = policyFor([...world.memberIds.keys()], placement);
  const compiled = compileHostState(policy, model, {
    rlsEntitled: world.rls,
    memberIds: (id) => world.memberIds.get(id),
  });
  if (compiled.problems.length > 0) throw new Error(compiled.problems.join('\n'));
  return compiled.state;
}

export interface SyncRound {
  readonly reading: HostReading;
  readonly plan: HostPlan;
  readonly operations: HostOperation[];
  readonly result: ApplyResult;
}

export async function plan(world: SyncWorld) {
  const reading = await readHostState(world.admin.metadata);
  const plan = diffHostState(world.desired, reading.state, {
    managedRoleKeys: (key) => !key.startsWith('host:'),
    adminRoleKeys: adminRoleKeys(reading),
  });
  return { reading, plan, operations: operationsFor(plan, reading.state, world.desired) };
}

/** One `tiergate apply`: read the host, plan against the desired state, apply. */
export async function syncOnce(world: SyncWorld): Promise<SyncRound> {
  const planned = await plan(world);
  const result = await applyOperations(
    world.admin.metadata,
    planned.operations,
    planned.reading.roleIds,
    { members: world.adminSession.metadata },
  );
  return { ...planned, result };
}

/** The member's bearer token in the sandbox. */
export function tokenOf(world: SyncWorld, policyMemberId: string): string {
  const id = world.memberIds.get(policyMemberId);
  const member = world.sandbox.state().members.find((m) => m.id === id);
  if (member === undefined) throw new Error(`no host member for ${policyMemberId}`);
  return member.token;
}
