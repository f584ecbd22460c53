/** Builders for Twenty's composite field values (ACTOR, LINKS, PHONES), shared by the seed. */
import { AREA_CODES, INTEGRATIONS, type Country } from './names.js';
import type { Prng } from './prng.js';
import type { Actor, Links, Phones, WorkspaceMemberRecord } from './records.js';

/** A record entered by hand in the CRM by a member, as Twenty records it. */
export function memberActor(member: Pick<WorkspaceMemberRecord, 'id' | 'name'>): Actor {
  const name = `${member.name.firstName} ${member.name.lastName}`;
  return { source: 'MANUAL', workspaceMemberId: member.id, name, context: {} };
}

/** A record written by an integration: no member behind it, so it has no owner in Tiergate. */
export function integrationActor(source: 'IMPORT' | 'API'): Actor {
  return { source, workspaceMemberId: null, name: INTEGRATIONS[source], context: {} };
}

export function link(url: string): Links {
  return { primaryLinkUrl: url, primaryLinkLabel: '', secondaryLinks: [] };
}

export const emptyLinks = (): Links => link('');

/** Replaces each `#` with a random digit: postcodes and phone numbers. */
export function fillDigits(prng: Prng, pattern: string): string {
  return pattern.replace(/#/g, () => String(prng.int(0, 9)));
}

/**
 * A mobile number as that country dials it, national part without the trunk 0; in North
 * America it starts with the city's area code, as mobiles there do.
 */
export function mobilePhone(prng: Prng, country: Country, city: string): Phones {
  const [prefixes, digits] = country.mobile;
  const prefix = prng.pick(AREA_CODES[city] ?? prefixes);
  // National numbers do not start a subscriber part with 0 or 1 after a NANP area code.
  const first = country.callingCode === '+1' ? String(prng.int(2, 9)) : String(prng.int(0, 9));
  const rest = '#'.repeat(Math.max(0, digits - prefix.length - 1));
  return {
    primaryPhoneNumber: prefix + first + fillDigits(prng, rest),
    primaryPhoneCountryCode: country.code,
    primaryPhoneCallingCode: country.callingCode,
    additionalPhones: [],
  };
}

export function emptyPhones(): Phones {
  return {
    primaryPhoneNumber: '',
    primaryPhoneCountryCode: '',
    primaryPhoneCallingCode: '',
    additionalPhones: [],
  };
}
