/**
 * A PostgreSQL session ended under the store (an administrator's pg_terminate_backend, a
 * failover): the statement in flight fails, the process lives on, and the next one reconnects.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer } from './store.test-support.js';
import { openStore, type Store } from './store.js';

const APPLICATION = `tiergate-connection-loss-${process.pid}`;

describe('a store whose PostgreSQL session is ended mid-statement', () => {
  const server = testServer();
  let store: Store;
  let admin: Store;

  beforeAll(async () => {
    const url = new URL(server.url);
    url.searchParams.set('application_name', APPLICATION);
    store = await openStore({ databaseUrl: url.toString(), databaseUrlName: server.from });
    admin = await openStore({ databaseUrl: server.url, databaseUrlName: server.from });
  });
  afterAll(async () => {
    await store.close();
    await admin.close();
  });

  it('fails the transaction, keeps the process alive, and answers the next statement', async () => {
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    try {
      // A transaction that holds its session while it waits on something else (the host).
      let ended!: () => void;
      const terminated = new Promise<void>((resolve) => (ended = resolve));
      const failed = store
        .transaction(async (trx) => {
          await sql`select 1`.execute(trx);
          await terminated;
          await sql`select 1`.execute(trx);
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      // Wait until the session is idle in its transaction, then end it.
      for (let i = 0; i < 50; i++) {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
          where application_name = ${APPLICATION} and state = 'idle in transaction'`.execute(
          admin.db,
        );
        if ((rows[0]?.n ?? 0) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await sql`select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = ${APPLICATION}`.execute(admin.db);
      await new Promise((resolve) => setTimeout(resolve, 200));
      ended();
      expect(await failed).toBeInstanceOf(Error);
      expect(errors).toEqual([]);
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(store.db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      process.off('uncaughtException', onError);
    }
  });
});
