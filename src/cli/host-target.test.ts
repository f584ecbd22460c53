import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeInstallation, type Installation } from '../sync/installation.js';
import { hostTarget, parseRate } from './host-target.js';
import { CliError, EXIT, type CliIo } from './io.js';

describe('--rate', () => {
  it.each([
    ['100/min', { requests: 100, windowMs: 60_000 }],
    ['5/s', { requests: 5, windowMs: 1000 }],
    ['20 / 10s', { requests: 20, windowMs: 10_000 }],
    ['1000/h', { requests: 1000, windowMs: 3_600_000 }],
    ['50/minute', { requests: 50, windowMs: 60_000 }],
    ['3/500ms', { requests: 3, windowMs: 500 }],
  ])('reads %s', (text, limit) => {
    expect(parseRate(text)).toEqual(limit);
  });

  it.each([
    ['100', /--rate "100" is not a rate; give REQUESTS\/PERIOD .* e\.g\. --rate 100\/min/],
    [
      '100/fortnight',
      /--rate "100\/fortnight" is not a rate; give REQUESTS\/PERIOD with a unit of ms, s, min or h/,
    ],
    ['fast', /--rate "fast" is not a rate/],
    [
      '0/min',
      /--rate "0\/min" allows nothing; both numbers must be at least 1, e\.g\. --rate 100\/min/,
    ],
    ['10/0s', /--rate "10\/0s" allows nothing/],
  ])('refuses %s as a usage error naming the fix', (text, message) => {
    let caught: unknown;
    try {
      parseRate(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).message).toMatch(message);
    expect((caught as CliError).code).toBe(EXIT.usage);
  });
});

describe('the pace of a host target', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const sink = { write: () => true };
  async function ioWithInstallation(rateLimit?: Installation['rateLimit']): Promise<CliIo> {
    dir = await mkdtemp(join(tmpdir(), 'tiergate-rate-'));
    await writeInstallation(dir, {
      hostUrl: 'https://crm.example.com',
      addonUrl: 'https://addon.example.com',
      installedAt: '2026-06-30T12:00:00Z',
      created: [],
      webhookId: null,
      sealedWebhookSecret: null,
      rlsEntitled: false,
      apiKeyId: null,
      sealedApiKey: null,
      workspace: null,
      ...(rateLimit ? { rateLimit } : {}),
    });
    return { stdout: sink, stderr: sink, cwd: dir, env: { TIERGATE_API_KEY: 'key' } };
  }

  it("takes the installation's rate for the installation's host", async () => {
    const io = await ioWithInstallation({ requests: 30, windowMs: 60_000 });
    const target = await hostTarget({ values: {}, positionals: [] }, io);
    expect(target.rateLimit).toEqual({ requests: 30, windowMs: 60_000 });
  });

  it("prefers --rate to the installation's, and leaves another host at the default", async () => {
    const io = await ioWithInstallation({ requests: 30, windowMs: 60_000 });
    const flagged = await hostTarget({ values: { rate: '10/s' }, positionals: [] }, io);
    expect(flagged.rateLimit).toEqual({ requests: 10, windowMs: 1000 });
    const other = await hostTarget(
      { values: { host: 'https://other.example.com' }, positionals: [] },
      io,
    );
    expect(other.rateLimit).toBeUndefined();
  });
});
