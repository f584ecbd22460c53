/**
 * `npm run test:contract:live` as a user runs it: without its variables it fails naming them;
 * pointed at a running Twenty-like server (the sandbox's, here), it runs the API-only tests
 * and states first which behaviours it cannot check, and why.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../src/sandbox/sandbox.js';
import { ADMIN_ROLE_ID } from '../../src/sandbox/seed-state.js';
import { startSandboxServer } from '../../src/sandbox/server.js';
import { CONTRACT_COUNTS, CONTRACT_NOW } from './harness.js';

const run = promisify(execFile);

/** Runs the live suite with exactly `env` for Twenty's variables; its output and exit code. */
async function liveRun(env: Record<string, string>): Promise<{ code: number; output: string }> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('TWENTY_')),
  );
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--config', 'vitest.live.config.ts'],
      { env: { ...inherited, ...env, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 120_000 },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: (failed.stdout ?? '') + (failed.stderr ?? '') };
  }
}

describe('the live host contract run', () => {
  it('fails before any test, naming each missing variable and how to get it', async () => {
    const { code, output } = await liveRun({ TWENTY_URL: 'http://127.0.0.1:9' });
    expect(code).not.toBe(0);
    expect(output).toContain('needs TWENTY_API_KEY, TWENTY_ADMIN_TOKEN, which are not set');
    expect(output).toContain('TWENTY_API_KEY: in Twenty, Settings → APIs & Webhooks');
    expect(output).toContain('TWENTY_ADMIN_TOKEN: the access token of a signed-in workspace admin');
    expect(output).not.toContain('TWENTY_URL: ');
  });

  describe('against a running server', () => {
    let url = '';
    let apiKey = '';
    let adminToken = '';
    let close: () => Promise<void> = () => Promise.resolve();
    beforeAll(async () => {
      const sandbox = await createSandbox({
        rls: false,
        seed: 'default',
        seedCounts: CONTRACT_COUNTS,
        now: () => CONTRACT_NOW,
      });
      const running = await startSandboxServer(sandbox.serverOptions);
      url = running.url;
      apiKey = sandbox.adminKey;
      const admin = sandbox.state().members.find((m) => m.roleId === ADMIN_ROLE_ID);
      if (admin === undefined) throw new Error('no admin member in the seed');
      adminToken = admin.token;
      close = async () => {
        running.server.closeAllConnections();
        await running.close();
      };
    });
    afterAll(async () => {
      await close();
    });

    it('states up front what it cannot check and why, then passes the API-only tests', async () => {
      const { code, output } = await liveRun({
        TWENTY_URL: url,
        TWENTY_API_KEY: apiKey,
        TWENTY_ADMIN_TOKEN: adminToken,
      });
      expect(output).toMatch(
        /Live host contract at http:\/\/127\.0\.0\.1:\d+: \d+ behaviour\(s\) cannot be checked here\./,
      );
      expect(output).toContain('needs memberTokens: tokens of members with the Member role');
      expect(output).toContain(
        '    - refuses a createMany of more than QUERY_MAX_RECORDS (200) records',
      );
      expect(output).not.toContain(apiKey);
      expect(output).not.toContain(adminToken);
      expect(output).toMatch(/Tests\s+\d+ passed \| \d+ skipped/);
      expect(code).toBe(0);
    }, 120_000);
  });
});
