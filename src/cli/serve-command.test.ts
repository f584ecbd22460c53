/**
 * `tiergate serve`, in-process: where the webhook secret comes from (the sealed installation
 * record, or $TIERGATE_WEBHOOK_SECRET), the refusal to start without one, usage errors, and a
 * run that takes a signed webhook into the embedded store and stops on its signal.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signedHeaders } from '../host/webhook/signature.js';
import { sql } from 'kysely';
import { testServer } from '../store/store.test-support.js';
import { openStore } from '../store/store.js';
import { companyCreated, installWithSecret, runServe } from './serve.test-support.js';

const SECRET = 'whsec-serve-command-0123456789abcdef';
const KEY = randomBytes(32);

const emptyDir = (): string => mkdtempSync(join(tmpdir(), 'tiergate-serve-'));

describe('tiergate serve', () => {
  it('refuses to start without a webhook secret, says to run tiergate install, and opens no store', async () => {
    const cwd = emptyDir();
    const run = runServe(cwd, { TIERGATE_SECRET_KEY: KEY.toString('base64') });
    expect(await run.done).toBe(1);
    const { err } = run.output();
    expect(err).toContain('no webhook secret: there is no .tiergate/installation.json here');
    expect(err).toContain('tiergate install --addon-url');
    expect(err).toContain('$TIERGATE_WEBHOOK_SECRET');
    expect(existsSync(join(cwd, '.tiergate', 'store'))).toBe(false);
  });

  it('refuses a sealed secret it cannot open, naming the key to check', async () => {
    const cwd = emptyDir();
    await installWithSecret(cwd, SECRET, KEY);
    const run = runServe(cwd, { TIERGATE_SECRET_KEY: randomBytes(32).toString('base64') });
    expect(await run.done).toBe(1);
    expect(run.output().err).toMatch(
      /cannot open the webhook secret sealed in \.tiergate\/installation\.json: .*another key.*TIERGATE_SECRET_KEY/,
    );
  });

  it.each([
    { argv: ['--port', '70000'], message: '--port takes a port number from 0 to 65535' },
    { argv: ['--bind', 'a b'], message: '--bind takes an address' },
    { argv: ['extra'], message: 'serve takes no arguments' },
  ])('answers $argv with a usage error', async ({ argv, message }) => {
    const run = runServe(emptyDir(), { TIERGATE_WEBHOOK_SECRET: SECRET }, argv);
    expect(await run.done).toBe(64);
    expect(run.output().err).toContain(message);
  });

  it('serves with the secret sealed by install, stores a signed webhook in .tiergate/store, and stops on its signal', async () => {
    const cwd = emptyDir();
    await installWithSecret(cwd, SECRET, KEY);
    const run = runServe(cwd, {
      TIERGATE_SECRET_KEY: KEY.toString('base64'),
      TIERGATE_LOG_LEVEL: 'debug',
    });
    const url = await run.ready;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(run.output().err).toContain('webhook secret: from .tiergate/installation.json');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const body = companyCreated('c-serve-1');
    const response = await fetch(`${url}/webhooks/twenty`, {
      method: 'POST',
      headers: signedHeaders(SECRET, body, Date.now()),
      body,
    });
    expect(await response.json()).toEqual({ status: 'accepted' });
    const forged = await fetch(`${url}/webhooks/twenty`, {
      method: 'POST',
      headers: signedHeaders('whsec-not-the-installed-one-000', body, Date.now()),
      body,
    });
    expect(forged.status).toBe(401);
    run.stop();
    expect(await run.done).toBe(0);
    const { out, err } = run.output();
    expect(err).toMatch(/Tiergate stopped\.\n$/);
    const lines = out.trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(out).toContain('"outcome":"accepted"');
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain('Acme');

    const store = await openStore({ dataDir: join(cwd, '.tiergate', 'store') });
    try {
      const rows = await store.db.selectFrom('tiergate_webhook_inbox').selectAll().execute();
      expect(rows.map((r) => [r.event_name, r.record_id, r.body])).toEqual([
        ['company.created', 'c-serve-1', body],
      ]);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('takes the secret from $TIERGATE_WEBHOOK_SECRET and the store from $DATABASE_URL', async () => {
    // A database of its own on the test PostgreSQL server, dropped afterwards.
    const server = testServer();
    const admin = await openStore({ databaseUrl: server.url, databaseUrlName: server.from });
    const database = `tiergate_test_${randomBytes(6).toString('hex')}`;
    await sql`create database ${sql.id(database)}`.execute(admin.db);
    try {
      const url = new URL(server.url);
      url.pathname = `/${database}`;
      const run = runServe(emptyDir(), {
        TIERGATE_WEBHOOK_SECRET: SECRET,
        DATABASE_URL: url.toString(),
      });
      const serving = await run.ready;
      expect(run.output().err).toContain('webhook secret: from $TIERGATE_WEBHOOK_SECRET');
      expect(run.output().err).toContain(`store: PostgreSQL at ${url.host}/${database}`);
      const body = companyCreated('c-serve-2');
      const response = await fetch(`${serving}/webhooks/twenty`, {
        method: 'POST',
        headers: signedHeaders(SECRET, body, Date.now()),
        body,
      });
      expect(await response.json()).toEqual({ status: 'accepted' });
      run.stop();
      expect(await run.done).toBe(0);
      const check = await openStore({ databaseUrl: url.toString() });
      try {
        const rows = await check.db
          .selectFrom('tiergate_webhook_inbox')
          .select('record_id')
          .execute();
        expect(rows).toEqual([{ record_id: 'c-serve-2' }]);
      } finally {
        await check.close();
      }
    } finally {
      await sql`drop database if exists ${sql.id(database)} with (force)`.execute(admin.db);
      await admin.close();
    }
  }, 60_000);
});
