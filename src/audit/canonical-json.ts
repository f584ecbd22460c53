/**
 * Canonical JSON for the journal's hashes and the checkpoints' signatures, in the manner of
 * RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace, strings and numbers
 * exactly as `JSON.stringify` prints them. One value has one text, so a hash over the text is a
 * hash over the value.
 *
 * Two directions. `canonicalize` turns a value into its text and refuses what JSON cannot carry
 * faithfully (NaN, Infinity, bigint, functions, `undefined` in an array, class instances, cycles)
 * with an error naming the path. `isCanonicalJson` checks a stored text without building the
 * value: the journal keeps `before`/`after` as canonical text and verification hashes that
 * text as it is, so it only has to prove the text is canonical, and a hand-written scanner does
 * that about twice as fast as `JSON.parse` alone, let alone `JSON.parse` then `canonicalize` (the
 * verification goal is 500,000 entries a second). The two agree by construction and by property
 * tests.
 */

/** Deeper nesting is refused by both directions (and would threaten the stack). */
export const MAX_DEPTH = 1000;

export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
  constructor(
    /** Where the offending value sits, as `$.a.b[2]`. */
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function childPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? `a ${name} instance` : 'a non-plain object';
  }
  return typeof value === 'number' ? String(value) : `a ${typeof value}`;
}

/**
 * The canonical text of `value`. Object properties whose value is `undefined` are left out, as
 * `JSON.stringify` does; everything else JSON cannot represent exactly is an error.
 */
export function canonicalize(value: unknown): string {
  try {
    return write(value, 0, []);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    let path = '$';
    for (let i = error.where.length - 1; i >= 0; i--) {
      const step = error.where[i] as string | number;
      path = typeof step === 'number' ? `${path}[${step}]` : childPath(path, step);
    }
    throw new CanonicalJsonError(path, error.reason);
  }
}

/**
 * A refusal on its way up: each enclosing level adds its key or index as the error unwinds, so
 * no path is built while all goes well.
 */
class Refusal extends Error {
  /** Keys and indexes, innermost first. */
  readonly where: (string | number)[] = [];
  constructor(readonly reason: string) {
    super(reason);
  }
}

function write(value: unknown, depth: number, stack: object[]): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Refusal(`${value} is not JSON`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw new Refusal(`${describe(value)} is not JSON`);
  }
  if (value === null) return 'null';
  if (depth >= MAX_DEPTH) throw new Refusal(`nested deeper than ${MAX_DEPTH} levels`);
  if (stack.includes(value)) throw new Refusal('a cycle is not JSON');
  stack.push(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (i > 0) out += ',';
      try {
        if (item === undefined) throw new Refusal('undefined is not JSON');
        out += write(item, depth + 1, stack);
      } catch (error) {
        if (error instanceof Refusal) error.where.push(i);
        throw error;
      }
    }
    out += ']';
  } else {
    if (!isPlainObject(value)) throw new Refusal(`${describe(value)} is not a plain JSON object`);
    // Array.prototype.sort with no comparator orders strings by UTF-16 code units, as JCS asks.
    const keys = Object.keys(value).sort();
    out = '{';
    let first = true;
    for (const key of keys) {
      const item = value[key];
      if (item === undefined) continue;
      if (!first) out += ',';
      first = false;
      try {
        out += JSON.stringify(key) + ':' + write(item, depth + 1, stack);
      } catch (error) {
        if (error instanceof Refusal) error.where.push(key);
        throw error;
      }
    }
    out += '}';
  }
  stack.pop();
  return out;
}

/** The value of a canonical text, or an error when the text is not JSON or not canonical. */
export function parseCanonical(text: string): unknown {
  if (!isCanonicalJson(text)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new CanonicalJsonError('$', `not JSON (${(error as Error).message})`);
    }
    const canonical = canonicalize(value);
    throw new CanonicalJsonError('$', `not canonical JSON: expected ${canonical}`);
  }
  return JSON.parse(text);
}

// ---------------------------------------------------------------------------------------------
// The scanner: one loop over the text with an explicit stack, its cursor in local variables
// (V8 keeps those in registers; a module-level cursor would be a memory access per character).

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Per open container: whether it is an object, and the last key seen in it. */
const inObject: boolean[] = [];
const lastKey: (string | undefined)[] = [];

/** Set by `scanString` when the string it scanned held an escape. */
let stringHadEscape = false;

/**
 * Whether `text` is exactly `canonicalize(JSON.parse(text))`, decided without parsing: no
 * whitespace, keys strictly increasing (so no duplicates), strings escaped as `JSON.stringify`
 * escapes them (short escapes, `\u00xx` for other control characters and `\udxxx` for lone
 * surrogates, lowercase, nothing else escaped), numbers as `JSON.stringify` prints them.
 */
export function isCanonicalJson(text: string): boolean {
  const end = text.length;
  let i = 0;
  let depth = 0;
  for (;;) {
    // A value starts at i.
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = scanString(text, i);
      if (i < 0) return false;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const isObject = c === OPEN_BRACE;
      if (depth >= MAX_DEPTH) return false;
      if (text.charCodeAt(i + 1) === (isObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
        i += 2;
      } else {
        inObject[depth] = isObject;
        lastKey[depth] = undefined;
        depth++;
        i++;
        if (isObject) {
          i = scanKey(text, i, depth - 1);
          if (i < 0) return false;
        }
        continue;
      }
    } else if (c === 0x74) {
      if (!text.startsWith('true', i)) return false;
      i += 4;
    } else if (c === 0x66) {
      if (!text.startsWith('false', i)) return false;
      i += 5;
    } else if (c === 0x6e) {
      if (!text.startsWith('null', i)) return false;
      i += 4;
    } else {
      i = scanNumber(text, i);
      if (i < 0) return false;
    }
    // After a value: close containers, or move to the next item.
    for (;;) {
      if (depth === 0) return i === end;
      const next = text.charCodeAt(i++);
      const isObject = inObject[depth - 1] as boolean;
      if (next === COMMA) {
        if (isObject) {
          i = scanKey(text, i, depth - 1);
          if (i < 0) return false;
        }
        break;
      }
      if (next !== (isObject ? CLOSE_BRACE : CLOSE_BRACKET)) return false;
      depth--;
    }
  }
}

/**
 * Scans `"key":` at `i` in the object at `level`, checking the key sorts after the one before;
 * returns the index after the colon, or -1.
 */
function scanKey(text: string, i: number, level: number): number {
  if (text.charCodeAt(i) !== QUOTE) return -1;
  const after = scanString(text, i);
  if (after < 0 || text.charCodeAt(after) !== COLON) return -1;
  // Keys compare by their decoded code units; only an escaped key needs decoding.
  const key = stringHadEscape
    ? (JSON.parse(text.slice(i, after)) as string)
    : text.slice(i + 1, after - 1);
  const previous = lastKey[level];
  if (previous !== undefined && !(previous < key)) return -1;
  lastKey[level] = key;
  return after + 1;
}

/** Scans a number at `i`; returns the index after it, or -1 when it is not canonical. */
function scanNumber(text: string, i: number): number {
  const start = i;
  let c = text.charCodeAt(i);
  if (c === 0x2d) c = text.charCodeAt(++i); // -
  // The common case, an integer: canonical when it has no leading zero and at most 15 digits
  // (every such integer is exact in a double and prints the same).
  if (c >= 0x31 && c <= 0x39) {
    const digits = i;
    do c = text.charCodeAt(++i);
    while (c >= 0x30 && c <= 0x39);
    if (c !== 0x2e && c !== 0x65 && c !== 0x45 && i - digits <= 15) return i;
  } else if (c === 0x30) {
    c = text.charCodeAt(++i);
    // 0 is canonical, -0 is not (it prints 0).
    if (c !== 0x2e && c !== 0x65 && c !== 0x45 && !(c >= 0x30 && c <= 0x39))
      return i - start === 1 ? i : -1;
  }
  // Anything else: take 0-9 + - . e E, then the round trip.
  for (;;) {
    c = text.charCodeAt(i);
    if (
      (c >= 0x30 && c <= 0x39) ||
      c === 0x2d ||
      c === 0x2b ||
      c === 0x2e ||
      c === 0x65 ||
      c === 0x45
    )
      i++;
    else break;
  }
  if (i === start) return -1;
  const token = text.slice(start, i);
  // String(Number(x)) of a finite number is always a valid JSON number, so equality proves both
  // the grammar and the canonical form ("-0", "1.0", "1E3", "01", "1e400" all fail it).
  return String(Number(token)) === token ? i : -1;
}

/**
 * Scans a string at `i` (its opening quote); returns the index after the closing quote, or -1
 * when it is not canonical, and sets `stringHadEscape`. Surrogates: `JSON.stringify` prints a
 * pair (a high unit followed by a low one) literally and escapes a lone one, so each surrogate
 * is judged against its decoded neighbour.
 */
function scanString(text: string, i: number): number {
  i++;
  // The fast path: plain characters up to the closing quote.
  let c = text.charCodeAt(i);
  while (c >= 0x20 && c !== QUOTE && c !== BACKSLASH && (c < 0xd800 || c > 0xdfff))
    c = text.charCodeAt(++i);
  if (c === QUOTE) {
    stringHadEscape = false;
    return i + 1;
  }
  return scanStringSlowly(text, i);
}

/** The rest of a string from `i`, where an escape, a surrogate or a bad character sits. */
function scanStringSlowly(text: string, i: number): number {
  let escaped = false;
  // The code unit decoded just before (-1: none that matters) and whether it was escaped.
  let previous = -1;
  let previousEscaped = false;
  for (;;) {
    const c = text.charCodeAt(i);
    let unit: number;
    let isEscape: boolean;
    if (c === QUOTE) {
      // A high surrogate at the end is lone: it must have been escaped.
      if ((previous & 0xfc00) === 0xd800 && !previousEscaped) return -1;
      stringHadEscape = escaped;
      return i + 1;
    }
    if (c === BACKSLASH) {
      escaped = true;
      isEscape = true;
      switch (text.charCodeAt(i + 1)) {
        case QUOTE:
          unit = QUOTE;
          break;
        case BACKSLASH:
          unit = BACKSLASH;
          break;
        case 0x62: // b
          unit = 0x08;
          break;
        case 0x66: // f
          unit = 0x0c;
          break;
        case 0x6e: // n
          unit = 0x0a;
          break;
        case 0x72: // r
          unit = 0x0d;
          break;
        case 0x74: // t
          unit = 0x09;
          break;
        case 0x75: // u: lowercase hex, only for control characters without a short escape and
          // for surrogates (whether lone is judged below).
          unit = hex4(text, i + 2);
          if (unit < 0) return -1;
          if (unit < 0x20) {
            if (unit === 0x08 || unit === 0x09 || unit === 0x0a || unit === 0x0c || unit === 0x0d)
              return -1;
          } else if ((unit & 0xf800) !== 0xd800) return -1;
          i += 4;
          break;
        default:
          return -1;
      }
      i += 2;
    } else {
      // NaN (the end of the text) and control characters fail this test.
      if (!(c >= 0x20)) return -1;
      unit = c;
      isEscape = false;
      i++;
    }
    // A high surrogate before this unit is paired (must be literal) iff this unit is low.
    if ((previous & 0xfc00) === 0xd800 && previousEscaped === ((unit & 0xfc00) === 0xdc00))
      return -1;
    // A low surrogate is paired (must be literal) iff the unit before it is high.
    if ((unit & 0xfc00) === 0xdc00 && isEscape === ((previous & 0xfc00) === 0xd800)) return -1;
    previous = unit;
    previousEscaped = isEscape;
  }
}

/** Four lowercase hex digits at `at`, or -1. */
function hex4(text: string, at: number): number {
  let value = 0;
  for (let i = at; i < at + 4; i++) {
    const c = text.charCodeAt(i);
    let digit: number;
    if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) digit = c - 0x57;
    else return -1;
    value = (value << 4) | digit;
  }
  return value;
}
