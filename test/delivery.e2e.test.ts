/**
 * End to end on the sandbox over loopback HTTP, with Twenty's outbound rules on: `install` and
 * `doctor` prove webhook delivery, and with the allow-list unset (or set on the server only) they
 * name the cause and the setting, for the server AND the worker, and exit 1.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { freePort } from '../src/cli/free-port.test-support.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run.test-support.js';
import type { OutboundHttpConfig } from '../src/sandbox/outbound-safe-mode.js';
import { createSandbox } from '../src/sandbox/sandbox.js';
import { startSandboxServer } from '../src/sandbox/server.js';

const ADMIN_KEY = 'admin-key-for-delivery-e2e';
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

/** A sandbox with these outbound settings, and a directory whose sandbox.json points at it. */
async function workspace(outbound: {
  server?: OutboundHttpConfig;
  worker?: OutboundHttpConfig;
}): Promise<{ cwd: string; addonUrl: string; companies: () => number }> {
  const sandbox = await createSandbox({
    rls: false,
    seed: 'default',
    seedCounts: { members: 14, companies: 2, people: 2, opportunities: 2 },
    adminKey: ADMIN_KEY,
    outbound,
  });
  const server = await startSandboxServer(sandbox.serverOptions, 0);
  running.push(server);
  const cwd = mkdtempSync(join(tmpdir(), 'tiergate-delivery-e2e-'));
  mkdirSync(join(cwd, '.tiergate'));
  writeFileSync(
    join(cwd, '.tiergate', 'sandbox.json'),
    JSON.stringify({ url: server.url, adminKey: ADMIN_KEY }),
  );
  return {
    cwd,
    addonUrl: `http://127.0.0.1:${await freePort()}`,
    companies: () => Object.keys(sandbox.state().records.company ?? {}).length,
  };
}

const allowing = (...hosts: string[]): OutboundHttpConfig => ({
  safeModeEnabled: true,
  allowedInternalHosts: hosts,
});

describe('webhook delivery end to end', () => {
  it('install and doctor name the cause and the setting when the allow-list is unset', async () => {
    const { cwd, addonUrl } = await workspace({});
    const install = await runCli(cwd, 'install', '--addon-url', addonUrl, '--delivery-wait', '1');
    expect(install.code).toBe(1);
    expect(install.out).toContain('Created:');
    expect(install.out).toMatch(
      /FAIL webhook delivery: no webhook reached http:\/\/127\.0\.0\.1:\d+ within 1 s/,
    );
    expect(install.out).toContain('OUTBOUND_HTTP_SAFE_MODE_ENABLED, on by default');
    // 127.0.0.1 in a Dockerised Twenty's worker is the worker's container: the fix says so.
    expect(install.out).toContain('fix: when Twenty runs in Docker');
    expect(install.out).toContain('host.docker.internal');
    expect(install.out).toContain(
      'outside Docker: set OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS=127.0.0.1 in the environment of BOTH the Twenty server and the Twenty worker',
    );

    const doctor = await runCli(cwd, 'doctor', '--delivery-wait', '1');
    expect(doctor.code).toBe(1);
    expect(doctor.out).toContain('ok   host reachable');
    expect(doctor.out).toContain('ok   API key valid with its flags');
    // No one signed in here: whatever the session check says, it fails.
    expect(doctor.out).toMatch(/FAIL admin session: /);
    expect(doctor.out).toMatch(/FAIL webhook delivered and signed: no webhook reached/);
    expect(doctor.out).toContain('OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS=127.0.0.1');
    expect(doctor.out).toContain('FAIL roles in sync: no apply recorded here');
    expect(doctor.out).toMatch(/checks failed: fix them in order/);
  });

  it('fails the same way when the allow-list is set on the server only', async () => {
    const { cwd, addonUrl } = await workspace({ server: allowing('127.0.0.1') });
    const install = await runCli(cwd, 'install', '--addon-url', addonUrl, '--delivery-wait', '1');
    expect(install.code).toBe(1);
    expect(install.out).toContain('BOTH the Twenty server and the Twenty worker');
  });

  it("proves delivery when the worker's allow-list names the add-on's host", async () => {
    const { cwd, addonUrl, companies } = await workspace({
      server: allowing('127.0.0.1'),
      worker: allowing('127.0.0.1'),
    });
    const before = companies();
    const install = await runCli(cwd, 'install', '--addon-url', addonUrl, '--delivery-wait', '5');
    expect(install.code).toBe(0);
    expect(install.out).toMatch(
      /ok {3}webhook delivery: a company change reached .* with a valid signature/,
    );

    const doctor = await runCli(cwd, 'doctor', '--json', '--delivery-wait', '5');
    const report = JSON.parse(doctor.out) as {
      ok: boolean;
      checks: { name: string; result: { ok: boolean } }[];
    };
    expect(report.checks.find((c) => c.name === 'webhook delivered and signed')?.result.ok).toBe(
      true,
    );
    // The harmless changes were undone.
    expect(companies()).toBe(before);
    // Without a signed-in admin (no session check wired in this build) doctor still fails.
    expect(report.ok).toBe(false);
    expect(doctor.code).toBe(1);
  });

  it('explains itself with --help', async () => {
    const help = await runCli(mkdtempSync(join(tmpdir(), 'tiergate-doctor-')), 'doctor', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: tiergate doctor');
    expect(help.out).toContain(
      'OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS, on the server AND the worker',
    );
  });
});
