/**
 * Seeded contacts: people at the seeded companies, with e-mails on the company's domain, local
 * mobile numbers, and an owner (`createdBy.workspaceMemberId`) who is mostly the company's
 * account owner or a seller of the same region. A few were imported or synced by an
 * integration and so have no owner at all.
 */
import { citiesIn, countryOf, type SeededCompany } from './companies.js';
import {
  emptyLinks,
  emptyPhones,
  integrationActor,
  link,
  memberActor,
  mobilePhone,
} from './fields.js';
import { asciiSlug, CONTACT_TITLES, FIRST_NAMES, LAST_NAMES, type Culture } from './names.js';
import type { OwnerPools } from './ownership.js';
import { weightedTable, type Prng } from './prng.js';
import type { Actor, PersonRecord } from './records.js';
import { createdAndUpdated, iso } from './time.js';

const CULTURES = Object.keys(FIRST_NAMES) as Culture[];

/** The seeded people and, per company id, the ids of its people (for points of contact). */
export interface SeededPeople {
  readonly people: PersonRecord[];
  readonly byCompany: Map<string, string[]>;
}

/** An address on the company's domain, in the company's usual pattern, unique in the seed. */
function uniqueEmail(first: string, last: string, domain: string, used: Set<string>): string {
  const f = asciiSlug(first);
  const l = asciiSlug(last);
  const candidates = [`${f}.${l}`, `${f.charAt(0)}${l}`, `${f}${l.charAt(0)}`, `${f}_${l}`];
  for (let n = 2; ; n++) {
    for (const local of candidates) {
      const email = `${local}@${domain}`;
      if (!used.has(email)) {
        used.add(email);
        return email;
      }
    }
    candidates.splice(0, candidates.length, `${f}.${l}${n}`);
  }
}

/** Who entered the contact: an integration, a support agent, or mostly a seller of the region. */
function ownerActor(prng: Prng, company: SeededCompany, pools: OwnerPools): Actor {
  const roll = prng.float();
  if (roll < 0.025) return integrationActor('IMPORT');
  if (roll < 0.04) return integrationActor('API');
  if (roll < 0.09 && pools.support.length > 0) return memberActor(prng.pick(pools.support).record);
  if (company.accountOwner && prng.chance(0.7)) return memberActor(company.accountOwner.record);
  return memberActor(pools.owner(company.region, prng).record);
}

function seedPerson(
  prng: Prng,
  reference: number,
  company: SeededCompany,
  pools: OwnerPools,
  usedEmails: Set<string>,
  position: number,
): PersonRecord {
  const culture = prng.chance(0.75) ? company.country.culture : prng.pick(CULTURES);
  const firstName = prng.pick(FIRST_NAMES[culture]);
  const lastName = prng.pick(LAST_NAMES[culture]);
  const handle = `${asciiSlug(firstName)}-${asciiSlug(lastName)}`;
  // Most contacts work from the office; some from another city of the region.
  const city = prng.chance(0.85) ? company.city : prng.pick(citiesIn(company.region));
  const actor = ownerActor(prng, company, pools);
  const from = Date.parse(company.record.createdAt);
  const times = createdAndUpdated(prng, from, reference);
  return {
    id: prng.uuid(),
    createdAt: iso(times.createdAt),
    updatedAt: iso(times.updatedAt),
    deletedAt: null,
    position,
    createdBy: actor,
    updatedBy: actor,
    name: { firstName, lastName },
    emails: {
      primaryEmail: uniqueEmail(firstName, lastName, company.domain, usedEmails),
      additionalEmails: [],
    },
    phones: prng.chance(0.88) ? mobilePhone(prng, countryOf(city), city.name) : emptyPhones(),
    jobTitle: prng.chance(0.95) ? prng.pick(CONTACT_TITLES) : '',
    city: city.name,
    avatarUrl: '',
    linkedinLink: prng.chance(0.65)
      ? link(`https://www.linkedin.com/in/${handle}-${prng.uuid().slice(0, 6)}`)
      : emptyLinks(),
    xLink: prng.chance(0.15)
      ? link(`https://x.com/${handle.replace('-', '_').slice(0, 15)}`)
      : emptyLinks(),
    companyId: company.record.id,
  };
}

/**
 * Every company gets one contact first (while there are enough people), the rest go to
 * companies by weight, so large and ideal-profile companies have several contacts.
 */
export function seedPeople(
  prng: Prng,
  reference: number,
  count: number,
  companies: readonly SeededCompany[],
  pools: OwnerPools,
): SeededPeople {
  if (count > 0 && companies.length === 0) throw new RangeError('people need companies');
  const byWeight = companies.length > 0 ? weightedTable(companies.map((c) => [c, c.weight])) : null;
  const usedEmails = new Set<string>();
  const byCompany = new Map<string, string[]>();
  const people: PersonRecord[] = [];
  for (let i = 0; i < count && byWeight; i++) {
    const company = companies[i] ?? byWeight(prng);
    const person = seedPerson(prng, reference, company, pools, usedEmails, i);
    people.push(person);
    const ids = byCompany.get(company.record.id);
    if (ids) ids.push(person.id);
    else byCompany.set(company.record.id, [person.id]);
  }
  return { people, byCompany };
}
