/**
 * Seeded deals. Close dates spread over the twelve months before the reference date and the
 * six after it; a deal whose date has passed is mostly won (CUSTOMER) and otherwise slipped,
 * a future deal is still in the pipeline and never already won. Amounts are log-normal around
 * a median that grows with the company, from 5k to 2M, in the company's currency.
 */
import type { SeededCompany } from './companies.js';
import { integrationActor, memberActor } from './fields.js';
import { DEAL_KINDS } from './names.js';
import type { OwnerPools } from './ownership.js';
import { weightedTable, type Prng, type Weighted } from './prng.js';
import type { Actor, OpportunityRecord, OpportunityStage, SeedMember } from './records.js';
import { DAY_MS, HOUR_MS, iso, startOfUtcDay, updatedAfter } from './time.js';

/** The close-date window, in whole days around the reference day. */
export const CLOSE_WINDOW_DAYS = { past: 364, future: 182 } as const;
export const AMOUNT_RANGE = { min: 5_000, max: 2_000_000 } as const;

const PAST_STAGES: Weighted<OpportunityStage> = [
  ['CUSTOMER', 0.52],
  ['PROPOSAL', 0.13],
  ['MEETING', 0.12],
  ['SCREENING', 0.12],
  ['NEW', 0.11],
];
const FUTURE_STAGES: Weighted<OpportunityStage> = [
  ['NEW', 0.3],
  ['SCREENING', 0.26],
  ['MEETING', 0.24],
  ['PROPOSAL', 0.2],
];

/** The median deal by company size: a small firm buys a pilot, a large one a rollout. */
function medianAmount(employees: number | null): number {
  if (employees === null || employees < 50) return 12_000;
  if (employees < 500) return 35_000;
  if (employees < 5_000) return 90_000;
  return 220_000;
}

/**
 * A deal size as sales teams quote them: rounded to 500 below 50k, 1k below 500k, else 5k.
 * Draws outside 5k–2M are drawn again rather than clamped, so no pile-up sits at the bounds.
 */
export function dealAmount(prng: Prng, employees: number | null): number {
  let raw = medianAmount(employees);
  for (let attempt = 0; attempt < 20; attempt++) {
    raw = medianAmount(employees) * Math.exp(0.85 * prng.normal());
    if (raw >= AMOUNT_RANGE.min && raw <= AMOUNT_RANGE.max) break;
  }
  const step = raw < 50_000 ? 500 : raw < 500_000 ? 1_000 : 5_000;
  return Math.min(AMOUNT_RANGE.max, Math.max(AMOUNT_RANGE.min, Math.round(raw / step) * step));
}

/** The owner: mostly the account owner, else a seller of the region; a few deals have none. */
function dealOwner(prng: Prng, company: SeededCompany, pools: OwnerPools): SeedMember | null {
  if (prng.chance(0.03)) return null;
  if (company.accountOwner && prng.chance(0.72)) return company.accountOwner;
  return pools.owner(company.region, prng);
}

function creator(
  prng: Prng,
  owner: SeedMember | null,
  company: SeededCompany,
  pools: OwnerPools,
): Actor {
  if (!owner) return integrationActor('API'); // synced from a web form, never assigned
  // An SDR of the region sometimes opens the deal before handing it over.
  return memberActor(prng.chance(0.85) ? owner.record : pools.owner(company.region, prng).record);
}

function seedOpportunity(
  prng: Prng,
  reference: number,
  company: SeededCompany,
  contacts: readonly string[],
  pools: OwnerPools,
  position: number,
): OpportunityRecord {
  const offset = prng.int(-CLOSE_WINDOW_DAYS.past, CLOSE_WINDOW_DAYS.future);
  const closeDate = startOfUtcDay(reference) + offset * DAY_MS;
  // Offset -1 or less is strictly before the reference, so a won deal has really closed.
  const stage = prng.weighted(offset < 0 ? PAST_STAGES : FUTURE_STAGES);
  const kind = prng.pick(DEAL_KINDS);
  const year = new Date(closeDate).getUTCFullYear();
  const owner = dealOwner(prng, company, pools);
  const actor = creator(prng, owner, company, pools);
  // Deals are opened two weeks to six months before they close, never before the company.
  const opened = Math.min(
    closeDate - prng.int(14, 180) * DAY_MS + prng.between(8, 18) * HOUR_MS,
    reference - HOUR_MS,
  );
  const earliest = Date.parse(company.record.createdAt) + HOUR_MS;
  const createdAt = Math.floor(Math.max(opened, earliest) / 1000) * 1000;
  const updatedAt = updatedAfter(prng, createdAt, reference);
  const amountMissing = prng.chance(stage === 'NEW' ? 0.15 : 0.03);
  return {
    id: prng.uuid(),
    createdAt: iso(createdAt),
    updatedAt: iso(updatedAt),
    deletedAt: null,
    position,
    createdBy: actor,
    updatedBy: owner ? memberActor(owner.record) : actor,
    name: `${company.brand} – ${kind.includes('renewal') ? `${kind} ${year}` : kind}`,
    amount: amountMissing
      ? { amountMicros: null, currencyCode: '' }
      : {
          amountMicros: dealAmount(prng, company.record.employees) * 1_000_000,
          currencyCode: company.country.currency,
        },
    closeDate: iso(closeDate),
    stage,
    companyId: company.record.id,
    pointOfContactId: contacts.length > 0 && prng.chance(0.85) ? prng.pick(contacts) : null,
    ownerId: owner?.record.id ?? null,
  };
}

export function seedOpportunities(
  prng: Prng,
  reference: number,
  count: number,
  companies: readonly SeededCompany[],
  peopleByCompany: ReadonlyMap<string, readonly string[]>,
  pools: OwnerPools,
): OpportunityRecord[] {
  if (count === 0) return [];
  if (companies.length === 0) throw new RangeError('opportunities need companies');
  const pickCompany = weightedTable(companies.map((c) => [c, c.weight]));
  return Array.from({ length: count }, (_, i) => {
    const company = pickCompany(prng);
    const contacts = peopleByCompany.get(company.record.id) ?? [];
    return seedOpportunity(prng, reference, company, contacts, pools, i);
  });
}

/** A company's ARR: the sum of its won deals (all closed in the last twelve months). */
export function fillRecurringRevenue(
  companies: readonly SeededCompany[],
  opportunities: readonly OpportunityRecord[],
): void {
  const won = new Map<string, number>();
  for (const deal of opportunities) {
    if (deal.stage !== 'CUSTOMER' || deal.companyId === null || deal.amount.amountMicros === null) {
      continue;
    }
    won.set(deal.companyId, (won.get(deal.companyId) ?? 0) + deal.amount.amountMicros);
  }
  for (const company of companies) {
    const micros = won.get(company.record.id);
    if (micros === undefined) continue;
    company.record.annualRecurringRevenue = {
      amountMicros: micros,
      currencyCode: company.country.currency,
    };
  }
}
