/**
 * The tiergateViewers backfill after an apply: Twenty's row-level predicates then select exactly
 * the records the engine allows.
 */
import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { connectHost } from '../host/host.js';
import { mswServer } from '../host/msw-server.test-support.js';
import { compilePolicy } from '../policy/engine.js';
import { loadPolicy } from '../policy/load.js';
import { sandboxHandlers } from '../sandbox/msw-handlers.test-support.js';
import { createSandbox } from '../sandbox/sandbox.js';
import { ADMIN_ROLE_ID } from '../sandbox/seed-state.js';
import { tiergateManifest } from '../twenty-app/manifest.js';
import { syncViewers, ViewerIndex, type ViewerProgress } from '../twenty-app/viewers.js';
import { applyOperations } from './apply.js';
import { install } from './install.js';
import { openSession } from './session.js';

const BASE_URL = 'http://twenty.test';
const KEY = 'viewers-test-key';
const server = mswServer();

describe('syncViewers against the sandbox', () => {
  it("fills the field so that a member's own token sees exactly its scope, then has nothing to write", async () => {
    const policy = loadPolicy(
      readFileSync(new URL('../../examples/demo/tiergate.policy.yaml', import.meta.url), 'utf8'),
    );
    const sandbox = await createSandbox({
      rls: true,
      seed: 'default',
      seedCounts: { companies: 240, people: 300, opportunities: 300 },
      adminKey: KEY,
    });
    server.use(
      ...sandboxHandlers(sandbox.serverOptions, BASE_URL),
      http.post(
        'https://addon.test/webhooks/twenty',
        () => new HttpResponse(null, { status: 200 }),
      ),
    );
    const host = connectHost({
      baseUrl: BASE_URL,
      token: KEY,
      rateLimit: { requests: 100_000, windowMs: 60_000 },
    });
    await install(host, tiergateManifest(), { addonUrl: 'https://addon.test' });
    await host.dataModel.refresh();
    // Members move with the admin's own session, which never moves the admin themself.
    const admin = sandbox.state().members.find((m) => m.roleId === ADMIN_ROLE_ID);
    if (admin === undefined) throw new Error('the sandbox has no admin');
    const session = await openSession(host, policy, undefined, {
      memberMover: { kind: 'admin', memberId: admin.id, email: admin.userEmail },
    });
    expect(session.compiled.problems).toEqual([]);
    const members = connectHost({
      baseUrl: BASE_URL,
      token: admin.token,
      rateLimit: { requests: 100_000, windowMs: 60_000 },
    }).metadata;
    await applyOperations(host.metadata, [...session.operations], session.reading.roleIds, {
      members,
    });
    const index = new ViewerIndex(session.org.policy, session.compiled.viewerScopes);
    expect(index.objects()).toEqual(['company', 'opportunity', 'person', 'task']);

    const progress: ViewerProgress[] = [];
    const first = await syncViewers(host, policy, index, { onProgress: (p) => progress.push(p) });
    const company = first.find((r) => r.object === 'company');
    expect(company?.records).toBe(240);
    // Progress knows the total from the first page (the host's totalCount), page after page.
    const reads = progress.filter((p) => p.object === 'company' && p.phase === 'read');
    expect(reads.map((p) => p.done)).toEqual([60, 120, 180, 240]);
    expect(reads.every((p) => p.total === 240)).toBe(true);
    const writes = progress.filter((p) => p.object === 'company' && p.phase === 'write');
    expect(writes.at(-1)).toEqual({
      object: 'company',
      phase: 'write',
      done: company?.stale,
      total: company?.stale,
    });
    expect(company?.stale).toBeGreaterThan(0);
    // Grouped by value: far fewer calls than records.
    expect(company?.calls).toBeLessThan(company?.stale ?? 0);

    const again = await syncViewers(host, policy, index);
    expect(again.map((r) => [r.object, r.stale, r.calls])).toEqual([
      ['company', 0, 0],
      ['opportunity', 0, 0],
      ['person', 0, 0],
      ['task', 0, 0],
    ]);

    // A junior rep reads the team's companies: through Twenty's own predicates, exactly the
    // companies the engine allows over the full data.
    const engine = compilePolicy(policy);
    const state = sandbox.state();
    const junior = policy.org.members.find((m) => m.role === 'sales-rep' && m.tier === 'junior');
    const token = state.members.find((m) => m.id === junior?.id)?.token ?? '';
    const asJunior = connectHost({ baseUrl: BASE_URL, token });
    const seen = await asJunior.core.request<{ companies: { edges: { node: { id: string } }[] } }>(
      '{ companies(first: 200) { edges { node { id } } } }',
    );
    const allowed = Object.values(state.records.company ?? {})
      .filter(
        (record) =>
          engine.decide({ member: junior?.id ?? '', object: 'company', action: 'read', record })
            .effect === 'allow',
      )
      .map((r) => r.id)
      .sort();
    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed.length).toBeLessThan(240);
    expect(seen.companies.edges.map((e) => e.node.id).sort()).toEqual(allowed);
  }, 60_000);
});
