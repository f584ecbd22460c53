/**
 * The keys that sign the journal's checkpoints: Ed25519 (node:crypto), each named by a key id
 * (the first 16 hex digits of SHA-256 over the raw public key). One key is active and signs;
 * older keys stay in the ring so checkpoints they signed still verify after a `rotate()`.
 *
 * The ring lives in a JSON file at a path the caller chooses (`.tiergate/audit-keys.json` by
 * default), private keys as PKCS8 PEM: the file is written with mode 0600 in a 0700 directory,
 * through a temporary file and a rename so a crash never leaves half a ring, and loading refuses
 * a file others can read, as ssh does. Private keys never leave this module except into that
 * file: `toJSON` and `util.inspect` show ids and public keys only, so a ring that ends up in a
 * log or an error report leaks nothing.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign as signBytes,
  type KeyObject,
} from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { inspect } from 'node:util';

export const DEFAULT_KEY_RING_PATH = join('.tiergate', 'audit-keys.json');

const FILE_VERSION = 1;

export class KeyRingError extends Error {
  override readonly name = 'KeyRingError';
}

/** What verifying a signature needs: public keys by id. A `KeyRing` is one. */
export interface VerifyingKeys {
  publicKey(keyId: string): KeyObject | undefined;
}

export interface PublicKeyInfo {
  readonly id: string;
  readonly createdAt: string;
  /** When the next key replaced it (null for the active key); older checkpoints still verify. */
  readonly retiredAt?: string | null;
  /** SPKI PEM. */
  readonly publicKey: string;
}

/** What `tiergate audit keys export` writes: public keys only, nothing that can sign. */
export const PUBLIC_KEYS_FORMAT = 'tiergate-audit-public-keys';

interface RingKey {
  readonly id: string;
  readonly createdAt: string;
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

/** The key id of an Ed25519 public key: 16 hex digits of SHA-256 over its 32 raw bytes. */
export function keyIdOf(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string')
    throw new KeyRingError('only Ed25519 keys can sign checkpoints');
  return createHash('sha256').update(Buffer.from(jwk.x, 'base64url')).digest('hex').slice(0, 16);
}

/** Verifying keys from exported public keys (for an auditor who holds no private key). */
export function verifyingKeys(keys: readonly PublicKeyInfo[]): VerifyingKeys {
  const byId = new Map<string, KeyObject>();
  for (const info of keys) {
    const key = createPublicKey(info.publicKey);
    const id = keyIdOf(key);
    if (id !== info.id) throw new KeyRingError(`public key ${info.id} has the key id ${id}`);
    byId.set(id, key);
  }
  return { publicKey: (keyId) => byId.get(keyId) };
}

/**
 * The keys that verify checkpoints, read from `path`: a public key export (`exportPublicKeys`)
 * or a key ring, of which only the public halves are kept. Never creates anything: a missing
 * file is a KeyRingError that says how to get one.
 */
export async function readVerifyingKeys(path: string): Promise<{
  readonly keys: VerifyingKeys;
  readonly ids: readonly string[];
  readonly ring: boolean;
}> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new KeyRingError(
      `no keys at ${path}: verify needs the journal's public keys; run \`tiergate audit keys export --out FILE\` where the journal is written and give that file with --keys FILE`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new KeyRingError(`${path}: not JSON (${(error as Error).message})`);
  }
  const file = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (file.format !== PUBLIC_KEYS_FORMAT) {
    const ring = await KeyRing.load(path);
    return { keys: verifyingKeys(ring.publicKeys()), ids: ring.keyIds, ring: true };
  }
  if (!Array.isArray(file.keys) || file.keys.length === 0)
    throw new KeyRingError(`${path}: keys must be a non-empty list of public keys`);
  const infos = (file.keys as unknown[]).map((item, i): PublicKeyInfo => {
    const { id, createdAt, publicKey } = (item ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || typeof createdAt !== 'string' || typeof publicKey !== 'string')
      throw new KeyRingError(`${path}: keys[${i}] needs id, createdAt and publicKey (SPKI PEM)`);
    return { id, createdAt, publicKey };
  });
  try {
    return { keys: verifyingKeys(infos), ids: infos.map((k) => k.id), ring: false };
  } catch (error) {
    if (error instanceof KeyRingError) throw new KeyRingError(`${path}: ${error.message}`);
    throw new KeyRingError(`${path}: a public key is not SPKI PEM (${(error as Error).message})`);
  }
}

function newKey(now: Date): RingKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { id: keyIdOf(publicKey), createdAt: now.toISOString(), publicKey, privateKey };
}

export class KeyRing implements VerifyingKeys {
  readonly #keys: Map<string, RingKey>;
  #active: string;

  private constructor(keys: readonly RingKey[], active: string) {
    this.#keys = new Map(keys.map((k) => [k.id, k]));
    if (!this.#keys.has(active))
      throw new KeyRingError(`the active key ${active} is not in the ring`);
    this.#active = active;
  }

  /** A ring with one fresh key. */
  static generate(now: Date = new Date()): KeyRing {
    const key = newKey(now);
    return new KeyRing([key], key.id);
  }

  /** Reads a ring file; the error names the file and what is wrong with it. */
  static async load(path: string): Promise<KeyRing> {
    if (process.platform !== 'win32') {
      const mode = (await stat(path)).mode & 0o777;
      if ((mode & 0o077) !== 0)
        throw new KeyRingError(
          `${path} is readable by others (mode ${mode.toString(8)}); run chmod 600 ${path}`,
        );
    }
    return KeyRing.parse(await readFile(path, 'utf8'), path);
  }

  /** Loads the ring at `path`, or creates, saves and returns a new one when there is none. */
  static async loadOrCreate(
    path: string,
    now: Date = new Date(),
  ): Promise<{ ring: KeyRing; created: boolean }> {
    try {
      return { ring: await KeyRing.load(path), created: false };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // Two processes (or two journals in one) may both find no ring: the first to link its file
    // into place wins, and the other loads that one, so no checkpoint is ever signed by a key
    // that a later write threw away.
    const ring = KeyRing.generate(now);
    const temporary = await ring.writeTemporary(path);
    try {
      await link(temporary, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return { ring: await KeyRing.load(path), created: false };
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
    return { ring, created: true };
  }

  /** Parses the text of a ring file; `source` names it in errors. */
  static parse(text: string, source: string): KeyRing {
    const fail = (message: string): never => {
      throw new KeyRingError(`${source}: ${message}`);
    };
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      return fail(`not JSON (${(error as Error).message})`);
    }
    if (typeof data !== 'object' || data === null) return fail('not a key ring');
    const file = data as { version?: unknown; active?: unknown; keys?: unknown };
    if (file.version !== FILE_VERSION) return fail(`version must be ${FILE_VERSION}`);
    if (typeof file.active !== 'string') return fail('active must be a key id');
    if (!Array.isArray(file.keys) || file.keys.length === 0) return fail('keys must be a list');
    const keys = (file.keys as unknown[]).map((item, i): RingKey => {
      const where = `keys[${i}]`;
      if (typeof item !== 'object' || item === null) return fail(`${where} must be an object`);
      const { id, createdAt, privateKey } = item as Record<string, unknown>;
      if (typeof id !== 'string') return fail(`${where}.id must be a string`);
      if (typeof createdAt !== 'string') return fail(`${where}.createdAt must be a string`);
      if (typeof privateKey !== 'string') return fail(`${where}.privateKey must be PKCS8 PEM`);
      let secret: KeyObject;
      try {
        secret = createPrivateKey({ key: privateKey, format: 'pem' });
      } catch {
        return fail(`${where}.privateKey is not a PKCS8 PEM private key`);
      }
      if (secret.asymmetricKeyType !== 'ed25519') return fail(`${where} is not an Ed25519 key`);
      const publicKey = createPublicKey(secret);
      const actual = keyIdOf(publicKey);
      if (actual !== id) return fail(`${where}.id is ${id} but its key's id is ${actual}`);
      return { id, createdAt, publicKey, privateKey: secret };
    });
    if (!keys.some((k) => k.id === file.active))
      return fail(`the active key ${file.active} is not in keys`);
    return new KeyRing(keys, file.active);
  }

  get activeKeyId(): string {
    return this.#active;
  }

  /** Every key id, oldest first. */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** Adds a fresh key and makes it the active one; the older keys keep verifying. */
  rotate(now: Date = new Date()): string {
    const key = newKey(now);
    this.#keys.set(key.id, key);
    this.#active = key.id;
    return key.id;
  }

  /** Signs with the active key; the signature is base64. */
  sign(data: string | Uint8Array): { keyId: string; signature: string } {
    const key = this.#keys.get(this.#active) as RingKey;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return { keyId: key.id, signature: signBytes(null, bytes, key.privateKey).toString('base64') };
  }

  publicKey(keyId: string): KeyObject | undefined {
    return this.#keys.get(keyId)?.publicKey;
  }

  /**
   * The public half of every key, oldest first, to hand to an auditor (see `verifyingKeys`): a
   * key was retired when the next one was made (`rotate` adds keys in order).
   */
  publicKeys(): PublicKeyInfo[] {
    const keys = [...this.#keys.values()];
    return keys.map((k, i) => ({
      id: k.id,
      createdAt: k.createdAt,
      retiredAt: k.id === this.#active ? null : (keys[i + 1]?.createdAt ?? null),
      publicKey: k.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    }));
  }

  /** The text of a public key export (see `readVerifyingKeys`). */
  exportPublicKeys(): string {
    return `${JSON.stringify({ format: PUBLIC_KEYS_FORMAT, version: FILE_VERSION, keys: this.publicKeys() }, null, 2)}\n`;
  }

  /**
   * Writes the ring to `path` with mode 0600 (its directory, when created, 0700): a temporary
   * file beside it, flushed, then renamed over the old one.
   */
  async save(path: string): Promise<void> {
    const temporary = await this.writeTemporary(path);
    try {
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }

  /** Writes the ring, synced, to a new file beside `path` (mode 0600); returns its path. */
  private async writeTemporary(path: string): Promise<string> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const text = `${JSON.stringify(
      {
        version: FILE_VERSION,
        active: this.#active,
        keys: [...this.#keys.values()].map((k) => ({
          id: k.id,
          createdAt: k.createdAt,
          publicKey: k.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
          privateKey: k.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        })),
      },
      null,
      2,
    )}\n`;
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const handle = await open(temporary, 'wx', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    return temporary;
  }

  /** What a log may show: ids, dates, public keys; never a private key. */
  toJSON(): { active: string; keys: PublicKeyInfo[]; privateKeys: string } {
    return { active: this.#active, keys: this.publicKeys(), privateKeys: '[redacted]' };
  }

  [inspect.custom](): string {
    return `KeyRing { active: ${this.#active}, keys: [${this.keyIds.join(', ')}], privateKeys: [redacted] }`;
  }

  toString(): string {
    return this[inspect.custom]();
  }
}
