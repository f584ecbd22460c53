/**
 * The gateway's own page cursors. Twenty's cursor is base64 of the JSON of the record's values of
 * every top-level `orderBy` field plus its id, a composite whole (twentyhq/twenty
 * `packages/twenty-server/src/engine/api/graphql/graphql-query-runner/utils/cursors.util.ts`,
 * `encodeCursor`): ordered by `phones.primaryPhoneCountryCode`, it carries the whole `phones`,
 * number included, whatever the member may read of it. So no host cursor leaves the gateway:
 * each is sealed (AES-256-GCM under a key drawn when the process starts, bound to the member and
 * the object), and a sealed cursor coming back is opened to the host's own on the way in.
 * A cursor the gateway did not seal for this member and object is refused, never forwarded:
 * Twenty turns a cursor coming in into a keyset filter on the values it holds
 * (`packages/twenty-server/src/engine/api/utils/compute-cursor-arg-filter.utils.ts`), so a
 * forged one would be a filter the gateway never checked.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Denial } from './denial.js';
import { isJsonObject } from './json.js';

const PREFIX = 'tg1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A sealed cursor is a few hundred characters; far longer ones are not worth decrypting. */
const MAX_SEALED_LENGTH = 16_384;

export class CursorSeal {
  readonly #key: Buffer;

  constructor(key: Buffer = randomBytes(32)) {
    if (key.length !== 32) throw new RangeError('a cursor seal key is 32 bytes');
    this.#key = key;
  }

  /** The host's cursor, sealed for this member and object. */
  seal(hostCursor: string, member: string, object: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(boundTo(member, object));
    const sealed = Buffer.concat([cipher.update(hostCursor, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /**
   * The host's cursor inside a sealed one, or a BAD_USER_INPUT Denial naming the argument when
   * the cursor is not one this gateway sealed for this member and object (forged, changed,
   * another member's, another object's, or from before the gateway restarted).
   */
  open(sealed: string, member: string, object: string, argument: string): string {
    const bytes =
      sealed.startsWith(PREFIX) && sealed.length <= MAX_SEALED_LENGTH
        ? Buffer.from(sealed.slice(PREFIX.length), 'base64url')
        : undefined;
    if (bytes !== undefined && bytes.length > IV_BYTES + TAG_BYTES) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, IV_BYTES));
        decipher.setAAD(boundTo(member, object));
        decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]);
        return plain.toString('utf8');
      } catch {
        // Refused below, with the same words whatever was wrong with it.
      }
    }
    throw new Denial(
      'BAD_USER_INPUT',
      `The cursor in ${argument} is not one this gateway gave you for ${object} records: page with a cursor from a recent answer (pageInfo.endCursor, pageInfo.startCursor or an edge's cursor), or start again without one`,
      { argument },
    );
  }
}

function boundTo(member: string, object: string): Buffer {
  return Buffer.from(`${member}\u0000${object}`, 'utf8');
}

/**
 * A seal keyed from Tiergate's secret key, so cursors outlive a restart and open on every
 * replica that shares the key. HKDF gives the seal a key of its own: the secret key itself only
 * ever seals stored secrets.
 */
export function cursorSealFrom(secretKey: Uint8Array): CursorSeal {
  const key = hkdfSync('sha256', secretKey, Buffer.alloc(0), 'tiergate gateway cursors v1', 32);
  return new CursorSeal(Buffer.from(key));
}

/** The seal of this gateway process, when none is given: its cursors open only while it runs. */
export const processCursorSeal = new CursorSeal();

type Json = Record<string, unknown>;

/** A REST `pageInfo` with its start and end cursors sealed (other keys as the host gave them). */
export function sealPageInfo(
  pageInfo: unknown,
  member: string,
  object: string,
  seal: CursorSeal = processCursorSeal,
): Json | undefined {
  if (!isJsonObject(pageInfo)) return undefined;
  const out: Json = { ...pageInfo };
  for (const key of ['startCursor', 'endCursor'])
    if (typeof out[key] === 'string') out[key] = seal.seal(out[key], member, object);
  return out;
}

/** REST's cursor parameters (`starting_after`, `ending_before`) opened to the host's cursors. */
export function openRestCursors(
  params: URLSearchParams,
  member: string,
  object: string,
  seal: CursorSeal = processCursorSeal,
): void {
  for (const name of ['starting_after', 'ending_before']) {
    const value = params.get(name);
    if (value !== null && value !== '') params.set(name, seal.open(value, member, object, name));
  }
}
