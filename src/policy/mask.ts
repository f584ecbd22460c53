/**
 * Masks: what a member with a `masked` field state sees instead of the value. A mask applies to
 * every text leaf of a composite field (`phones.primaryPhoneNumber`, `phones.additionalPhones[]`,
 * `emails.primaryEmail`, `name.firstName`…), so no part of a masked field leaves unmasked.
 */
import type { MaskKind } from './schema.js';

const DOTS = '•••';
const LAST4_PREFIX = '••••';

function last4(text: string): string {
  // Four characters or fewer would be revealed whole: show none of them.
  return text.length <= 4 ? LAST4_PREFIX : LAST4_PREFIX + text.slice(-4);
}

function emailDomain(text: string): string {
  const at = text.lastIndexOf('@');
  return at <= 0 || at === text.length - 1 ? DOTS : DOTS + text.slice(at);
}

function initials(text: string): string {
  return text
    .split(/\s+/u)
    .filter((word) => word !== '')
    .map((word) => `${String.fromCodePoint(word.codePointAt(0) ?? 32).toUpperCase()}.`)
    .join(' ');
}

function maskText(kind: MaskKind, text: string): string {
  switch (kind) {
    case 'last4':
      return last4(text);
    case 'email-domain':
      return emailDomain(text);
    case 'initials':
      return initials(text);
    case 'redact':
      return DOTS;
  }
}

/**
 * Masks a value of any shape: text leaves are masked, numbers and booleans become null except
 * under `last4` (an account number stored as a number keeps its last four digits), and objects
 * and lists are masked leaf by leaf. null stays null.
 */
export function applyMask(kind: MaskKind, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return maskText(kind, value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    return kind === 'last4' ? last4(String(value)) : null;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => applyMask(kind, item));
  if (typeof value === 'object') {
    const masked: Record<string, unknown> = {};
    for (const [key, leaf] of Object.entries(value)) {
      // `__typename` is a GraphQL type name, not data.
      masked[key] = key === '__typename' ? leaf : applyMask(kind, leaf);
    }
    return masked;
  }
  return null;
}
