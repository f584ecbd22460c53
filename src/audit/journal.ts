/**
 * The journal's entries and their hash chain: each entry's hash is SHA-256 over a domain prefix
 * and the canonical JSON of its fields, `prevHash` included, so changing, removing or moving an
 * entry breaks every hash after it. Pure: `chainEntries` fills in `seq`, `prevHash` and `hash`
 * and the caller persists the result (the `audit_journal` table); nothing here does I/O.
 *
 * `before` and `after` are kept as canonical JSON text, the form storage holds them in. The hash
 * input embeds that text verbatim where the value belongs, which makes the input exactly the
 * canonical JSON of the entry with `before`/`after` as values, while letting verification hash
 * the stored text without parsing it. A JSON `null` value is stored as `null` (no value), never as
 * the text `"null"`, which would hash the same.
 */
import { hash } from 'node:crypto';
import { CanonicalJsonError, canonicalize, isCanonicalJson } from './canonical-json.js';

/** Separates journal hashes from every other SHA-256 Tiergate computes. */
export const JOURNAL_DOMAIN = 'tiergate.journal.v1\n';

/** The `prevHash` of entry 1. */
export const GENESIS_PREV_HASH = '0'.repeat(64);

/** What an entry says; `seq` counts from 1. */
export interface EntryFields {
  readonly seq: number;
  /** ISO-8601 UTC, as `Date.prototype.toISOString` prints it. */
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  /** Canonical JSON text, or null for no value. */
  readonly before: string | null;
  readonly after: string | null;
  readonly reason: string | null;
}

export interface JournalEntry extends EntryFields {
  /** Lowercase hex SHA-256: the previous entry's hash, or `GENESIS_PREV_HASH` for entry 1. */
  readonly prevHash: string;
  readonly hash: string;
}

/** An entry before it joins the chain; `before`/`after` are values (undefined and null: none). */
export interface JournalDraft {
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly reason?: string | null;
}

/** The head an append continues from: the last stored entry, or nothing for an empty journal. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export class JournalError extends Error {
  override readonly name = 'JournalError';
}

const HEX_HASH = /^[0-9a-f]{64}$/;
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The decimal number of `length` digits at `at`, or -1. */
function digitsAt(text: string, at: number, length: number): number {
  let value = 0;
  for (let i = at; i < at + length; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (!(d >= 0 && d <= 9)) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * Whether `at` is a UTC time exactly as `Date.prototype.toISOString` prints it
 * (`2026-01-31T12:00:00.000Z`, a real date, years 0000 to 9999). Checked by hand rather than by
 * a `Date` round trip: verification runs it once per entry.
 */
export function isIsoUtc(at: string): boolean {
  if (
    at.length !== 24 ||
    at.charCodeAt(4) !== 0x2d ||
    at.charCodeAt(7) !== 0x2d ||
    at.charCodeAt(10) !== 0x54 ||
    at.charCodeAt(13) !== 0x3a ||
    at.charCodeAt(16) !== 0x3a ||
    at.charCodeAt(19) !== 0x2e ||
    at.charCodeAt(23) !== 0x5a
  )
    return false;
  const year = digitsAt(at, 0, 4);
  const month = digitsAt(at, 5, 2);
  const day = digitsAt(at, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month] as number))) return false;
  const hour = digitsAt(at, 11, 2);
  const minute = digitsAt(at, 14, 2);
  const second = digitsAt(at, 17, 2);
  return (
    hour >= 0 &&
    hour < 24 &&
    minute >= 0 &&
    minute < 60 &&
    second >= 0 &&
    second < 60 &&
    digitsAt(at, 20, 3) >= 0
  );
}

export function isHexHash(value: string): boolean {
  return HEX_HASH.test(value);
}

// eslint-disable-next-line no-control-regex -- control characters are what JSON must escape
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify` of a string, with a shortcut for the usual string that needs no escape. */
function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * The exact text hashed for an entry: the domain prefix, then the canonical JSON of
 * `{action, actor, after, at, before, prevHash, reason, seq, target}` (keys in code-unit order).
 * It trusts its input: check it with `entryFieldProblem` first.
 */
export function hashInput(fields: EntryFields, prevHash: string): string {
  return (
    JOURNAL_DOMAIN +
    '{"action":' +
    quote(fields.action) +
    ',"actor":' +
    quote(fields.actor) +
    ',"after":' +
    (fields.after ?? 'null') +
    ',"at":"' +
    fields.at +
    '","before":' +
    (fields.before ?? 'null') +
    ',"prevHash":"' +
    prevHash +
    '","reason":' +
    (fields.reason === null ? 'null' : quote(fields.reason)) +
    ',"seq":' +
    String(fields.seq) +
    ',"target":' +
    quote(fields.target) +
    '}'
  );
}

/** SHA-256 of `hashInput`, lowercase hex. Throws a JournalError when the fields are malformed. */
export function hashEntry(fields: EntryFields, prevHash: string): string {
  const problem = entryFieldProblem(fields)?.message ?? prevHashProblem(prevHash);
  if (problem !== undefined) throw new JournalError(`entry ${show(fields.seq)}: ${problem}`);
  return hash('sha256', hashInput(fields, prevHash), 'hex');
}

function prevHashProblem(prevHash: unknown): string | undefined {
  return typeof prevHash === 'string' && HEX_HASH.test(prevHash)
    ? undefined
    : `prevHash must be 64 lowercase hex digits, not ${show(prevHash)}`;
}

/** A short, safe rendering of a value for a message. */
export function show(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  return `a ${typeof value}`;
}

export interface FieldProblem {
  /** `not-canonical`: `before`/`after` is JSON text, but not canonical; else `malformed`. */
  readonly kind: 'malformed' | 'not-canonical';
  readonly message: string;
}

/**
 * What is wrong with an entry's fields (types, `seq`, `at`, canonical `before`/`after`), or
 * undefined. `prevHash` and `hash` are judged by the chain, not here.
 */
export function entryFieldProblem(
  fields: EntryFields,
  checkDocuments = true,
): FieldProblem | undefined {
  const { seq, at, actor, action, target, before, after, reason } = fields as {
    [K in keyof EntryFields]: unknown;
  };
  let message: string | undefined;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1)
    message = `seq must be a positive integer, not ${show(seq)}`;
  else if (typeof at !== 'string' || !isIsoUtc(at))
    message = `at must be an ISO-8601 UTC time like 2026-01-31T12:00:00.000Z, not ${show(at)}`;
  else if (typeof actor !== 'string') message = `actor must be a string, not ${show(actor)}`;
  else if (typeof action !== 'string') message = `action must be a string, not ${show(action)}`;
  else if (typeof target !== 'string') message = `target must be a string, not ${show(target)}`;
  else if (reason !== null && typeof reason !== 'string')
    message = `reason must be a string or null, not ${show(reason)}`;
  if (message !== undefined) return { kind: 'malformed', message };
  if (!checkDocuments) return undefined;
  return documentProblem('before', before) ?? documentProblem('after', after);
}

/** Whether `before`/`after` is null or canonical JSON text other than `null`. */
export function documentProblem(name: string, text: unknown): FieldProblem | undefined {
  if (text === null) return undefined;
  if (typeof text !== 'string')
    return { kind: 'malformed', message: `${name} must be JSON text or null, not ${show(text)}` };
  if (text === 'null')
    return { kind: 'not-canonical', message: `${name} must be null, not the JSON text null` };
  return isCanonicalJson(text)
    ? undefined
    : { kind: 'not-canonical', message: `${name} is not canonical JSON: ${show(text)}` };
}

/** The canonical text of a draft's `before`/`after` value; null and undefined mean none. */
export function documentText(name: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  try {
    return canonicalize(value);
  } catch (error) {
    if (error instanceof CanonicalJsonError)
      throw new JournalError(`${name} at ${error.path}: ${error.reason}`);
    throw error;
  }
}

/**
 * The entries that append `drafts` after `last`, all stamped `now`: `seq` continues from
 * `last.seq` (or starts at 1), each `prevHash` is the hash before it. Pure; persisting them (in
 * one transaction, and only if the head is still `last`) is the caller's work.
 */
export function chainEntries(
  last: ChainHead | undefined,
  drafts: readonly JournalDraft[],
  now: Date,
): JournalEntry[] {
  const at = now.toISOString();
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_PREV_HASH;
  if (!Number.isSafeInteger(seq) || seq < 0)
    throw new JournalError(`the head's seq must be a non-negative integer, not ${show(seq)}`);
  const linkProblem = prevHashProblem(prevHash);
  if (linkProblem !== undefined) throw new JournalError(`the head's hash: ${linkProblem}`);
  const entries: JournalEntry[] = [];
  for (const draft of drafts) {
    seq++;
    const fields: EntryFields = {
      seq,
      at,
      actor: draft.actor,
      action: draft.action,
      target: draft.target,
      before: documentText(`entry ${seq}: before`, draft.before),
      after: documentText(`entry ${seq}: after`, draft.after),
      reason: draft.reason ?? null,
    };
    // before/after were just canonicalized: only the other fields need checking.
    const problem = entryFieldProblem(fields, false);
    if (problem !== undefined) throw new JournalError(`entry ${seq}: ${problem.message}`);
    const entryHash = hash('sha256', hashInput(fields, prevHash), 'hex');
    entries.push({ ...fields, prevHash, hash: entryHash });
    prevHash = entryHash;
  }
  return entries;
}
