/**
 * A long apply keeps its admin session: the tiergateViewers backfill runs first, at Twenty's
 * pace, and may outlast the access token taken when the command started. The clock here (the
 * CLI's and the sandbox's alike) jumps past that token's expiry during the backfill.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSandbox } from '../sandbox/sandbox.js';
import { startSandboxServer, type RunningSandbox } from '../sandbox/server.js';
import { ADMIN_ROLE_ID } from '../sandbox/seed-state.js';
import { readAdminSession } from '../sync/admin-session.js';
import {
  ADMIN_KEY,
  ADMIN_PASSWORD,
  policyText,
  roleOf,
  sandboxDirectory,
  signInHere,
} from '../sync/sync-cli.test-support.js';
import { runCli } from './run.test-support.js';

const ACCESS_TOKEN_LIFE_MS = 30 * 60_000;

let server: RunningSandbox | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
});

describe('tiergate apply with a session that runs out during the backfill', () => {
  it('renews the admin session right before the member moves, and moves them', async () => {
    const realNow = Date.now.bind(Date);
    let skipped = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + skipped);
    const sandbox = await createSandbox({
      rls: true,
      seed: 'default',
      seedCounts: { members: 14, companies: 3, people: 3, opportunities: 12 },
      adminKey: ADMIN_KEY,
      adminPassword: ADMIN_PASSWORD,
      now: () => new Date(Date.now()),
    });
    const core = sandbox.serverOptions.core;
    server = await startSandboxServer(
      {
        ...sandbox.serverOptions,
        core: {
          ...core,
          execute: (request) => {
            // The first write of the backfill: from here on the start's token has run out.
            if (skipped === 0 && request.source.includes('TiergateSetViewers'))
              skipped = ACCESS_TOKEN_LIFE_MS + 60_000;
            return core.execute(request);
          },
        },
      },
      0,
    );
    const cwd = sandboxDirectory('tg-apply-renewal-', server.url, ADMIN_KEY);
    const members = sandbox.state().members;
    const admin = members.find((m) => m.roleId === ADMIN_ROLE_ID);
    const others = members.filter((m) => m !== admin);
    const [first, second] = others;
    if (admin === undefined || first === undefined || second === undefined)
      throw new Error('the sandbox lacks members');
    await signInHere(cwd, server.url, admin.userEmail);
    const signedIn = await readAdminSession({ cwd, env: {} });
    // Team scopes, so apply has tiergateViewers to fill before it moves anyone.
    writeFileSync(
      join(cwd, 'tiergate.policy.yaml'),
      policyText(others.slice(0, 4).map((m) => m.id))
        .replace('read: { junior: own }', 'read: { junior: team }')
        .replaceAll(/(tier: junior) }/g, '$1, teams: [field] }')
        .replace('org:\n', 'org:\n  teams: [{ id: field }]\n'),
    );
    const installed = await runCli(
      cwd,
      'install',
      '--addon-url',
      'http://127.0.0.1:9',
      '--skip-delivery-check',
    );
    expect(installed.code).toBe(0);

    const applied = await runCli(cwd, 'apply', '--yes');
    expect(applied.err).not.toMatch(/apply stopped/);
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(/tiergateViewers: \d+ records updated/);
    expect(skipped).toBeGreaterThan(0);
    expect(roleOf(sandbox, first.id)).toBe('Rep · junior');
    expect(roleOf(sandbox, second.id)).toBe('Manager · junior');
    // The renewed session was kept for the next command.
    const after = await readAdminSession({ cwd, env: {} });
    expect(after?.accessToken).not.toBe(signedIn?.accessToken);
    expect(Date.parse(after?.accessExpiresAt ?? '')).toBeGreaterThan(Date.now());
  }, 120_000);
});
