import { describe, expect, it } from 'vitest';
import { applyMask } from './mask.js';

describe('applyMask', () => {
  it('last4 keeps the last four characters and hides a value of four or fewer whole', () => {
    expect(applyMask('last4', '+1 555-0101')).toBe('••••0101');
    expect(applyMask('last4', '0101')).toBe('••••');
    expect(applyMask('last4', 123456789)).toBe('••••6789');
  });

  it('email-domain keeps the domain only, and redacts what is not an address', () => {
    expect(applyMask('email-domain', 'alice@acme.test')).toBe('•••@acme.test');
    expect(applyMask('email-domain', 'not-an-email')).toBe('•••');
    expect(applyMask('email-domain', 'trailing@')).toBe('•••');
  });

  it('initials keeps the first letter of each word', () => {
    expect(applyMask('initials', 'alice  van Smith')).toBe('A. V. S.');
    expect(applyMask('initials', '')).toBe('');
  });

  it('redact replaces text and drops numbers and booleans', () => {
    expect(applyMask('redact', 'secret')).toBe('•••');
    expect(applyMask('redact', 42)).toBeNull();
    expect(applyMask('redact', true)).toBeNull();
  });

  it('masks every leaf of a composite field and keeps null and __typename', () => {
    expect(
      applyMask('last4', {
        __typename: 'Phones',
        primaryPhoneNumber: '5550101',
        additionalPhones: [{ number: '5559876', countryCode: null }],
      }),
    ).toEqual({
      __typename: 'Phones',
      primaryPhoneNumber: '••••0101',
      additionalPhones: [{ number: '••••9876', countryCode: null }],
    });
  });
});
