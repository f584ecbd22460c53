/**
 * The engines a store contract test runs against: PGlite in memory always, and PostgreSQL
 * always too, at `DATABASE_URL` or else the local server CI and development machines run
 * (`postgres://postgres@127.0.0.1:5432/test`). PostgreSQL is never skipped: when it is out of
 * reach the suite fails and says how to start it.
 *
 * Each PostgreSQL run gets a database of its own (`tiergate_test_<random>`), created from the
 * server's URL and dropped afterwards, so concurrent runs and leftovers never collide. Other
 * suites that need a store (events, audit) can use `storeBackends()` the same way.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createDatabase, dropDatabase } from './databases.js';
import { IN_MEMORY, openStore, redactDatabaseUrl, type Store, type StoreKind } from './store.js';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface StoreBackend {
  readonly name: string;
  readonly kind: StoreKind;
  /**
   * A fresh, unmigrated store, and `other`: a second store over the same data with its own
   * connections where the engine has connections to spare (PostgreSQL), else the same store.
   */
  setup(): Promise<{ store: Store; other: Store }>;
  /** Closes what `setup` opened and drops what it created. */
  teardown(): Promise<void>;
}

function pgliteBackend(): StoreBackend {
  let store: Store | undefined;
  return {
    name: 'PGlite (in memory)',
    kind: 'pglite',
    async setup() {
      store = await openStore({ dataDir: IN_MEMORY });
      return { store, other: store };
    },
    async teardown() {
      await store?.close();
    },
  };
}

function postgresBackend(serverUrl: string, from: string): StoreBackend {
  const database = `tiergate_test_${randomBytes(6).toString('hex')}`;
  const opened: Store[] = [];
  let admin: Store | undefined;
  return {
    name: `PostgreSQL (${from})`,
    kind: 'postgres',
    async setup() {
      admin = await openStore({ databaseUrl: serverUrl, databaseUrlName: from }).catch(
        (error: unknown) => {
          const why = error instanceof Error ? error.message : String(error);
          throw new Error(
            `the store's PostgreSQL contract tests need a server at ${redactDatabaseUrl(serverUrl)}: ${why}. ` +
              'Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) ' +
              'or point DATABASE_URL at another one.',
            { cause: error },
          );
        },
      );
      await createDatabase(admin.db, database);
      const url = new URL(serverUrl);
      url.pathname = `/${database}`;
      const store = await openStore({ databaseUrl: url.toString(), databaseUrlName: from });
      opened.push(store);
      const other = await openStore({ databaseUrl: url.toString(), databaseUrlName: from });
      opened.push(other);
      return { store, other };
    },
    async teardown() {
      await Promise.all(opened.map((s) => s.close()));
      if (admin === undefined) return;
      try {
        await dropDatabase(admin.db, database);
      } finally {
        await admin.close();
      }
    },
  };
}

/** The PostgreSQL server the tests use: `DATABASE_URL`, or the local default. */
export function testServer(env: Readonly<Record<string, string | undefined>> = process.env): {
  readonly url: string;
  readonly from: string;
} {
  const url = env.DATABASE_URL?.trim();
  return url === undefined || url === ''
    ? { url: DEFAULT_TEST_DATABASE_URL, from: 'the default test server' }
    : { url, from: 'DATABASE_URL' };
}

/** PGlite, then PostgreSQL at `DATABASE_URL` (or the local default). */
export function storeBackends(
  env: Readonly<Record<string, string | undefined>> = process.env,
): StoreBackend[] {
  const server = testServer(env);
  return [pgliteBackend(), postgresBackend(server.url, server.from)];
}

/** Empties every table of the store (and restarts its id sequences). */
export async function emptyStore(store: Store): Promise<void> {
  await sql`truncate table tiergate_audit_outbox, tiergate_audit_checkpoint, tiergate_audit_journal,
    tiergate_webhook_inbox, tiergate_sweep_cursor, tiergate_sweep_known, tiergate_sweep_lease
    restart identity`.execute(store.db);
}
