/**
 * The store: where the add-on keeps its own state. PostgreSQL through `pg` when a database URL
 * is given (production, and every replica sharing one database), an embedded PGlite database in
 * `.tiergate/store` otherwise (a laptop, a demo, a single small install). Both run the same
 * migrations (`migrations.ts`, through Kysely's `Migrator`) and pass the same contract suite.
 *
 * Both engines are driven through `pg`'s client: PGlite through its node-postgres adapter, so
 * values come back typed the same way on both (`bigint` as a number, `timestamptz` as a `Date`).
 * PGlite serves one connection at a time; its pool has one client, so a second query waits for
 * a transaction to end instead of running inside it.
 *
 * The embedded database syncs its write-ahead log to disk on every commit, as PostgreSQL does,
 * so an event answered 200 survives an OS crash; PGlite alone does not (see `DurableNodeFS`).
 *
 * Errors say what is wrong and where ("cannot reach PostgreSQL at 127.0.0.1:5432
 * (DATABASE_URL): ECONNREFUSED") and never carry the password of a database URL.
 */
import { chmod, mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, Migrator, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, type Database } from './schema.js';
import { DurableNodeFS, durableStartParams } from './durable-fs.js';
import { StoreError } from './store-error.js';

export { StoreError } from './store-error.js';

export const DATABASE_URL_VARIABLE = 'DATABASE_URL';
/** Where the embedded database lives, relative to the working directory. */
export const EMBEDDED_STORE_DIR = join('.tiergate', 'store');
/** `dataDir` for a PGlite database that lives in memory only (tests). */
export const IN_MEMORY = 'memory://';

export type StoreKind = 'postgres' | 'pglite';

export interface StoreOptions {
  /** A `postgres://` URL: use PostgreSQL. */
  readonly databaseUrl?: string;
  /** How to name the URL in errors; `DATABASE_URL` unless told otherwise. */
  readonly databaseUrlName?: string;
  /** A directory (or `memory://`): use an embedded PGlite database there. */
  readonly dataDir?: string;
  /** One line per notable event (which database was opened, which migrations ran). */
  readonly log?: (line: string) => void;
  /**
   * How the embedded database reaches the disk: `fsync` (the default) syncs the write-ahead log
   * before a commit returns; `relaxed` leaves it to the OS (faster; a power loss or OS crash
   * can lose the last commits, a process crash cannot). Ignored for PostgreSQL and in memory.
   */
  readonly embeddedDurability?: EmbeddedDurability;
}

export type EmbeddedDurability = 'fsync' | 'relaxed';

export interface MigrationReport {
  /** Names of the migrations this call applied, in order; empty when the schema was current. */
  readonly applied: readonly string[];
}

export interface Store {
  readonly kind: StoreKind;
  readonly db: Kysely<Database>;
  /** Where the data is, safe to print: `PostgreSQL at host:5432/db` or `PGlite in /path`. */
  readonly location: string;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Brings the schema up to date; safe to call on every start and from several replicas. */
  migrate(): Promise<MigrationReport>;
  /** Ends every connection (and shuts PGlite down); later calls do nothing. */
  close(): Promise<void>;
}

/**
 * What `openStore()` uses when given no location: PostgreSQL at `DATABASE_URL` when the
 * variable is set and not blank, else PGlite in `<cwd>/.tiergate/store`.
 */
export function storeOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): StoreOptions {
  const url = env[DATABASE_URL_VARIABLE]?.trim();
  if (url !== undefined && url !== '')
    return { databaseUrl: url, databaseUrlName: DATABASE_URL_VARIABLE };
  return { dataDir: resolve(cwd, EMBEDDED_STORE_DIR) };
}

/**
 * Opens the store and checks that it answers. It does not migrate: call `migrate()`.
 * With neither `databaseUrl` nor `dataDir`, the location comes from `storeOptionsFromEnv`
 * over `process.env` and the working directory.
 */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  if (options.databaseUrl !== undefined && options.dataDir !== undefined)
    throw new StoreError('give the store a databaseUrl or a dataDir, not both');
  const where =
    options.databaseUrl === undefined && options.dataDir === undefined
      ? { ...options, ...storeOptionsFromEnv(process.env, process.cwd()) }
      : options;
  const log = where.log ?? (() => undefined);
  const opened =
    where.databaseUrl !== undefined
      ? await openPostgres(where.databaseUrl, where.databaseUrlName ?? DATABASE_URL_VARIABLE)
      : await openPglite(where.dataDir ?? IN_MEMORY, where.embeddedDurability ?? 'fsync');
  log(`store: ${opened.location}`);
  return makeStore(opened, log);
}

interface Opened {
  readonly kind: StoreKind;
  readonly db: Kysely<Database>;
  readonly location: string;
  /** Called after the Kysely instance is destroyed. */
  readonly release: () => Promise<void>;
}

function makeStore(opened: Opened, log: (line: string) => void): Store {
  const { db, kind, location } = opened;
  let closing: Promise<void> | undefined;
  return {
    kind,
    db,
    location,
    transaction: (fn) => db.transaction().execute(fn),
    async migrate() {
      const migrator = new Migrator({
        db,
        provider: migrationProvider,
        migrationTableName: MIGRATION_TABLE,
        migrationLockTableName: MIGRATION_LOCK_TABLE,
      });
      const { error, results = [] } = await migrator.migrateToLatest();
      if (error !== undefined) {
        const failed = results.find((r) => r.status === 'Error')?.migrationName;
        throw new StoreError(
          `${failed === undefined ? 'migrating' : `migration ${failed}`} failed on ${location}: ${messageOf(error)}`,
          { cause: error },
        );
      }
      const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
      if (applied.length > 0) log(`store: applied ${applied.join(', ')}`);
      return { applied };
    },
    close() {
      closing ??= db.destroy().then(opened.release);
      return closing;
    },
  };
}

/** `bigint` as a JavaScript number; a value past 2^53 would silently lose digits, so it throws. */
function storeTypes(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (text: string) => {
    const value = Number(text);
    if (!Number.isSafeInteger(value))
      throw new RangeError(`bigint ${text} is beyond JavaScript's safe integers`);
    return value;
  });
  return types;
}

// ---- PostgreSQL -------------------------------------------------------------------------------

interface ParsedUrl {
  readonly url: URL;
  /** `host:port/database`, no credentials. */
  readonly where: string;
  readonly hostPort: string;
}

/** The URL with its password replaced by `***`, for messages. Works on unparseable text too. */
export function redactDatabaseUrl(text: string): string {
  if (URL.canParse(text)) {
    const url = new URL(text);
    if (url.hostname !== '') {
      if (url.password !== '') url.password = '***';
      return url.toString();
    }
  }
  // Not a URL with a host (`admin:secret@db` parses, as scheme `admin:`): whatever sits between
  // the first `user:` and the last `@` may be a password.
  return text.replace(/([^:/@]*):[^@]*@/, '$1:***@');
}

export function parseDatabaseUrl(text: string, name: string): ParsedUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new StoreError(
      `${name} is not a URL: expected postgres://user[:password]@host[:port]/database, got "${redactDatabaseUrl(text)}"`,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new StoreError(
      `${name} must start with postgres:// or postgresql://, not ${url.protocol}// ("${redactDatabaseUrl(text)}")`,
    );
  if (url.hostname === '')
    throw new StoreError(`${name} names no host ("${redactDatabaseUrl(text)}")`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const hostPort = `${url.hostname}:${url.port === '' ? '5432' : url.port}`;
  return { url, hostPort, where: database === '' ? hostPort : `${hostPort}/${database}` };
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('code' in error && typeof error.code === 'string') return error.code;
  // Node reports a host with several addresses (localhost: ::1 and 127.0.0.1) as an
  // AggregateError whose parts carry the codes.
  if (error instanceof AggregateError) {
    for (const part of error.errors) {
      const code = errorCode(part);
      if (code !== undefined) return code;
    }
  }
  return undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '')
    return error.errors.map(messageOf).join('; ');
  return error instanceof Error ? error.message : String(error);
}

/** Why PostgreSQL could not be opened, in a sentence that names the URL but not its password. */
export function describeConnectError(error: unknown, url: string, name: string): string {
  const { hostPort, where, url: parsed } = parseDatabaseUrl(url, name);
  const code = errorCode(error);
  let message = messageOf(error);
  if (parsed.password !== '') {
    message = message.split(decodeURIComponent(parsed.password)).join('***');
    message = message.split(parsed.password).join('***');
  }
  if (code !== undefined && UNREACHABLE.has(code))
    return `cannot reach PostgreSQL at ${hostPort} (${name}): ${code}`;
  if (/timeout/i.test(message))
    return `cannot reach PostgreSQL at ${hostPort} (${name}): timed out`;
  return `PostgreSQL at ${where} refused the connection (${name}): ${message}`;
}

async function openPostgres(url: string, name: string): Promise<Opened> {
  const { where } = parseDatabaseUrl(url, name);
  const pool = new pg.Pool({
    connectionString: url,
    types: storeTypes(),
    connectionTimeoutMillis: 10_000,
  });
  // An idle client can lose its server (a restart, a failover); pg reports that on the pool,
  // and an unhandled 'error' event would end the process. The next query reconnects.
  pool.on('error', () => undefined);
  // A client in use hears of it on itself (the pool listens only to idle ones): without a
  // listener, a server that ends the session mid-query (pg_terminate_backend) ends the process.
  // The query in flight fails on its own, and the pool drops the broken client.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new StoreError(describeConnectError(error, url, name), { cause: error });
  }
  return {
    kind: 'postgres',
    db,
    location: `PostgreSQL at ${where}`,
    release: () => Promise.resolve(),
  };
}

// ---- PGlite -----------------------------------------------------------------------------------

async function openPglite(dataDir: string, durability: EmbeddedDurability): Promise<Opened> {
  const inMemory = dataDir === IN_MEMORY;
  const dir = inMemory ? dataDir : resolve(dataDir);
  if (!inMemory) await prepareDirectory(dir);
  let lite: PGlite;
  try {
    lite =
      inMemory || durability === 'relaxed'
        ? await PGlite.create(dir)
        : await PGlite.create({
            dataDir: dir,
            fs: new DurableNodeFS(dir),
            startParams: durableStartParams(),
          });
  } catch (error) {
    throw new StoreError(`cannot open the embedded database in ${dir}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  // One client, kept open: PGlite is a single session, owned here and closed in release().
  const config = Object.assign(createPgConfig(lite), {
    types: storeTypes(),
    idleTimeoutMillis: 0,
  });
  const pool = new pg.Pool(config);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'pglite',
    db,
    location: inMemory ? 'PGlite in memory' : `PGlite in ${dir}`,
    release: () => lite.close(),
  };
}

/** Creates the data directory readable by its owner only; refuses a path that is not one. */
async function prepareDirectory(dir: string): Promise<void> {
  const existing = await stat(dir).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new StoreError(`cannot use ${dir} for the embedded database: ${messageOf(error)}`, {
      cause: error,
    });
  });
  if (existing !== undefined) {
    if (!existing.isDirectory())
      throw new StoreError(`cannot use ${dir} for the embedded database: it is not a directory`);
    return;
  }
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
  } catch (error) {
    throw new StoreError(`cannot create ${dir} for the embedded database: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/** Whether the store answers a trivial query (readiness probes); throws when it does not. */
export async function pingStore(store: Pick<Store, 'db'>): Promise<void> {
  await sql`select 1`.execute(store.db);
}
