import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INSTALLATION_FILE } from '../sync/installation.js';
import { doctorCommandWith } from './commands/doctor.js';
import { runCommand } from './run.test-support.js';

describe('tiergate doctor --host', () => {
  it('checks the admin session for the host given, as the other checks do, not the installed one', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tg-doctor-host-'));
    mkdirSync(join(cwd, '.tiergate'));
    writeFileSync(
      join(cwd, INSTALLATION_FILE),
      JSON.stringify({
        hostUrl: 'http://127.0.0.1:9/installed',
        addonUrl: 'http://127.0.0.1:9/addon',
        installedAt: '2026-01-01T00:00:00.000Z',
        created: [],
        webhookId: null,
        sealedWebhookSecret: null,
        rlsEntitled: false,
      }),
    );
    const asked: string[] = [];
    const doctor = doctorCommandWith({
      adminSessionStatus: (installation) => {
        asked.push(installation.hostUrl);
        return Promise.resolve({ ok: true, detail: 'signed in' });
      },
    });
    const given = 'http://127.0.0.1:9/given';
    const run = await runCommand(doctor, ['--host', given], cwd, {
      TIERGATE_SECRET_KEY: Buffer.alloc(32, 3).toString('base64'),
    });
    expect(asked).toEqual([given]);
    expect(run.out).toMatch(/admin session/);
  }, 30_000);
});
