/**
 * `tiergate serve` as a process (bin/tiergate.js over the built dist/, as `npm test` builds it),
 * stopped by SIGTERM while webhooks pour in: it exits 0 within a few seconds, and every event it
 * answered `accepted` is in the store.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../host/webhook/signature.js';
import { openStore } from '../store/store.js';
import { companyCreated } from './serve.test-support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'whsec-serve-sigterm-0123456789abcdef';
const CONNECTIONS = 24;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('tiergate serve under load', () => {
  it('stops on SIGTERM within 5 s with code 0, keeping every event it accepted', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tiergate-sigterm-'));
    dirs.push(cwd);
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'tiergate.js'), 'serve', '--port', '0'],
      {
        cwd,
        env: { ...process.env, TIERGATE_WEBHOOK_SECRET: SECRET, DATABASE_URL: '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        const found = /serving on (http:\/\/\S+)/.exec(err)?.[1];
        if (found !== undefined && err.includes('Press Ctrl-C')) resolve(found);
      });
      void exited.then(() => reject(new Error(`serve exited before serving:\n${err}`)));
    });

    const accepted: string[] = [];
    let flooding = true;
    const flood = async (): Promise<void> => {
      while (flooding) {
        const id = randomUUID();
        const body = companyCreated(id);
        try {
          const response = await fetch(`${url}/webhooks/twenty`, {
            method: 'POST',
            headers: signedHeaders(SECRET, body, Date.now()),
            body,
          });
          const answer = (await response.json()) as { status?: string };
          if (response.status === 200 && answer.status === 'accepted') accepted.push(id);
        } catch {
          // Refused or cut once the server stops: not accepted, so not owed.
        }
      }
    };
    const floods = Array.from({ length: CONNECTIONS }, flood);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const acceptedBeforeStop = accepted.length;
    const sent = performance.now();
    child.kill('SIGTERM');
    const code = await exited;
    const took = performance.now() - sent;
    flooding = false;
    await Promise.all(floods);

    expect(acceptedBeforeStop).toBeGreaterThan(0);
    expect(code, err).toBe(0);
    expect(took).toBeLessThan(5_000);
    const store = await openStore({ dataDir: join(cwd, '.tiergate', 'store') });
    try {
      const rows = await store.db
        .selectFrom('tiergate_webhook_inbox')
        .select('record_id')
        .execute();
      const stored = new Set(rows.map((row) => row.record_id));
      expect(accepted.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      await store.close();
    }
  }, 120_000);
});
