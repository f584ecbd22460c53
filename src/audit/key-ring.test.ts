import { createHash, verify } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyRing, KeyRingError, keyIdOf, readVerifyingKeys, verifyingKeys } from './key-ring.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tiergate-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function privatePems(file: string): string[] {
  const data = JSON.parse(file) as { keys: { privateKey: string }[] };
  return data.keys.map((k) => k.privateKey);
}

describe('KeyRing', () => {
  it('names a key by 16 hex digits of SHA-256 over its raw public key', () => {
    const ring = KeyRing.generate();
    const key = ring.publicKey(ring.activeKeyId);
    if (key === undefined) throw new Error('no active key');
    const raw = Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url');
    expect(raw).toHaveLength(32);
    expect(ring.activeKeyId).toBe(createHash('sha256').update(raw).digest('hex').slice(0, 16));
    expect(keyIdOf(key)).toBe(ring.activeKeyId);
  });

  it('signs with the active key, and keeps verifying with older keys after a rotation', () => {
    const ring = KeyRing.generate();
    const old = ring.sign('message');
    const oldId = ring.activeKeyId;
    const newId = ring.rotate();
    expect(newId).not.toBe(oldId);
    expect(ring.activeKeyId).toBe(newId);
    expect(ring.keyIds).toEqual([oldId, newId]);
    const fresh = ring.sign('message');
    expect(fresh.keyId).toBe(newId);
    const check = (s: { keyId: string; signature: string }): boolean =>
      verify(
        null,
        Buffer.from('message'),
        ring.publicKey(s.keyId) as NonNullable<ReturnType<KeyRing['publicKey']>>,
        Buffer.from(s.signature, 'base64'),
      );
    expect(check(old)).toBe(true);
    expect(check(fresh)).toBe(true);
    expect(check({ keyId: oldId, signature: fresh.signature })).toBe(false);
  });

  it('saves with mode 0600 in a 0700 directory, leaves no temporary file, and loads back', async () => {
    const path = join(dir, 'nested', 'audit-keys.json');
    const ring = KeyRing.generate();
    ring.rotate();
    await ring.save(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'nested'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(dir, 'nested'))).toEqual(['audit-keys.json']);
    const text = await readFile(path, 'utf8');
    expect(privatePems(text).every((pem) => pem.startsWith('-----BEGIN PRIVATE KEY-----'))).toBe(
      true,
    );
    const loaded = await KeyRing.load(path);
    expect(loaded.activeKeyId).toBe(ring.activeKeyId);
    expect(loaded.keyIds).toEqual(ring.keyIds);
    const signed = loaded.sign('x');
    expect(
      verify(
        null,
        Buffer.from('x'),
        ring.publicKey(signed.keyId) as NonNullable<ReturnType<KeyRing['publicKey']>>,
        Buffer.from(signed.signature, 'base64'),
      ),
    ).toBe(true);
  });

  it('replaces an existing file whole when saving again', async () => {
    const path = join(dir, 'audit-keys.json');
    const ring = KeyRing.generate();
    await ring.save(path);
    ring.rotate();
    await ring.save(path);
    expect((await KeyRing.load(path)).keyIds).toHaveLength(2);
    expect(await readdir(dir)).toEqual(['audit-keys.json']);
  });

  it('creates a ring on first use and loads the same one afterwards', async () => {
    const path = join(dir, 'audit-keys.json');
    const first = await KeyRing.loadOrCreate(path);
    const second = await KeyRing.loadOrCreate(path);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.ring.activeKeyId).toBe(first.ring.activeKeyId);
  });

  it('refuses a ring file that others can read', async () => {
    const path = join(dir, 'audit-keys.json');
    await KeyRing.generate().save(path);
    await chmod(path, 0o644);
    await expect(KeyRing.load(path)).rejects.toThrow(/readable by others \(mode 644\)/);
  });

  it('refuses a file whose key id does not match its key, naming the file', async () => {
    const path = join(dir, 'audit-keys.json');
    await KeyRing.generate().save(path);
    const data = JSON.parse(await readFile(path, 'utf8')) as { keys: { id: string }[] };
    const real = data.keys[0]?.id as string;
    (data.keys[0] as { id: string }).id = '0123456789abcdef';
    await writeFile(path, JSON.stringify(data), { mode: 0o600 });
    await expect(KeyRing.load(path)).rejects.toThrow(
      new KeyRingError(`${path}: keys[0].id is 0123456789abcdef but its key's id is ${real}`),
    );
  });

  it('says what is wrong with a file that is not a ring', () => {
    expect(() => KeyRing.parse('{', 'k.json')).toThrow(/^k\.json: not JSON/);
    expect(() => KeyRing.parse('{"version":2}', 'k.json')).toThrow('k.json: version must be 1');
    expect(() =>
      KeyRing.parse(
        '{"version":1,"active":"a","keys":[{"id":"a","createdAt":"x","privateKey":"junk"}]}',
        'k.json',
      ),
    ).toThrow('k.json: keys[0].privateKey is not a PKCS8 PEM private key');
  });

  it('never shows a private key through JSON, util.inspect or String', async () => {
    const path = join(dir, 'audit-keys.json');
    const ring = KeyRing.generate();
    ring.rotate();
    await ring.save(path);
    const secrets = privatePems(await readFile(path, 'utf8')).map((pem) =>
      pem.split('\n')[1]?.slice(0, 20),
    );
    const shown = [JSON.stringify(ring), inspect(ring, { depth: 10 }), String(ring)];
    for (const text of shown) {
      expect(text).not.toContain('PRIVATE KEY');
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).toContain(ring.activeKeyId);
      expect(text).toContain('redacted');
    }
  });

  it('hands auditors the public keys, which verify without the private ones', () => {
    const ring = KeyRing.generate();
    const signed = ring.sign('m');
    const keys = verifyingKeys(ring.publicKeys());
    const key = keys.publicKey(signed.keyId);
    if (key === undefined) throw new Error('missing key');
    expect(verify(null, Buffer.from('m'), key, Buffer.from(signed.signature, 'base64'))).toBe(true);
    expect(keys.publicKey('0000000000000000')).toBeUndefined();
    const [info] = ring.publicKeys();
    if (info === undefined) throw new Error('no public key');
    expect(() => verifyingKeys([{ ...info, id: 'ffffffffffffffff' }])).toThrow('has the key id');
  });
});

describe('KeyRing.loadOrCreate, raced', () => {
  it('gives every caller the same ring when several create it at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tiergate-ring-race-'));
    const path = join(dir, 'audit-keys.json');
    const results = await Promise.all(Array.from({ length: 8 }, () => KeyRing.loadOrCreate(path)));
    expect(new Set(results.map((r) => r.ring.activeKeyId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect((await KeyRing.load(path)).activeKeyId).toBe(results[0]?.ring.activeKeyId);
    expect(await readdir(dir)).toEqual(['audit-keys.json']);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('public keys for verifying', () => {
  it('exports ids, PEM and dates, no private key, and verifies what the ring signed', async () => {
    const ring = KeyRing.generate(new Date('2026-01-01T00:00:00.000Z'));
    const old = ring.activeKeyId;
    ring.rotate(new Date('2026-02-01T00:00:00.000Z'));
    const signed = ring.sign('hello');
    const text = ring.exportPublicKeys();
    expect(text).not.toMatch(/PRIVATE/);
    expect(JSON.parse(text)).toMatchObject({
      format: 'tiergate-audit-public-keys',
      keys: [
        { id: old, createdAt: '2026-01-01T00:00:00.000Z', retiredAt: '2026-02-01T00:00:00.000Z' },
        { id: ring.activeKeyId, createdAt: '2026-02-01T00:00:00.000Z', retiredAt: null },
      ],
    });
    await writeFile(join(dir, 'public.json'), text);
    const read = await readVerifyingKeys(join(dir, 'public.json'));
    expect(read).toMatchObject({ ids: [old, ring.activeKeyId], ring: false });
    const key = read.keys.publicKey(signed.keyId);
    expect(key).toBeDefined();
    expect(
      verify(null, Buffer.from('hello'), key as never, Buffer.from(signed.signature, 'base64')),
    ).toBe(true);
  });

  it('reads the public halves of a key ring file too', async () => {
    const ring = KeyRing.generate();
    await ring.save(join(dir, 'ring.json'));
    expect(await readVerifyingKeys(join(dir, 'ring.json'))).toMatchObject({
      ids: [ring.activeKeyId],
      ring: true,
    });
  });

  it('refuses an export whose key does not have the id it claims, naming the file', async () => {
    const ring = KeyRing.generate();
    const data = JSON.parse(ring.exportPublicKeys()) as { keys: { id: string }[] };
    (data.keys[0] as { id: string }).id = '0123456789abcdef';
    await writeFile(join(dir, 'public.json'), JSON.stringify(data));
    await expect(readVerifyingKeys(join(dir, 'public.json'))).rejects.toThrow(
      `${join(dir, 'public.json')}: public key 0123456789abcdef has the key id ${ring.activeKeyId}`,
    );
  });

  it('says how to get keys when there are none, and creates nothing', async () => {
    const path = join(dir, 'none.json');
    await expect(readVerifyingKeys(path)).rejects.toThrow(KeyRingError);
    await expect(readVerifyingKeys(path)).rejects.toThrow('tiergate audit keys export --out FILE');
    expect(await readdir(dir)).toEqual([]);
  });
});
