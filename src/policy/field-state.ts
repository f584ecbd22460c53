/**
 * Field states as ordered codes, so that "several grants take the maximum" and "a `when` rule
 * caps the field" (docs/policy.md §11) are `Math.max` and `Math.min`:
 *
 *   hidden 0 < masked (redact 1 < initials 2 < email-domain 3 < last4 4) < read 5 < edit 6
 *
 * Masks are ordered by how much of the value they disclose, so the maximum of two masks is the
 * more revealing one and a cap to a mask never reveals more than that mask.
 */
import type { FieldState, FieldStateValue, MaskKind } from './schema.js';

export type FieldCode = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export const HIDDEN: FieldCode = 0;
export const READ: FieldCode = 5;
export const EDIT: FieldCode = 6;

const MASK_CODES: Readonly<Record<MaskKind, FieldCode>> = {
  redact: 1,
  initials: 2,
  'email-domain': 3,
  last4: 4,
};

const MASK_OF_CODE: readonly (MaskKind | undefined)[] = [
  undefined,
  'redact',
  'initials',
  'email-domain',
  'last4',
  undefined,
  undefined,
];

export function codeOf(value: FieldStateValue): FieldCode {
  if (typeof value === 'object') return MASK_CODES[value.mask];
  return value === 'hidden' ? HIDDEN : value === 'read' ? READ : EDIT;
}

export function stateOf(code: FieldCode): FieldState {
  if (code === HIDDEN) return 'hidden';
  if (code === READ) return 'read';
  if (code === EDIT) return 'edit';
  return 'masked';
}

/** The mask a masked code applies; undefined for hidden, read and edit. */
export function maskOf(code: FieldCode): MaskKind | undefined {
  return MASK_OF_CODE[code];
}

/** How a state reads in a reason: `read`, `masked (last4)`. */
export function describeCode(code: FieldCode): string {
  const mask = maskOf(code);
  return mask ? `masked (${mask})` : stateOf(code);
}
