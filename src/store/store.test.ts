/**
 * Opening the store: which engine is chosen, and what the errors say when it cannot be opened.
 * The contract suite (`store.contract.test.ts`) covers what the store does once open.
 */
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEST_DATABASE_URL, testServer } from './store.test-support.js';
import {
  describeConnectError,
  openStore,
  redactDatabaseUrl,
  StoreError,
  storeOptionsFromEnv,
} from './store.js';

/** Rejects with the store's error, whatever it is. */
async function openError(options: Parameters<typeof openStore>[0]): Promise<StoreError> {
  const error: unknown = await openStore(options).then(
    async (store) => {
      await store.close();
      throw new Error('the store opened');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

/** A port on 127.0.0.1 that nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  server.close();
  await once(server, 'close');
  return address.port;
}

describe('choosing where the store lives', () => {
  it('uses PostgreSQL at DATABASE_URL when it is set', () => {
    expect(
      storeOptionsFromEnv({ DATABASE_URL: ' postgres://db.internal/tiergate ' }, '/srv'),
    ).toEqual({ databaseUrl: 'postgres://db.internal/tiergate', databaseUrlName: 'DATABASE_URL' });
  });

  it('uses PGlite in .tiergate/store under the working directory when DATABASE_URL is unset or blank', () => {
    expect(storeOptionsFromEnv({}, '/srv/app')).toEqual({ dataDir: '/srv/app/.tiergate/store' });
    expect(storeOptionsFromEnv({ DATABASE_URL: '  ' }, '/srv/app')).toEqual({
      dataDir: '/srv/app/.tiergate/store',
    });
  });

  it('refuses to be given both a database URL and a data directory', async () => {
    const error = await openError({ databaseUrl: DEFAULT_TEST_DATABASE_URL, dataDir: '/tmp/x' });
    expect(error.message).toBe('give the store a databaseUrl or a dataDir, not both');
  });
});

describe('errors opening the store', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tiergate-store-errors-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('names a DATABASE_URL that is not a PostgreSQL URL, without its password', async () => {
    const notUrl = await openError({ databaseUrl: 'postgres//admin:hunter2@db/x' });
    expect(notUrl.message).toBe(
      'DATABASE_URL is not a URL: expected postgres://user[:password]@host[:port]/database, got "postgres//admin:***@db/x"',
    );
    const wrongScheme = await openError({ databaseUrl: 'mysql://admin:hunter2@db/x' });
    expect(wrongScheme.message).toBe(
      'DATABASE_URL must start with postgres:// or postgresql://, not mysql:// ("mysql://admin:***@db/x")',
    );
  });

  it('redacts the password even from text that does not parse as a URL', () => {
    expect(redactDatabaseUrl('postgres://admin:hun ter2@db:5432/x')).toBe(
      'postgres://admin:***@db:5432/x',
    );
    expect(redactDatabaseUrl('admin:hunter2@db/x')).toBe('admin:***@db/x');
    expect(redactDatabaseUrl('postgres://admin@db/x')).toBe('postgres://admin@db/x');
  });

  it('says PostgreSQL cannot be reached, naming host, port and variable but not the password', async () => {
    const port = await closedPort();
    const error = await openError({
      databaseUrl: `postgres://postgres:hunter2@127.0.0.1:${port}/x`,
    });
    expect(error.message).toBe(
      `cannot reach PostgreSQL at 127.0.0.1:${port} (DATABASE_URL): ECONNREFUSED`,
    );
  });

  it('reports a refusal by the server in its own words, without the password', async () => {
    const url = new URL(testServer().url);
    url.password = 'hunter2';
    url.pathname = '/tiergate_no_such_database';
    const error = await openError({ databaseUrl: url.toString(), databaseUrlName: 'TEST_URL' });
    expect(error.message).toBe(
      `PostgreSQL at ${url.hostname}:${url.port || '5432'}/tiergate_no_such_database refused the connection (TEST_URL): database "tiergate_no_such_database" does not exist`,
    );
  });

  it('keeps the password out of a server message that quotes it', () => {
    const message = describeConnectError(
      new Error('role "admin" with password "p@ss word" is not allowed'),
      'postgres://admin:p%40ss%20word@db:6543/crm',
      'DATABASE_URL',
    );
    expect(message).toBe(
      'PostgreSQL at db:6543/crm refused the connection (DATABASE_URL): role "admin" with password "***" is not allowed',
    );
  });

  it('refuses a data directory that is a file', async () => {
    const file = join(dir, 'not-a-directory');
    await writeFile(file, 'x');
    const error = await openError({ dataDir: file });
    expect(error.message).toBe(
      `cannot use ${file} for the embedded database: it is not a directory`,
    );
  });
});
