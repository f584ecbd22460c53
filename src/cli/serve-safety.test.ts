/**
 * `tiergate serve` guarding what it serves: /metrics kept off the webhook listener or behind a
 * bearer token, another host's installation refused, and a warning when the key that seals the
 * installation's secrets sits in the same directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../sandbox/sandbox.js';
import { startSandboxServer } from '../sandbox/server.js';
import { readInstallation, writeInstallation, type Installation } from '../sync/installation.js';
import { metricsBindOf, retentionDaysOf } from './commands/serve.js';
import { runCli } from './run.test-support.js';
import { installWithSecret, runServe as runServeWith } from './serve.test-support.js';

const runServe = (cwd: string, env: Record<string, string>, argv: string[]) =>
  runServeWith(cwd, env, ['--port', '0', ...argv]);

const SECRET = 'whsec-serve-safety-0123456789abcdef';
const KEY = randomBytes(32);
const TOKEN = 'metrics-token-0123456789abcdef';

const SERVE_POLICY = `version: 1
tiers: [{ id: junior }]
objects: { company: {} }
org: { members: [] }
roles: {}
`;

/** A sandbox on loopback and a directory where `tiergate install` ran against it. */
async function installedSandbox(adminKey: string) {
  const sandbox = await createSandbox({ rls: false, seed: 'default', adminKey });
  const running = await startSandboxServer(sandbox.serverOptions, 0);
  const cwd = emptyDir();
  mkdirSync(join(cwd, '.tiergate'));
  writeFileSync(
    join(cwd, '.tiergate', 'sandbox.json'),
    JSON.stringify({ url: running.url, adminKey }),
  );
  writeFileSync(join(cwd, 'tiergate.policy.yaml'), SERVE_POLICY);
  expect(
    (await runCli(cwd, 'install', '--addon-url', 'http://127.0.0.1:9', '--skip-delivery-check'))
      .code,
  ).toBe(0);
  return { sandbox, running, cwd };
}

const emptyDir = (): string => mkdtempSync(join(tmpdir(), 'tiergate-serve-safety-'));

describe('serve and /metrics', () => {
  it('serves /metrics only on --metrics-bind when given, not beside the webhooks', async () => {
    const run = runServe(emptyDir(), { TIERGATE_WEBHOOK_SECRET: SECRET }, [
      '--metrics-bind',
      '127.0.0.1:0',
    ]);
    try {
      const url = await run.ready;
      const metricsUrl = /metrics: (http:\/\/\S+)\/metrics/.exec(run.output().err)?.[1];
      expect(metricsUrl).toBeDefined();
      expect(metricsUrl).not.toBe(url);
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
      const scraped = await fetch(`${metricsUrl}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('tiergate_');
      expect((await fetch(`${metricsUrl}/webhooks/twenty`, { method: 'POST' })).status).toBe(404);
    } finally {
      run.stop();
      expect(await run.done).toBe(0);
    }
  }, 60_000);

  it('answers /metrics 401 without the bearer token from $TIERGATE_METRICS_TOKEN', async () => {
    const run = runServe(
      emptyDir(),
      { TIERGATE_WEBHOOK_SECRET: SECRET, TIERGATE_METRICS_TOKEN: TOKEN },
      [],
    );
    try {
      const url = await run.ready;
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${url}/metrics`, {
        headers: { authorization: 'Bearer not-the-token' },
      });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${url}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(right.status).toBe(200);
      expect(run.output().err).toContain('bearer token from $TIERGATE_METRICS_TOKEN');
      expect(run.output().out).not.toContain(TOKEN);
    } finally {
      run.stop();
      expect(await run.done).toBe(0);
    }
  }, 60_000);

  it.each(['127.0.0.1', 'x:y', ':9464', '127.0.0.1:70000'])(
    'answers --metrics-bind %s with a usage error',
    (value) => {
      expect(() => metricsBindOf(value)).toThrow('usage: --metrics-bind takes ADDR:PORT');
    },
  );

  it('reads --metrics-bind as an address and a port, IPv6 in brackets', () => {
    expect(metricsBindOf('0.0.0.0:9464')).toEqual({ bind: '0.0.0.0', port: 9464 });
    expect(metricsBindOf('[::1]:9464')).toEqual({ bind: '::1', port: 9464 });
  });
});

describe("serve and the installation's host", () => {
  it('refuses --host naming another host than the installation was made for, saying whose it is', async () => {
    const cwd = emptyDir();
    await installWithSecret(cwd, SECRET, KEY, 'http://crm-a.test');
    const run = runServe(cwd, { TIERGATE_SECRET_KEY: KEY.toString('base64') }, [
      '--host',
      'http://crm-b.test',
      '--api-key',
      'k',
    ]);
    expect(await run.done).toBe(1);
    const { err } = run.output();
    expect(err).toContain(
      '.tiergate/installation.json here belongs to http://crm-a.test (installed 2026-03-01T12:00:00.000Z), not to http://crm-b.test',
    );
    expect(err).toContain('drop --host');
    expect(err).toContain('tiergate install --host http://crm-b.test');
  });

  it('takes --host naming the installation host, however its URL is spelled', async () => {
    const cwd = emptyDir();
    await installWithSecret(cwd, SECRET, KEY, 'http://crm-a.test');
    const run = runServe(cwd, { TIERGATE_SECRET_KEY: KEY.toString('base64') }, [
      '--host',
      'HTTP://CRM-A.test:80/',
      '--api-key',
      'k',
    ]);
    await run.ready;
    run.stop();
    expect(await run.done).toBe(0);
  }, 60_000);
});

describe("serve and the installation's workspace", () => {
  it('refuses a key that reaches another workspace than the installation was made in', async () => {
    const { sandbox, running, cwd } = await installedSandbox('admin-key-serve-workspace');
    try {
      const installation = await readInstallation(cwd);
      expect(installation?.workspace?.id).toBe(sandbox.state().id);
      // The same directory, its record now naming a workspace this key does not reach.
      await writeInstallation(cwd, {
        ...(installation as Installation),
        workspace: { id: 'another-workspace', name: 'Elsewhere' },
      });
      const run = runServe(cwd, {}, ['--sweep-minutes', '0']);
      expect(await run.done).toBe(1);
      const { err } = run.output();
      expect(err).toContain('was made in workspace "Elsewhere" (another-workspace)');
      expect(err).toContain(`reaches workspace "${installation?.workspace?.name ?? ''}"`);
    } finally {
      await running.close();
    }
  }, 60_000);
});

describe("serve and the add-on's key", () => {
  it("warns when it serves with another key than the add-on's, whose own writes it would journal", async () => {
    const adminKey = 'admin-key-serve-own-key';
    const { running, cwd } = await installedSandbox(adminKey);
    try {
      const own = runServe(cwd, {}, ['--sweep-minutes', '0']);
      await own.ready;
      own.stop();
      expect(await own.done).toBe(0);
      expect(own.output().err).not.toContain('warning: serving with a key other');
      const other = runServe(cwd, {}, ['--sweep-minutes', '0', '--api-key', adminKey]);
      await other.ready;
      other.stop();
      expect(await other.done).toBe(0);
      expect(other.output().err).toContain(
        "warning: serving with a key other than the add-on's own",
      );
    } finally {
      await running.close();
    }
  }, 60_000);
});

describe('serve and the sealing key', () => {
  it('warns, saying how to fix it, when the key sits in .tiergate/secret.key beside the installation', async () => {
    const cwd = emptyDir();
    await installWithSecret(cwd, SECRET, KEY);
    writeFileSync(join(cwd, '.tiergate', 'secret.key'), `${KEY.toString('base64')}\n`, {
      mode: 0o600,
    });
    const run = runServe(cwd, {}, []);
    await run.ready;
    run.stop();
    expect(await run.done).toBe(0);
    const { err, out } = run.output();
    expect(err).toContain(
      'Warning: the key that seals the secrets in .tiergate/installation.json sits beside them in .tiergate/secret.key',
    );
    expect(err).toContain('$TIERGATE_SECRET_KEY');
    expect(err).toContain('move .tiergate/secret.key out of this directory');
    expect(out).toContain('"level":"warn"');
  }, 60_000);

  it('does not warn when the key comes from $TIERGATE_SECRET_KEY', async () => {
    const cwd = emptyDir();
    await installWithSecret(cwd, SECRET, KEY);
    const run = runServe(cwd, { TIERGATE_SECRET_KEY: KEY.toString('base64') }, []);
    await run.ready;
    run.stop();
    expect(await run.done).toBe(0);
    expect(run.output().err).not.toContain('Warning');
  }, 60_000);
});

describe('serve and the inbox retention', () => {
  it('keeps done events 7 days unless $TIERGATE_INBOX_RETENTION_DAYS says otherwise', () => {
    expect(retentionDaysOf(undefined)).toBe(7);
    expect(retentionDaysOf('30')).toBe(30);
    expect(() => retentionDaysOf('a week')).toThrow(
      'usage: $TIERGATE_INBOX_RETENTION_DAYS takes a number of days',
    );
  });

  it('says at start what the inbox keeps and for how long', async () => {
    const run = runServe(
      emptyDir(),
      { TIERGATE_WEBHOOK_SECRET: SECRET, TIERGATE_INBOX_RETENTION_DAYS: '3' },
      [],
    );
    await run.ready;
    run.stop();
    expect(await run.done).toBe(0);
    expect(run.output().err).toContain('inbox: done events reduced to their metadata, kept 3 days');
  }, 60_000);
});
