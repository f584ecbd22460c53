/**
 * Who owns what. Records are owned mostly inside the owner's sales region, so that the team
 * and reports scopes select meaningful slices, and ownership is skewed the way CRMs are: the
 * top reps own several times what an intern does, and leaders own a few key accounts.
 */
import type { SalesRegion } from './names.js';
import { weightedTable, type Prng } from './prng.js';
import type { SeedMember, SeedTeam, SeedTierId } from './records.js';

const REP_TIER_WEIGHT: Partial<Record<SeedTierId, number>> = {
  intern: 0.35,
  junior: 1,
  intermediate: 1.8,
};
/** A lead keeps some accounts; a head keeps a few strategic ones; the root almost none. */
const LEADER_WEIGHT = { lead: 0.7, head: 0.12, root: 0.04 } as const;

export interface OwnerPools {
  readonly regions: readonly SalesRegion[];
  /** A region for a new company, weighted by the region's sales headcount. */
  region(prng: Prng): SalesRegion;
  /** An owner within the region, skewed towards its top sellers. */
  owner(region: SalesRegion, prng: Prng): SeedMember;
  /** The members of customer support, who enter a few contacts of their own. */
  readonly support: readonly SeedMember[];
}

/** Every team below each team, itself included. */
function subtrees(teams: readonly SeedTeam[]): Map<string, Set<string>> {
  const byId = new Map(teams.map((t) => [t.id, t]));
  const below = (id: string): Set<string> => {
    const out = new Set([id]);
    for (const child of byId.get(id)?.children ?? []) for (const t of below(child)) out.add(t);
    return out;
  };
  return new Map(teams.map((t) => [t.id, below(t.id)]));
}

/** A seller's weight in a region: reps by tier and by rank in their team, leaders fixed. */
function sellerWeight(member: SeedMember, region: SalesRegion, rank: number): number {
  const { roleId, tier, teams, managerId } = member.org;
  if (roleId === 'sales-rep') return (REP_TIER_WEIGHT[tier] ?? 1) / (1 + 0.45 * rank);
  if (managerId === null) return LEADER_WEIGHT.root;
  return teams.includes(region) ? LEADER_WEIGHT.lead : LEADER_WEIGHT.head;
}

export function ownerPools(
  members: readonly SeedMember[],
  teams: readonly SeedTeam[],
  regions: readonly SalesRegion[],
  prng: Prng,
): OwnerPools {
  const tree = subtrees(teams);
  const sellers = members.filter(
    (m) => m.org.roleId === 'sales-rep' || m.org.roleId === 'sales-manager',
  );
  const samplers = new Map<SalesRegion, (p: Prng) => SeedMember>();
  const headcount: [SalesRegion, number][] = [];
  for (const region of regions) {
    const inRegion = sellers.filter((m) => m.org.teams.some((t) => tree.get(t)?.has(region)));
    // The rank is a random order of the region's reps: who the top sellers are is seeded too.
    const reps = prng.shuffle(inRegion.filter((m) => m.org.roleId === 'sales-rep'));
    const entries = inRegion.map((m) => [m, sellerWeight(m, region, reps.indexOf(m))] as const);
    samplers.set(region, weightedTable(entries));
    headcount.push([region, inRegion.filter((m) => m.org.teams.includes(region)).length]);
  }
  const regionTable = weightedTable(headcount);
  return {
    regions,
    region: regionTable,
    owner: (region, p) => {
      const sample = samplers.get(region);
      if (!sample) throw new RangeError(`no sellers in region ${region}`);
      return sample(p);
    },
    support: members.filter((m) => m.org.roleId === 'support'),
  };
}
