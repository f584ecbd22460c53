/**
 * Secrets at rest (the webhook's signing secret in `.tiergate/installation.json`): AES-256-GCM
 * with a random 12-byte IV and a 16-byte authentication tag, so a tampered or mis-keyed value
 * fails to open instead of yielding garbage.
 *
 * The 32-byte key comes from `TIERGATE_SECRET_KEY` (base64). Without it, a key file
 * `.tiergate/secret.key` is created with mode 0600 on first use: convenient on a laptop, but the
 * key then sits next to what it protects. Production must set `TIERGATE_SECRET_KEY` (from a
 * secret manager), and keep it: a sealed value cannot be opened without the key it was sealed with.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SECRET_KEY_VARIABLE = 'TIERGATE_SECRET_KEY';
export const SECRET_KEY_FILE = join('.tiergate', 'secret.key');

const VERSION = 'tg1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

function checkKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES)
    throw new RangeError(`a secret key must be ${KEY_BYTES} bytes, not ${key.length}`);
}

/** `tg1:<base64 of IV, tag and ciphertext>`. */
export function seal(plaintext: string, key: Uint8Array): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]);
  return `${VERSION}:${sealed.toString('base64')}`;
}

/** The plaintext; throws when the value was altered or sealed with another key. */
export function open(sealed: string, key: Uint8Array): string {
  checkKey(key);
  const [version, payload, ...rest] = sealed.split(':');
  if (version !== VERSION || payload === undefined || rest.length > 0)
    throw new Error(`not a sealed secret (expected ${VERSION}:…)`);
  const bytes = Buffer.from(payload, 'base64');
  if (bytes.length < IV_BYTES + TAG_BYTES || bytes.toString('base64') !== payload)
    throw new Error('sealed secret is malformed');
  const iv = bytes.subarray(0, IV_BYTES);
  const tag = bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  try {
    const body = bytes.subarray(IV_BYTES + TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('sealed secret cannot be opened: it was altered or sealed with another key');
  }
}

function decodeKey(base64: string, where: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== KEY_BYTES)
    throw new RangeError(
      `${where} must hold ${KEY_BYTES} bytes in base64 (it holds ${key.length})`,
    );
  return key;
}

/**
 * The key: `TIERGATE_SECRET_KEY` when set, else `.tiergate/secret.key` under `cwd`, created
 * (mode 0600, never overwritten) when absent.
 */
export async function secretKey(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<Buffer> {
  const fromEnv = env[SECRET_KEY_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== '') return decodeKey(fromEnv, SECRET_KEY_VARIABLE);
  const file = join(cwd, SECRET_KEY_FILE);
  try {
    return decodeKey(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(join(cwd, '.tiergate'), { recursive: true });
  const key = randomBytes(KEY_BYTES);
  try {
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return decodeKey(await readFile(file, 'utf8'), file);
    throw error;
  }
  return key;
}
