/**
 * The sandbox's seeded workspace: a deterministic organisation (members in a four-level manager
 * tree across a team tree) and its CRM data (companies, people, opportunities) owned across the
 * members, for the demo (`npm start`) and the integration tests. The same seed and reference
 * date give the same data, byte for byte, on every machine: each part draws from its own
 * seeded stream and every date is relative to the reference, never to the clock.
 */
import { fillRecurringRevenue, seedOpportunities } from './opportunities.js';
import { seedCompanies } from './companies.js';
import { CITIES, type SalesRegion } from './names.js';
import { seedMembers, seedTeams } from './org.js';
import { ownerPools } from './ownership.js';
import { seedPeople } from './people.js';
import { Prng } from './prng.js';
import type { SeedCounts, SeedData, SeedRoleId, SeedTierId } from './records.js';

export type * from './records.js';
export { OPPORTUNITY_STAGES, SEED_ROLES, SEED_TIERS } from './records.js';
export { ORG_EMAIL_DOMAIN } from './org.js';
export { AMOUNT_RANGE, CLOSE_WINDOW_DAYS } from './opportunities.js';

export const DEFAULT_SEED = 20260630;
/** The default reference date: the seeded workspace's "now". */
export const DEFAULT_REFERENCE = new Date('2026-06-30T12:00:00Z');
export const DEFAULT_COUNTS: Readonly<SeedCounts> = {
  members: 60,
  companies: 2000,
  people: 5000,
  opportunities: 3000,
};

export interface SeedOptions {
  readonly seed?: number;
  /** "Now" for the seeded data: close dates and timestamps are placed around it. */
  readonly reference?: Date;
  readonly counts?: Partial<SeedCounts>;
}

const SALES_REGIONS: readonly SalesRegion[] = [...new Set(CITIES.map((c) => c.region))];

function checkOptions(seed: number, reference: Date, counts: SeedCounts): void {
  if (!Number.isSafeInteger(seed)) throw new RangeError('seed must be a safe integer');
  if (Number.isNaN(reference.getTime())) throw new RangeError('reference must be a valid date');
  for (const [name, count] of Object.entries(counts)) {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`counts.${name} must be a non-negative integer`);
    }
  }
}

/** Builds the seeded workspace. Throws `RangeError` on a bad seed, reference or count. */
export function seedWorkspace(options: SeedOptions = {}): SeedData {
  const seed = options.seed ?? DEFAULT_SEED;
  const referenceDate = options.reference ?? DEFAULT_REFERENCE;
  const counts: SeedCounts = { ...DEFAULT_COUNTS, ...options.counts };
  checkOptions(seed, referenceDate, counts);
  const reference = referenceDate.getTime();
  const root = new Prng(seed);

  const teams = seedTeams();
  const members = seedMembers(root.fork('members'), reference, counts.members);
  const pools = ownerPools(members, teams, SALES_REGIONS, root.fork('ownership'));
  const companies = seedCompanies(root.fork('companies'), reference, counts.companies, pools);
  const { people, byCompany } = seedPeople(
    root.fork('people'),
    reference,
    counts.people,
    companies,
    pools,
  );
  const opportunities = seedOpportunities(
    root.fork('opportunities'),
    reference,
    counts.opportunities,
    companies,
    byCompany,
    pools,
  );
  fillRecurringRevenue(companies, opportunities);
  return { members, teams, companies: companies.map((c) => c.record), people, opportunities };
}

/** The `org` section of a Tiergate policy (POLICY.md §1), member ids being workspace member ids. */
export interface PolicyOrg {
  source: 'config';
  teams: { id: string; label: string; children: string[] }[];
  members: {
    id: string;
    email: string;
    name: string;
    role: SeedRoleId;
    tier: SeedTierId;
    teams: string[];
    manager?: string;
  }[];
}

/**
 * The seeded organisation as a policy's `org`, so a policy can be generated for the seeded
 * workspace. Member ids are the workspace member ids, since the owner fields hold those.
 */
export function seedPolicyOrg(data: SeedData): PolicyOrg {
  return {
    source: 'config',
    teams: data.teams.map(({ id, label, children }) => ({ id, label, children: [...children] })),
    members: data.members.map(({ record, org }) => ({
      id: record.id,
      email: record.userEmail,
      name: `${record.name.firstName} ${record.name.lastName}`,
      role: org.roleId,
      tier: org.tier,
      teams: [...org.teams],
      ...(org.managerId === null ? {} : { manager: org.managerId }),
    })),
  };
}
