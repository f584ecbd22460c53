/**
 * Bounds on what a record change puts into the journal, so that no value a member can write
 * keeps the change out of it. A value too large, too deep or not JSON at all (canonical JSON
 * refuses NaN, Infinity, bigint, cycles, and nesting past its `MAX_DEPTH`) is journaled as a
 * marker instead of refused:
 *
 *   { "tiergate:omitted": "too-large" | "too-deep" | "not-json" | "marker-like",
 *     "bytes": N, "hmacSha256": "…" }
 *
 * `bytes` is the size in UTF-8 of the value's canonical JSON text (for `not-json`, of the text
 * hashed), `hmacSha256` the keyed hash the watchdog uses for sensitive values, over the same
 * input: equal values hash equally, so a change still shows, and a value that is both sensitive
 * and large hashes the same either way. The limits (`JOURNAL_VALUE_LIMITS`) are per field (size
 * and depth) and per record (size: the largest fields give way first, and a record whose keys
 * alone exceed it becomes one marker).
 *
 * Written by hand, without recursion: the walk must take a value of any depth (a 10,000-deep
 * JSON value parses fine and would overflow a recursive writer) and stop early once a limit is
 * passed, which neither `JSON.stringify` nor `canonicalize` can.
 */
import { createHmac } from 'node:crypto';

/** The marker's key: `tiergate:` cannot be a field name in Twenty (names are camelCase). */
export const OMITTED = 'tiergate:omitted';

/**
 * `marker-like`: the value is an object that would read as one of Tiergate's own markers (it
 * has a `tiergate:omitted` key, or `hmacSha256` as its only key), which a member could write
 * into a JSON field to make the journal say a value was hidden or omitted when it was not.
 */
export type OmittedReason = 'too-large' | 'too-deep' | 'not-json' | 'marker-like';

export interface OmittedValue {
  readonly [OMITTED]: OmittedReason;
  readonly bytes: number;
  readonly hmacSha256: string;
}

export interface JournalValueLimits {
  /** UTF-8 bytes of one field's canonical JSON value. */
  readonly maxFieldBytes: number;
  /** UTF-8 bytes of the whole record's canonical JSON, markers included. */
  readonly maxRecordBytes: number;
  /** Nesting of one field's value: `{}` and `[]` are 1 deep, a string 0. */
  readonly maxDepth: number;
}

/**
 * 256 KiB holds a long note or a rich-text document. 512 KiB a record: the relay mirrors 60
 * entries per request, each with a `before` and an `after`, and 60 MiB stays well inside the
 * 100 MB Twenty's API takes in one request. 64 levels are far past any record Twenty stores and
 * far inside canonical JSON's 1,000.
 */
export const JOURNAL_VALUE_LIMITS: JournalValueLimits = Object.freeze({
  maxFieldBytes: 256 * 1024,
  maxRecordBytes: 512 * 1024,
  maxDepth: 64,
});

/** The hash input's prefix for one field, as the watchdog's redaction has always used it. */
export const fieldHashPrefix = (field: string): string => `tiergate.watchdog.v1\n${field}\n`;
/** The hash input's prefix for a whole record that could not be journaled field by field. */
export const RECORD_HASH_PREFIX = 'tiergate.watchdog.record.v1\n';

interface Frame {
  readonly value: object;
  /** Keys in canonical order (objects), or undefined for an array. */
  readonly keys: readonly string[] | undefined;
  next: number;
  wrote: boolean;
}

interface WalkResult {
  /** Whether every part was JSON (otherwise a stand-in was written for the parts that are not). */
  json: boolean;
  /** The deepest nesting met. */
  depth: number;
  /** Whether `emit` asked to stop. */
  stopped: boolean;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Writes `root` as canonical JSON (the text `canonicalize` gives, for a JSON value) through
 * `emit`, which returns false to stop. What is not JSON is written as a stand-in and noted: a
 * non-finite number or a bigint as JavaScript prints it, `undefined` in an array as `null`, a
 * cycle as `"[cycle]"`, a function or symbol as its type, a class instance by its own keys.
 * `maxDepth` stops the walk (`depth` is then `maxDepth + 1`).
 */
function walk(root: unknown, emit: (chunk: string) => boolean, maxDepth: number): WalkResult {
  const result: WalkResult = { json: true, depth: 0, stopped: false };
  const stack: Frame[] = [];
  const open = new Set<object>();
  /** Writes a value: a leaf at once, a container's opening (its items follow in the loop). */
  const write = (value: unknown): boolean => {
    switch (typeof value) {
      case 'string':
        return emit(JSON.stringify(value));
      case 'number':
        if (!Number.isFinite(value)) result.json = false;
        return emit(Number.isFinite(value) ? JSON.stringify(value) : String(value));
      case 'boolean':
        return emit(value ? 'true' : 'false');
      case 'bigint':
        result.json = false;
        return emit(`${value}n`);
      case 'object':
        break;
      default:
        result.json = false;
        return emit(JSON.stringify(typeof value));
    }
    if (value === null) return emit('null');
    if (open.has(value)) {
      result.json = false;
      return emit('"[cycle]"');
    }
    const depth = stack.length + 1;
    if (depth > result.depth) result.depth = depth;
    if (depth > maxDepth) return false;
    const isArray = Array.isArray(value);
    if (!isArray && !isPlainObject(value)) result.json = false;
    // Array.prototype.sort with no comparator orders by UTF-16 code units, as JCS asks.
    const keys = isArray ? undefined : Object.keys(value).sort();
    open.add(value);
    stack.push({ value, keys, next: 0, wrote: false });
    return emit(isArray ? '[' : '{');
  };
  if (!write(root)) return { ...result, stopped: true };
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    let going: boolean;
    if (frame.keys === undefined) {
      const items = frame.value as readonly unknown[];
      if (frame.next < items.length) {
        let item = items[frame.next];
        if (item === undefined) {
          result.json = false;
          item = null;
        }
        going = (frame.next++ === 0 || emit(',')) && write(item);
      } else {
        stack.pop();
        open.delete(frame.value);
        going = emit(']');
      }
    } else {
      const object = frame.value as Readonly<Record<string, unknown>>;
      let key = frame.keys[frame.next];
      // Properties whose value is undefined are left out, as JSON.stringify does.
      while (key !== undefined && object[key] === undefined) key = frame.keys[++frame.next];
      if (key !== undefined) {
        frame.next++;
        going = emit(`${frame.wrote ? ',' : ''}${JSON.stringify(key)}:`) && write(object[key]);
        frame.wrote = true;
      } else {
        stack.pop();
        open.delete(frame.value);
        going = emit('}');
      }
    }
    if (!going) return { ...result, stopped: true };
  }
  return result;
}

export type Measure =
  { readonly kind: 'ok'; readonly bytes: number } | { readonly kind: OmittedReason };

/** Whether `value` would read as a marker: the redaction's `{ hmacSha256 }` or an omission. */
export function isMarkerLike(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.includes(OMITTED) || (keys.length === 1 && keys[0] === 'hmacSha256');
}

/** Whether `value` fits the limits, and its canonical size in bytes when it does. */
export function measure(value: unknown, maxBytes: number, maxDepth: number): Measure {
  let bytes = 0;
  const result = walk(
    value,
    (chunk) => {
      // A chunk's UTF-8 size is at least its length: skip the count when that already fails.
      if (chunk.length > maxBytes - bytes) {
        bytes = Number.POSITIVE_INFINITY;
        return false;
      }
      bytes += Buffer.byteLength(chunk);
      return bytes <= maxBytes;
    },
    maxDepth,
  );
  if (result.depth > maxDepth) return { kind: 'too-deep' };
  if (result.stopped || bytes > maxBytes) return { kind: 'too-large' };
  if (!result.json) return { kind: 'not-json' };
  return { kind: 'ok', bytes };
}

/**
 * HMAC-SHA256 under `key` of `prefix` followed by the value's canonical JSON text (any size or
 * depth, streamed), and that text's size in UTF-8 bytes.
 */
export function keyedHash(
  key: Uint8Array,
  prefix: string,
  value: unknown,
): { readonly hmacSha256: string; readonly bytes: number } {
  const hmac = createHmac('sha256', key).update(prefix);
  let bytes = 0;
  let pending = '';
  walk(
    value,
    (chunk) => {
      bytes += Buffer.byteLength(chunk);
      pending += chunk;
      if (pending.length >= 65_536) {
        hmac.update(pending);
        pending = '';
      }
      return true;
    },
    Number.POSITIVE_INFINITY,
  );
  hmac.update(pending);
  return { hmacSha256: hmac.digest('hex'), bytes };
}

/** The marker standing for a value the journal does not hold. */
export function omitted(
  reason: OmittedReason,
  key: Uint8Array,
  prefix: string,
  value: unknown,
): OmittedValue {
  const { hmacSha256, bytes } = keyedHash(key, prefix, value);
  return { [OMITTED]: reason, bytes, hmacSha256 };
}

const CONTROL_OR_LONE_SURROGATE =
  // eslint-disable-next-line no-control-regex -- control characters are what is replaced
  /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A name from a record (an actor's, say) fit for a journal column: control characters and
 * lone surrogates become U+FFFD (PostgreSQL refuses U+0000 in text, and a lone surrogate would
 * be stored as U+FFFD, unlike the text hashed), and at most `maxChars` are kept.
 */
export function journalLabel(text: string, maxChars = 200): string {
  const clean = text.replace(CONTROL_OR_LONE_SURROGATE, '\ufffd');
  if (clean.length <= maxChars) return clean;
  const cut = clean.slice(0, maxChars - 1);
  // Do not end on half a surrogate pair.
  return `${/[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}
