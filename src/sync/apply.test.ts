import { graphql, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { mswServer } from '../host/msw-server.test-support.js';
import { HostError } from '../host/host-error.js';
import {
  SyncUpdateRoleDocument,
  SyncUpsertFieldPermissionsDocument,
} from '../host/generated/metadata.js';
import { sandboxHandlers } from '../sandbox/msw-handlers.test-support.js';
import { AdminSessionError } from './admin-session.js';
import { ApplyError, applyOperations } from './apply.js';
import { rowLevelInputs } from './apply-requests.js';
import { readHostState } from './read-host.js';
import {
  BASE_URL,
  desiredFor,
  hostFor,
  type Placement,
  plan,
  syncOnce,
  syncWorld,
  tokenOf,
} from './apply-sandbox.test-support.js';

const server = mswServer();

const OPPORTUNITIES = (fields: string) =>
  `query { opportunities(first: 100) { edges { node { id ${fields} } } } }`;

async function coreError(token: string, query: string): Promise<HostError | undefined> {
  try {
    await hostFor(token).core.request(query);
    return undefined;
  } catch (error) {
    if (error instanceof HostError) return error;
    throw error;
  }
}

describe('applyOperations against the sandbox', () => {
  it('creates the compiled roles and assignments, and a second run makes no mutation', async () => {
    const world = await syncWorld(server, false);
    const first = await syncOnce(world);
    expect(first.operations.length).toBeGreaterThan(0);
    expect(first.result.mutations).toBe(first.operations.length);
    const second = await syncOnce(world);
    expect(second.plan.empty).toBe(true);
    expect(second.operations).toEqual([]);
    expect(second.result.mutations).toBe(0);
    const keys = second.reading.state.roles.map((r) => r.key);
    expect(keys).toEqual(['manager@junior', 'manager@senior', 'rep@junior', 'rep@senior']);
  });

  it('reports progress after each operation, in order', async () => {
    const world = await syncWorld(server, false);
    const { operations, reading } = await plan(world);
    const seen: string[] = [];
    await applyOperations(world.admin.metadata, operations, reading.roleIds, {
      onProgress: (done, total, op) => seen.push(`${done}/${total} ${op.kind}`),
      members: world.adminSession.metadata,
    });
    expect(seen).toHaveLength(operations.length);
    expect(seen[0]).toBe(`1/${operations.length} createRole`);
  });

  it('asks the members source for a client right before each move, not when apply starts', async () => {
    const world = await syncWorld(server, false);
    const { operations, reading } = await plan(world);
    const moves = operations.filter((op) => op.kind === 'updateWorkspaceMemberRole').length;
    expect(moves).toBeGreaterThan(0);
    let done = 0;
    const askedAfter: number[] = [];
    await applyOperations(world.admin.metadata, operations, reading.roleIds, {
      onProgress: (n) => (done = n),
      members: () => {
        askedAfter.push(done);
        return Promise.resolve(world.adminSession.metadata);
      },
    });
    // Once per move, each time after every operation before it.
    const movesAt = operations.flatMap((op, i) =>
      op.kind === 'updateWorkspaceMemberRole' ? [i] : [],
    );
    expect(askedAfter).toEqual(movesAt);
  });

  it('stops at the first move with an ApplyError saying why, when the session is gone by then', async () => {
    const world = await syncWorld(server, false);
    const { operations, reading } = await plan(world);
    const failure: unknown = await applyOperations(
      world.admin.metadata,
      operations,
      reading.roleIds,
      {
        members: () =>
          Promise.reject(
            new AdminSessionError('the admin session expired: tiergate login --host x'),
          ),
      },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplyError);
    const error = failure as ApplyError;
    expect(error.operation.kind).toBe('updateWorkspaceMemberRole');
    expect(error.succeeded).toBe(operations.indexOf(error.operation));
    expect(error.message).toContain('tiergate login --host x');
  });

  it('lets Twenty refuse a hidden field to the member and serve a read one', async () => {
    const world = await syncWorld(server, false);
    const junior = tokenOf(world, 'm1');
    // Before the sync the member holds Twenty's Member role, which reads every field.
    expect(await coreError(junior, OPPORTUNITIES('amount { amountMicros }'))).toBeUndefined();
    await syncOnce(world);
    const hidden = await coreError(junior, OPPORTUNITIES('amount { amountMicros }'));
    expect(hidden?.codes).toContain('FORBIDDEN');
    expect(await coreError(junior, OPPORTUNITIES('name closeDate'))).toBeUndefined();
  });

  it('with row-level security, shows a junior rep only the opportunities they own', async () => {
    const world = await syncWorld(server, true);
    const first = await syncOnce(world);
    expect(first.operations.some((op) => op.kind === 'upsertRowLevelPermissionPredicates')).toBe(
      true,
    );
    const again = await syncOnce(world);
    expect(again.result.mutations).toBe(0);
    const memberId = world.memberIds.get('m1');
    const answer = await hostFor(tokenOf(world, 'm1')).core.request<{
      opportunities: { edges: { node: { ownerId: string | null } }[] };
    }>(OPPORTUNITIES('ownerId'));
    const owners = answer.opportunities.edges.map((e) => e.node.ownerId);
    const all = Object.values(world.sandbox.state().records.opportunity ?? {});
    expect(all.some((o) => o.ownerId !== memberId)).toBe(true);
    expect(owners.length).toBeGreaterThan(0);
    expect(owners.every((owner) => owner === memberId)).toBe(true);
  });

  it('sees a role changed by hand as drift and converges on re-applying', async () => {
    const world = await syncWorld(server, false);
    const first = await syncOnce(world);
    const repId = first.result.roleIds.get('rep@senior') ?? '';
    await world.admin.metadata.request(SyncUpdateRoleDocument, {
      input: { id: repId, update: { label: 'Renamed by hand', canReadAllObjectRecords: true } },
    });
    const drift = await plan(world);
    expect(drift.plan.empty).toBe(false);
    expect(drift.operations.map((op) => op.kind)).toContain('updateRole');
    const repair = await syncOnce(world);
    expect(repair.result.mutations).toBeGreaterThan(0);
    expect((await plan(world)).plan.empty).toBe(true);
  });

  it('sees a field restriction lifted by hand as drift and restores it', async () => {
    const world = await syncWorld(server, false);
    const first = await syncOnce(world);
    const hidden = first.operations.flatMap((op) =>
      op.kind === 'upsertFieldPermissions' && op.roleKey === 'rep@junior'
        ? op.fieldPermissions.filter((p) => p.canReadFieldValue === false)
        : [],
    )[0];
    if (hidden === undefined) throw new Error('rep@junior hides no field');
    const roleId = first.result.roleIds.get('rep@junior') ?? '';
    await world.admin.metadata.request(SyncUpsertFieldPermissionsDocument, {
      input: {
        roleId,
        fieldPermissions: [{ ...hidden, canReadFieldValue: null, canUpdateFieldValue: null }],
      },
    });
    const drift = await plan(world);
    // One call carrying the role's whole set back (the lift by hand deleted every other row).
    expect(drift.operations).toHaveLength(1);
    expect(drift.operations[0]).toMatchObject({
      kind: 'upsertFieldPermissions',
      roleKey: 'rep@junior',
    });
    const restored =
      drift.operations[0]?.kind === 'upsertFieldPermissions' ? drift.operations[0] : undefined;
    expect(restored?.fieldPermissions).toContainEqual({
      ...hidden,
      canReadFieldValue: false,
      canUpdateFieldValue: false,
    });
    expect((await syncOnce(world)).result.mutations).toBe(1);
    expect((await plan(world)).plan.empty).toBe(true);
  });

  it('moves members off a role the policy no longer needs before deleting it', async () => {
    const world = await syncWorld(server, true);
    await syncOnce(world);
    const onlyReps: Placement = [
      ['rep', 'junior'],
      ['rep', 'senior'],
    ];
    const next = { ...world, desired: await desiredFor(world, onlyReps) };
    const round = await syncOnce(next);
    const kinds = round.operations.map((op) => op.kind);
    expect(kinds.filter((k) => k === 'deleteRole')).toHaveLength(2);
    expect(kinds.indexOf('updateWorkspaceMemberRole')).toBeLessThan(kinds.indexOf('deleteRole'));
    const reading = await readHostState(world.admin.metadata);
    expect(reading.state.roles.map((r) => r.key)).toEqual(['rep@junior', 'rep@senior']);
    expect((await plan(next)).operations).toEqual([]);
  });

  it('stops at a host failure with an ApplyError naming it, and a re-run converges', async () => {
    const world = await syncWorld(server, false);
    let calls = 0;
    server.use(
      graphql.link(`${BASE_URL}/metadata`).mutation('SyncUpsertFieldPermissions', () => {
        calls += 1;
        if (calls === 2) {
          return HttpResponse.json({ errors: [{ message: 'boom' }] }, { status: 500 });
        }
        return undefined;
      }),
    );
    const planned = await plan(world);
    const failure: unknown = await applyOperations(
      world.admin.metadata,
      planned.operations,
      planned.reading.roleIds,
      { members: world.adminSession.metadata },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplyError);
    const error = failure as ApplyError;
    expect(error.operation.kind).toBe('upsertFieldPermissions');
    expect(error.status).toBe(500);
    expect(error.message).toContain('upsertFieldPermissions of role');
    expect(error.message).toContain('boom');
    expect(error.succeeded).toBe(planned.operations.indexOf(error.operation));
    // Drop the failing handler, keeping the same sandbox (and what the first apply did).
    server.resetHandlers();
    server.use(...sandboxHandlers(world.sandbox.serverOptions, BASE_URL));
    const rerun = await syncOnce(world);
    expect(rerun.result.mutations).toBeGreaterThan(0);
    expect((await plan(world)).plan.empty).toBe(true);
  });
});

describe('rowLevelInputs', () => {
  it('gives each group a fresh id and links predicates and child groups to it by position', () => {
    let n = 0;
    const inputs = rowLevelInputs(
      [
        { objectMetadataId: 'o', fieldMetadataId: 'a', operand: 'IS', value: 1 },
        { objectMetadataId: 'o', fieldMetadataId: 'b', operand: 'IS_EMPTY', group: 1 },
      ],
      [
        { objectMetadataId: 'o', logicalOperator: 'AND' },
        { objectMetadataId: 'o', logicalOperator: 'OR', parent: 0 },
      ],
      () => `g${String((n += 1))}`,
    );
    expect(
      inputs.predicateGroups.map((g) => [g.id, g.parentRowLevelPermissionPredicateGroupId]),
    ).toEqual([
      ['g1', null],
      ['g2', 'g1'],
    ]);
    expect(
      inputs.predicates.map((p) => [
        p.fieldMetadataId,
        p.rowLevelPermissionPredicateGroupId,
        p.value,
      ]),
    ).toEqual([
      ['a', null, 1],
      ['b', 'g2', null],
    ]);
  });

  it('refuses a predicate that names a missing group', () => {
    const predicate = {
      objectMetadataId: 'o',
      fieldMetadataId: 'a',
      operand: 'IS' as const,
      group: 3,
    };
    expect(() => rowLevelInputs([predicate], [])).toThrow(/missing group 3/);
  });
});
