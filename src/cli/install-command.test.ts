/** `tiergate install` and `uninstall`: usage errors, and a round trip against the sandbox via msw. */
import { mkdirSync, mkdtempSync, readFileSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mswServer } from '../host/msw-server.test-support.js';
import { sandboxHandlers } from '../sandbox/msw-handlers.test-support.js';
import { createSandbox } from '../sandbox/sandbox.js';
import { installationSchema } from '../sync/installation.js';
import { open, secretKey } from '../sync/secret-box.js';
import { runCli as run } from './run.test-support.js';

const BASE_URL = 'http://twenty.test';
const ADMIN_KEY = 'admin-key-for-install-command-tests';
const server = mswServer();

const emptyDir = (): string => mkdtempSync(join(tmpdir(), 'tiergate-install-'));

/** A directory whose .tiergate/sandbox.json points at an in-process sandbox. */
async function sandboxDir(): Promise<string> {
  const sandbox = await createSandbox({ rls: false, seed: 'none', adminKey: ADMIN_KEY });
  server.use(...sandboxHandlers(sandbox.serverOptions, BASE_URL));
  const cwd = emptyDir();
  mkdirSync(join(cwd, '.tiergate'));
  writeFileSync(
    join(cwd, '.tiergate', 'sandbox.json'),
    JSON.stringify({ url: BASE_URL, adminKey: ADMIN_KEY }),
  );
  return cwd;
}

describe('tiergate install usage', () => {
  it('shows help for both commands', async () => {
    for (const name of ['install', 'uninstall']) {
      const { code, out } = await run(emptyDir(), name, '--help');
      expect(code).toBe(0);
      expect(out).toContain(`Usage: tiergate ${name}`);
    }
  });

  it('requires --addon-url, and an http or https one', async () => {
    const cwd = emptyDir();
    const missing = await run(cwd, 'install', '--host', BASE_URL, '--api-key', 'k');
    expect(missing.code).toBe(64);
    expect(missing.err).toContain('--addon-url');
    const ftp = await run(
      cwd,
      'install',
      '--host',
      BASE_URL,
      '--api-key',
      'k',
      '--addon-url',
      'ftp://x',
    );
    expect(ftp.code).toBe(64);
    expect(ftp.err).toContain('must be http or https');
    const junk = await run(cwd, 'install', '--addon-url', 'not a url');
    expect(junk.code).toBe(64);
  });

  it('requires a host and key when there is no sandbox here', async () => {
    const { code, err } = await run(emptyDir(), 'install', '--addon-url', 'https://a.example');
    expect(code).toBe(64);
    expect(err).toContain('--host URL and --api-key KEY');
  });

  it('refuses to uninstall when nothing was installed from here', async () => {
    const { code, err } = await run(emptyDir(), 'uninstall', '--yes');
    expect(code).toBe(1);
    expect(err).toContain('nothing installed');
  });

  it('rejects unknown options', async () => {
    expect((await run(emptyDir(), 'install', '--bogus')).code).toBe(64);
  });
});

describe('tiergate install against the sandbox', () => {
  it('records the installation with the secret sealed and never prints it', async () => {
    const cwd = await sandboxDir();
    const { code, out } = await run(
      cwd,
      'install',
      '--addon-url',
      'https://tg.example',
      '--json',
      '--skip-delivery-check',
    );
    expect(code).toBe(0);
    const printed = JSON.parse(out) as { created: string[]; webhook: { id: string } };
    expect(printed.created).toContain('object tiergateAuditEntry');

    const file = join(cwd, '.tiergate', 'installation.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const record = installationSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(record.webhookId).toBe(printed.webhook.id);
    expect(record.rlsEntitled).toBe(false);
    const secret = open(record.sealedWebhookSecret ?? '', await secretKey({}, cwd));
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(out).not.toContain(secret);
    expect(readFileSync(file, 'utf8')).not.toContain(secret);
    // The add-on's own key: its token sealed the same way, and it opens the metadata API.
    const token = open(record.sealedApiKey ?? '', await secretKey({}, cwd));
    expect(out).not.toContain(token);
    expect(readFileSync(file, 'utf8')).not.toContain(token);
    const roles = await fetch(`${BASE_URL}/metadata`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ getRoles { label } }' }),
    });
    expect(((await roles.json()) as { errors?: unknown }).errors).toBeUndefined();

    const again = await run(
      cwd,
      'install',
      '--addon-url',
      'https://tg.example',
      '--skip-delivery-check',
    );
    expect(again.code).toBe(0);
    expect(again.out).toContain('Left alone');
    expect(again.out).not.toContain('Created');
    const kept = installationSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(kept.apiKeyId).toBe(record.apiKeyId);
    expect(kept.sealedApiKey).toBe(record.sealedApiKey);
  });

  it('records the --rate it is given for the host, and keeps it when installed again without one', async () => {
    const cwd = await sandboxDir();
    const file = join(cwd, '.tiergate', 'installation.json');
    const first = await run(
      cwd,
      'install',
      '--addon-url',
      'https://tg.example',
      '--rate',
      '30/min',
      '--skip-delivery-check',
    );
    expect(first.code).toBe(0);
    const recorded = installationSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(recorded.rateLimit).toEqual({ requests: 30, windowMs: 60_000 });
    const again = await run(
      cwd,
      'install',
      '--addon-url',
      'https://tg.example',
      '--skip-delivery-check',
    );
    expect(again.code).toBe(0);
    const kept = installationSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(kept.rateLimit).toEqual({ requests: 30, windowMs: 60_000 });
    const bad = await run(cwd, 'install', '--addon-url', 'https://tg.example', '--rate', 'fast');
    expect(bad.code).toBe(64);
  });

  it('uninstalls only with --yes, keeps the audit object and then its record', async () => {
    const cwd = await sandboxDir();
    expect(
      (await run(cwd, 'install', '--addon-url', 'https://tg.example', '--skip-delivery-check'))
        .code,
    ).toBe(0);
    const asked = await run(cwd, 'uninstall');
    expect(asked.code).toBe(1);
    expect(asked.err).toContain('--yes');

    const done = await run(cwd, 'uninstall', '--yes');
    expect(done.code).toBe(0);
    expect(done.out).toContain('field company.tiergateViewers');
    expect(done.out).toContain('Kept');
    const file = join(cwd, '.tiergate', 'installation.json');
    expect(existsSync(file)).toBe(true);

    const purged = await run(cwd, 'uninstall', '--yes', '--purge');
    expect(purged.code).toBe(1);
    expect(purged.out).toContain('Could not remove');
    expect(purged.out).toContain('object tiergateAuditEntry');
  });
});
