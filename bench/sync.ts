/**
 * `npm run bench -- sync`: native sync at size. A policy of 10 roles × 5 tiers × 30 objects ×
 * 60 fields over a host of 500 members: time to compile and plan, host calls for the first
 * apply, for a re-apply (must be 0) and for a one-field change (must not grow with the policy:
 * compared with the same change in a policy of 2 roles × 3 objects). Then the tiergateViewers
 * backfill over the seeded sandbox (60 members, 10,000 records) on loopback: records read,
 * records written, host calls for the first fill and for a second one (must be 0).
 */
import { readFileSync } from 'node:fs';
import { connectHost } from '../src/host/host.js';
import { loadPolicy } from '../src/policy/load.js';
import { createSandbox } from '../src/sandbox/sandbox.js';
import { RAISED_RATE_LIMIT } from '../src/sandbox/rate-limit.js';
import { startSandboxServer } from '../src/sandbox/server.js';
import { applyOperations } from '../src/sync/apply.js';
import { install } from '../src/sync/install.js';
import { tiergateManifest } from '../src/twenty-app/manifest.js';
import { openSession } from '../src/sync/session.js';
import { syncViewers, ViewerIndex } from '../src/twenty-app/viewers.js';
import type { DataModelSnapshot, DiscoveredObject } from '../src/host/data-model.js';
import { validatePolicy } from '../src/policy/load.js';
import type { Policy } from '../src/policy/schema.js';
import { compileHostState } from '../src/sync/compile.js';
import type { HostPermissionState } from '../src/sync/host-state.js';
import { diffHostState, operationsFor } from '../src/sync/plan.js';
import { median } from './measure.js';

const TIERS = ['t1', 't2', 't3', 't4', 't5'];

function snapshot(objects: number, fields: number): DataModelSnapshot {
  const member: DiscoveredObject = {
    id: 'obj-workspaceMember',
    nameSingular: 'workspaceMember',
    namePlural: 'workspaceMembers',
    labelSingular: 'Member',
    labelPlural: 'Members',
    isSystem: true,
    fields: [
      { id: 'wm-id', name: 'id', label: 'Id', type: 'UUID', isNullable: false, isSystem: true },
    ],
  };
  const list: DiscoveredObject[] = [member];
  for (let o = 1; o <= objects; o++) {
    const name = `object${String(o).padStart(2, '0')}`;
    list.push({
      id: `obj-${name}`,
      nameSingular: name,
      namePlural: `${name}s`,
      labelSingular: name,
      labelPlural: `${name}s`,
      isSystem: false,
      fields: [
        {
          id: `${name}-id`,
          name: 'id',
          label: 'Id',
          type: 'UUID',
          isNullable: false,
          isSystem: true,
        },
        {
          id: `${name}-owner`,
          name: 'owner',
          label: 'Owner',
          type: 'RELATION',
          isNullable: true,
          relation: { type: 'MANY_TO_ONE', targetObject: 'workspaceMember', joinColumn: 'ownerId' },
        },
        {
          id: `${name}-viewers`,
          name: 'tiergateViewers',
          label: 'Viewers',
          type: 'ARRAY',
          isNullable: true,
        },
        ...Array.from({ length: fields - 3 }, (_, f) => ({
          id: `${name}-f${f}`,
          name: `f${f}`,
          label: `F${f}`,
          type: 'TEXT' as const,
          isNullable: true,
        })),
      ],
    });
  }
  const byName = new Map(list.map((o) => [o.nameSingular, o]));
  return { objects: list, readAt: 0, object: (name) => byName.get(name) };
}

function policy(roles: number, objects: number, members: number, hiddenAtT2: string): Policy {
  // The field hidden at t2 differs for role0 only, so a change of it is a one-role change.
  const objectRules = (hidden: string): Record<string, unknown> =>
    Object.fromEntries(
      Array.from({ length: objects }, (_, o) => [
        `object${String(o + 1).padStart(2, '0')}`,
        {
          read: { t1: 'own', t3: 'team', t5: 'all' },
          update: { t2: 'own', t4: 'team' },
          delete: { t4: 'own' },
          fields: {
            default: { t1: 'read', t2: 'edit' },
            f1: { t1: 'hidden', t3: 'read' },
            [hidden]: { t2: 'hidden', t4: 'edit' },
          },
        },
      ]),
    );
  return validatePolicy({
    version: 1,
    tiers: TIERS.map((id) => ({ id })),
    objects: Object.fromEntries(
      Array.from({ length: objects }, (_, o) => [
        `object${String(o + 1).padStart(2, '0')}`,
        { owner: ['ownerId'] },
      ]),
    ),
    org: {
      teams: Array.from({ length: 10 }, (_, t) => ({ id: `team${t}` })),
      members: Array.from({ length: members }, (_, m) => ({
        id: `m${m}`,
        role: `role${m % roles}`,
        tier: TIERS[Math.floor(m / roles) % TIERS.length],
        teams: [`team${m % 10}`],
        ...(m > 0 ? { manager: `m${Math.floor((m - 1) / 8)}` } : {}),
      })),
    },
    roles: Object.fromEntries(
      Array.from({ length: roles }, (_, r) => [
        `role${r}`,
        { label: `Role ${r}`, duties: 'Works.', objects: objectRules(r === 0 ? hiddenAtT2 : 'f2') },
      ]),
    ),
  });
}

const EMPTY: HostPermissionState = { roles: [], assignments: {} };
const OPTIONS = { managedRoleKeys: (key: string) => !key.startsWith('host:') };

function timeMs(run: () => unknown, rounds = 7): number {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

/** Host calls to apply a one-field change (f2 hidden at t2 → f3 hidden at t2). */
function oneFieldChange(roles: number, objects: number, fields: number): number {
  const model = snapshot(objects, fields);
  const before = compileHostState(policy(roles, objects, 500, 'f2'), model, {
    rlsEntitled: true,
  }).state;
  const after = compileHostState(policy(roles, objects, 500, 'f3'), model, {
    rlsEntitled: true,
  }).state;
  return operationsFor(diffHostState(after, before, OPTIONS), before, after).length;
}

interface ViewerFigures {
  readonly records: number;
  readonly written: number;
  readonly firstCalls: number;
  readonly firstSeconds: number;
  readonly secondCalls: number;
  readonly indexMs: number;
}

/** The demo policy over the seeded sandbox: the viewers backfill, twice. */
async function viewerFigures(): Promise<ViewerFigures> {
  const sandbox = await createSandbox({
    rls: true,
    seed: 'default',
    adminKey: 'bench-admin-key',
    rateLimit: RAISED_RATE_LIMIT,
  });
  const running = await startSandboxServer(sandbox.serverOptions, 0);
  try {
    const host = connectHost({
      baseUrl: running.url,
      token: 'bench-admin-key',
      rateLimit: { requests: 1_000_000, windowMs: 60_000 },
    });
    await install(host, tiergateManifest(), { addonUrl: 'http://127.0.0.1:9' });
    await host.dataModel.refresh();
    const policy = loadPolicy(
      readFileSync(new URL('../../examples/demo/tiergate.policy.yaml', import.meta.url), 'utf8'),
    );
    const session = await openSession(host, policy);
    await applyOperations(host.metadata, [...session.operations], session.reading.roleIds);
    const { org, compiled } = session;
    const indexMs = timeMs(() => new ViewerIndex(org.policy, compiled.viewerScopes));
    const start = process.hrtime.bigint();
    const first = await syncViewers(host, org.policy, session.viewers);
    const firstSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    const second = await syncViewers(host, org.policy, session.viewers);
    const sum = (results: typeof first, key: 'records' | 'stale' | 'calls') =>
      results.reduce((n, r) => n + r[key], 0);
    return {
      records: sum(first, 'records'),
      written: sum(first, 'stale'),
      firstCalls: sum(first, 'calls'),
      firstSeconds,
      secondCalls: sum(second, 'calls'),
      indexMs,
    };
  } finally {
    await running.close();
    await sandbox.settle();
  }
}

export async function runSyncBench(): Promise<number> {
  const model = snapshot(30, 60);
  const big = policy(10, 30, 500, 'f2');
  const compileMs = timeMs(() => compileHostState(big, model, { rlsEntitled: true }));
  const desired = compileHostState(big, model, { rlsEntitled: true }).state;
  const planMs = timeMs(() =>
    operationsFor(diffHostState(desired, EMPTY, OPTIONS), EMPTY, desired),
  );
  const first = operationsFor(diffHostState(desired, EMPTY, OPTIONS), EMPTY, desired).length;
  const again = operationsFor(diffHostState(desired, desired, OPTIONS), desired, desired).length;
  const changeBig = oneFieldChange(10, 30, 60);
  const changeSmall = oneFieldChange(2, 3, 60);
  const viewers = await viewerFigures();
  const rows = [
    ['policy', '10 roles × 5 tiers × 30 objects × 60 fields, 500 members'],
    ['host roles', String(desired.roles.length)],
    ['compile (median of 7)', `${compileMs.toFixed(1)} ms`],
    ['plan against an empty host (median of 7)', `${planMs.toFixed(1)} ms`],
    ['host calls, first apply', String(first)],
    ['host calls, re-apply (must be 0)', String(again)],
    [
      'host calls, one-field change',
      `${changeBig} (2 roles × 3 objects: ${changeSmall}; must not grow)`,
    ],
    ['tiergateViewers: demo policy, seeded sandbox', `${viewers.records} records read`],
    ['  viewer index (median of 7)', `${viewers.indexMs.toFixed(2)} ms`],
    [
      '  first fill',
      `${viewers.written} records written in ${viewers.firstCalls} host calls, ${viewers.firstSeconds.toFixed(1)} s on loopback`,
    ],
    ['  second fill (must be 0)', `${viewers.secondCalls} host calls`],
  ];
  const width = Math.max(...rows.map(([k]) => (k ?? '').length));
  console.log(
    `tiergate sync benchmark — node ${process.version}\n${rows.map(([k, v]) => `${(k ?? '').padEnd(width)}  ${v ?? ''}`).join('\n')}`,
  );
  const ok = again === 0 && changeBig <= changeSmall && viewers.secondCalls === 0;
  if (!ok)
    console.log(
      'FAILED: a re-apply and a second viewers fill must make no call, and a one-field change must not grow with the policy',
    );
  return ok ? 0 : 1;
}
