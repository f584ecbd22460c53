/**
 * Seeded companies: unique brand names and domains, an office in a city of one sales region,
 * a size, and an account owner from that region's sellers.
 */
import { emptyLinks, fillDigits, integrationActor, link, memberActor } from './fields.js';
import {
  asciiSlug,
  BRAND_ENDS,
  BRAND_STARTS,
  CITIES,
  COUNTRIES,
  INDUSTRIES,
  type City,
  type Country,
  type SalesRegion,
} from './names.js';
import type { OwnerPools } from './ownership.js';
import type { Prng } from './prng.js';
import type { Address, CompanyRecord, SeedMember } from './records.js';
import { createdAndUpdated, DAY_MS, iso, YEAR_MS } from './time.js';

/** A company with what the people and deals seeded for it need to know. */
export interface SeededCompany {
  readonly record: CompanyRecord;
  readonly brand: string;
  readonly domain: string;
  readonly city: City;
  readonly country: Country;
  readonly region: SalesRegion;
  readonly accountOwner: SeedMember | null;
  /** How many contacts and deals the company attracts, relative to the others. */
  readonly weight: number;
}

const CITIES_BY_REGION = new Map<SalesRegion, City[]>();
for (const city of CITIES) {
  CITIES_BY_REGION.set(city.region, [...(CITIES_BY_REGION.get(city.region) ?? []), city]);
}

export function citiesIn(region: SalesRegion): readonly City[] {
  return CITIES_BY_REGION.get(region) ?? [];
}

export function countryOf(city: City): Country {
  const country = COUNTRIES[city.country];
  if (!country) throw new RangeError(`unknown country ${city.country}`);
  return country;
}

/** "Northgate Logistics", "Cobalt Analytics" or "Tidalwave": each brand and domain once. */
function uniqueBrand(prng: Prng, country: Country, used: Set<string>): [string, string] {
  for (let attempt = 0; ; attempt++) {
    const shape = prng.float();
    const start = prng.pick(BRAND_STARTS);
    const joined = start + prng.pick(BRAND_ENDS);
    let brand =
      shape < 0.5
        ? `${joined} ${prng.pick(INDUSTRIES)}`
        : shape < 0.8
          ? `${start} ${prng.pick(INDUSTRIES)}`
          : joined;
    // Past a few collisions the word lists are running out: qualify by region, as groups do.
    if (attempt > 20) brand += ` ${country.name}`;
    if (attempt > 40) brand += ` ${attempt}`;
    const tld = prng.chance(0.3) ? 'com' : country.tld;
    const domain = `${asciiSlug(brand)}.${tld}`;
    if (used.has(brand.toLowerCase()) || used.has(domain)) continue;
    used.add(brand.toLowerCase());
    used.add(domain);
    return [brand, domain];
  }
}

/** Mostly small and mid-sized firms, a long tail of large ones (5 to 50,000 staff). */
function headcount(prng: Prng): number {
  return Math.round(Math.exp(Math.log(5) + Math.log(10_000) * prng.float() ** 1.4));
}

function address(prng: Prng, city: City, country: Country): Address {
  const street = prng.pick(city.streets);
  const number = String(prng.int(1, city.numberFirst ? 480 : 120));
  const jitter = (): number => prng.between(-0.04, 0.04);
  return {
    addressStreet1: city.numberFirst ? `${number} ${street}` : `${street} ${number}`,
    addressStreet2: city.numberFirst && prng.chance(0.2) ? `Suite ${prng.int(1, 30) * 100}` : '',
    addressCity: city.name,
    addressState: city.state,
    addressPostcode: fillDigits(prng, city.postcode),
    addressCountry: country.name,
    addressLat: Math.round((city.lat + jitter()) * 1e6) / 1e6,
    addressLng: Math.round((city.lng + jitter()) * 1e6) / 1e6,
  };
}

function seedCompany(
  prng: Prng,
  reference: number,
  pools: OwnerPools,
  used: Set<string>,
  position: number,
): SeededCompany {
  const region = pools.region(prng);
  const city = prng.pick(citiesIn(region));
  const country = countryOf(city);
  const [brand, domain] = uniqueBrand(prng, country, used);
  const employees = headcount(prng);
  const slug = brand.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  // A few companies are unassigned leads: only the `all` scope sees them (POLICY.md §2).
  const accountOwner = prng.chance(0.97) ? pools.owner(region, prng) : null;
  const actor =
    accountOwner && prng.chance(0.85)
      ? memberActor(accountOwner.record)
      : integrationActor('IMPORT');
  const times = createdAndUpdated(prng, reference - 3 * YEAR_MS, reference - 7 * DAY_MS);
  const idealCustomerProfile = prng.chance(employees >= 200 ? 0.35 : 0.1);
  const record: CompanyRecord = {
    id: prng.uuid(),
    createdAt: iso(times.createdAt),
    updatedAt: iso(times.updatedAt),
    deletedAt: null,
    position,
    createdBy: actor,
    updatedBy: actor,
    name: prng.chance(0.2) ? `${brand} ${country.legalSuffix}` : brand,
    domainName: link(`https://${domain}`),
    address: address(prng, city, country),
    employees: prng.chance(0.03) ? null : employees,
    linkedinLink: prng.chance(0.85)
      ? link(`https://www.linkedin.com/company/${slug}`)
      : emptyLinks(),
    xLink: prng.chance(0.4) ? link(`https://x.com/${asciiSlug(brand).slice(0, 15)}`) : emptyLinks(),
    // Filled in from the company's won deals once they are seeded.
    annualRecurringRevenue: { amountMicros: null, currencyCode: '' },
    idealCustomerProfile,
    accountOwnerId: accountOwner?.record.id ?? null,
  };
  const weight =
    Math.log10(employees + 10) * (idealCustomerProfile ? 1.8 : 1) * (accountOwner ? 1 : 0.3);
  return { record, brand, domain, city, country, region, accountOwner, weight };
}

export function seedCompanies(
  prng: Prng,
  reference: number,
  count: number,
  pools: OwnerPools,
): SeededCompany[] {
  const used = new Set<string>();
  return Array.from({ length: count }, (_, i) => seedCompany(prng, reference, pools, used, i));
}
