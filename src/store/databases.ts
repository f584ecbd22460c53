/**
 * Whole databases on a PostgreSQL server, for harnesses that give each run a database of its
 * own (the store's contract tests, the fault suite) and drop it afterwards.
 */
import { sql } from 'kysely';
import type { Executor } from './schema.js';

export async function createDatabase(server: Executor, name: string): Promise<void> {
  await sql`create database ${sql.id(name)}`.execute(server);
}

/** Drops it even while clients are connected (they are disconnected). */
export async function dropDatabase(server: Executor, name: string): Promise<void> {
  await sql`drop database if exists ${sql.id(name)} with (force)`.execute(server);
}

/** Ends the connections to `database` of clients named `applicationName`; how many it ended. */
export async function terminateConnections(
  server: Executor,
  where: { readonly database: string; readonly applicationName: string },
): Promise<number> {
  const { rows } = await sql<{ pid: number }>`
    select pg_terminate_backend(pid) as pid from pg_stat_activity
    where datname = ${where.database} and application_name = ${where.applicationName}`.execute(
    server,
  );
  return rows.length;
}
