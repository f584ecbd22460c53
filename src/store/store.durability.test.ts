/**
 * The embedded store's durability: a commit is synced to disk before it returns, so an event
 * answered 200 survives an OS crash, and a data directory left by a crashed process opens with
 * every committed row.
 */
import * as fs from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from './store.js';

// Counts the syncs that reach the OS (store.ts calls node:fs fsyncSync).
vi.mock('node:fs', async (importOriginal) => {
  const original = await importOriginal<typeof fs>();
  return {
    ...original,
    fsyncSync: vi.fn(original.fsyncSync),
  };
});

const syncs = (): number => vi.mocked(fs.fsyncSync).mock.calls.length;

async function insertOne(store: Store, value: string): Promise<void> {
  await sql`insert into durability_probe (value) values (${value})`.execute(store.db);
}

describe('the embedded store on disk', () => {
  let dir: string;
  const open: Store[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tiergate-durable-'));
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('syncs each commit to disk before the commit returns', async () => {
    const store = await openStore({ dataDir: join(dir, 'store') });
    open.push(store);
    await sql`create table durability_probe (value text)`.execute(store.db);
    for (const value of ['one', 'two', 'three']) {
      const before = syncs();
      await insertOne(store, value);
      expect(syncs(), `commit of "${value}"`).toBeGreaterThan(before);
    }
  });

  it('leaves syncing to the OS when told durability is relaxed', async () => {
    const store = await openStore({ dataDir: join(dir, 'store'), embeddedDurability: 'relaxed' });
    open.push(store);
    await sql`create table durability_probe (value text)`.execute(store.db);
    const before = syncs();
    await insertOne(store, 'fast');
    expect(syncs()).toBe(before);
  });

  it('opens a data directory left by a process that never shut down, with every committed row', async () => {
    const store = await openStore({ dataDir: join(dir, 'store') });
    open.push(store);
    await sql`create table durability_probe (value text)`.execute(store.db);
    for (let i = 0; i < 20; i++) await insertOne(store, `row ${i}`);
    // The files as they are on disk while the database runs: what a crash leaves behind.
    await cp(join(dir, 'store'), join(dir, 'crashed'), { recursive: true });
    const reopened = await openStore({ dataDir: join(dir, 'crashed') });
    open.push(reopened);
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from durability_probe`.execute(reopened.db);
    expect(rows[0]?.n).toBe(20);
  });
});
