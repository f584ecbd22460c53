import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { open, seal, SECRET_KEY_FILE, secretKey } from './secret-box.js';

const key = randomBytes(32);

/** The sealed value with one byte of its payload flipped. */
function flipped(sealed: string, index: number): string {
  const [version, payload] = sealed.split(':');
  const bytes = Buffer.from(payload ?? '', 'base64');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return `${version ?? ''}:${bytes.toString('base64')}`;
}

describe('secret box', () => {
  it('opens what it sealed', () => {
    const secret = randomBytes(32).toString('hex');
    expect(open(seal(secret, key), key)).toBe(secret);
    expect(open(seal('', key), key)).toBe('');
  });

  it('detects any flipped byte (IV, tag or ciphertext)', () => {
    const sealed = seal('webhook secret', key);
    const length = Buffer.from(sealed.split(':')[1] ?? '', 'base64').length;
    for (let i = 0; i < length; i++) expect(() => open(flipped(sealed, i), key)).toThrow();
  });

  it('refuses to open with another key', () => {
    expect(() => open(seal('webhook secret', key), randomBytes(32))).toThrow(/another key/);
  });

  it('uses a random IV, so sealing twice gives two different values', () => {
    expect(seal('same', key)).not.toBe(seal('same', key));
  });

  it('rejects keys that are not 32 bytes and values that are not sealed', () => {
    expect(() => seal('x', randomBytes(16))).toThrow(/32 bytes/);
    expect(() => open('plain text', key)).toThrow(/not a sealed secret/);
  });
});

describe('secret key', () => {
  it('takes TIERGATE_SECRET_KEY when it is set', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tiergate-key-'));
    const env = { TIERGATE_SECRET_KEY: key.toString('base64') };
    expect((await secretKey(env, cwd)).equals(key)).toBe(true);
    await expect(secretKey({ TIERGATE_SECRET_KEY: 'c2hvcnQ=' }, cwd)).rejects.toThrow(/32 bytes/);
  });

  it('creates a 0600 key file on first use and reuses it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tiergate-key-'));
    const first = await secretKey({}, cwd);
    const file = join(cwd, SECRET_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first)).toBe(true);
    expect((await secretKey({}, cwd)).equals(first)).toBe(true);
  });
});
