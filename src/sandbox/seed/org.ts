/**
 * The seeded organisation: a team tree and a four-level manager tree (a chief revenue officer,
 * three heads, nine team leads, their reps), so that every record scope (own, reports, team,
 * teamTree, all) selects a different, non-trivial set of records. Tiers never rise down the
 * tree: a member's tier is at most its manager's.
 */
import { memberActor } from './fields.js';
import { asciiSlug, FIRST_NAMES, LAST_NAMES, type Culture } from './names.js';
import { HEADS, LEADER_COUNT, LED_TEAMS, TEAM_TREE, TENURE } from './org-chart.js';
import type { Prng } from './prng.js';
import type { SeedMember, SeedRoleId, SeedTeam, SeedTierId } from './records.js';
import { createdAndUpdated, DAY_MS, iso } from './time.js';

/** The seeded company's own e-mail domain (its workspace members' logins). */
export const ORG_EMAIL_DOMAIN = 'acme.test';

export function seedTeams(): SeedTeam[] {
  return TEAM_TREE.map(({ id, label, parentId }) => ({
    id,
    label,
    parentId,
    children: TEAM_TREE.filter((t) => t.parentId === id).map((t) => t.id),
  }));
}

/** The index of the head whose teams hold this team or one of the teams above it. */
function headOf(teamId: string): number {
  let id: string | null = teamId;
  while (id !== null) {
    const current: string = id;
    const at = HEADS.findIndex((head) => head.teams.some((team) => team === current));
    if (at >= 0) return at;
    id = TEAM_TREE.find((t) => t.id === current)?.parentId ?? null;
  }
  throw new RangeError(`no head above team ${teamId}`);
}

/** Splits `reps` over the led teams by their shares (largest remainder, so it sums exactly). */
function repsPerTeam(reps: number): number[] {
  const total = LED_TEAMS.reduce((sum, t) => sum + t.share, 0);
  const exact = LED_TEAMS.map((t) => (reps * t.share) / total);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  const remainder = reps - counts.reduce((sum, c) => sum + c, 0);
  for (let k = 0; k < remainder; k++) {
    const index = order[k]?.[1] ?? 0;
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}

interface MemberSpec {
  readonly roleId: SeedRoleId;
  readonly tier: SeedTierId;
  readonly teams: string[];
  readonly managerId: string | null;
  readonly jobTitle: string;
  readonly timeZone: string;
  readonly culture: Culture;
  /** How long before the reference the member joined, in days: [min, max]. */
  readonly tenureDays: readonly [number, number];
}

/** Builds the members one by one, keeping names (and so e-mails) unique. */
class MemberFactory {
  readonly members: SeedMember[] = [];
  readonly #usedEmails = new Set<string>();

  constructor(
    private readonly prng: Prng,
    private readonly reference: number,
  ) {}

  add(spec: MemberSpec): string {
    const { firstName, lastName, email } = this.#uniqueName(spec.culture);
    const [minDays, maxDays] = spec.tenureDays;
    const times = createdAndUpdated(
      this.prng,
      this.reference - maxDays * DAY_MS,
      this.reference - minDays * DAY_MS,
    );
    const record = {
      id: this.prng.uuid(),
      createdAt: iso(times.createdAt),
      updatedAt: iso(times.updatedAt),
      deletedAt: null,
      position: this.members.length,
      name: { firstName, lastName },
      userEmail: email,
      userId: this.prng.uuid(),
      avatarUrl: '',
      locale: 'en',
      timeZone: spec.timeZone,
      jobTitle: spec.jobTitle,
    };
    // A member signs up by itself, so it is its own creator.
    const actor = memberActor(record);
    const { roleId, tier, teams, managerId } = spec;
    this.members.push({
      record: { ...record, createdBy: actor, updatedBy: actor },
      org: { roleId, tier, teams, managerId },
    });
    return record.id;
  }

  #uniqueName(culture: Culture): { firstName: string; lastName: string; email: string } {
    for (;;) {
      // Seven in ten take the team's culture; the rest mix, as real teams do.
      const c = this.prng.chance(0.7)
        ? culture
        : this.prng.pick(Object.keys(FIRST_NAMES) as Culture[]);
      const firstName = this.prng.pick(FIRST_NAMES[c]);
      const lastName = this.prng.pick(LAST_NAMES[this.prng.chance(0.85) ? c : 'anglo']);
      const email = `${asciiSlug(firstName)}.${asciiSlug(lastName)}@${ORG_EMAIL_DOMAIN}`;
      if (this.#usedEmails.has(email)) continue;
      this.#usedEmails.add(email);
      return { firstName, lastName, email };
    }
  }
}

/** The members, root first, then heads, leads and reps; `count` must leave room for reps. */
export function seedMembers(prng: Prng, reference: number, count: number): SeedMember[] {
  if (!Number.isInteger(count) || count < LEADER_COUNT + 1) {
    throw new RangeError(`members must be an integer of at least ${LEADER_COUNT + 1}`);
  }
  const factory = new MemberFactory(prng, reference);
  const rootId = factory.add({
    roleId: 'sales-manager',
    tier: 'director',
    teams: ['sales'],
    managerId: null,
    jobTitle: 'Chief Revenue Officer',
    timeZone: 'Europe/London',
    culture: 'anglo',
    tenureDays: TENURE.director,
  });
  const headIds = HEADS.map((head) =>
    factory.add({
      roleId: head.role,
      tier: 'senior',
      teams: [...head.teams],
      managerId: rootId,
      jobTitle: head.title,
      timeZone: head.timeZone,
      culture: 'anglo',
      tenureDays: TENURE.senior,
    }),
  );
  const leadIds = LED_TEAMS.map((team) =>
    factory.add({
      roleId: team.leadRole,
      tier: 'intermediate',
      teams: [team.id],
      managerId: headIds[headOf(team.id)] ?? rootId,
      jobTitle: team.leadTitle,
      timeZone: team.timeZone,
      culture: team.culture,
      tenureDays: TENURE.intermediate,
    }),
  );
  addReps(factory, prng, leadIds, count - LEADER_COUNT);
  return factory.members;
}

const SALES_REGIONS = LED_TEAMS.filter((t) => t.repRole === 'sales-rep').map((t) => t.id);

function addReps(factory: MemberFactory, prng: Prng, leadIds: string[], reps: number): void {
  const counts = repsPerTeam(reps);
  LED_TEAMS.forEach((team, i) => {
    for (let k = 0; k < (counts[i] ?? 0); k++) {
      const tier = prng.weighted(team.repTiers);
      // Analysts sit with a sales region too, so their team scope covers real deals.
      const embedded =
        team.repRole === 'analyst' ? [SALES_REGIONS[k % SALES_REGIONS.length] ?? 'sales'] : [];
      factory.add({
        roleId: team.repRole,
        tier,
        teams: [team.id, ...embedded],
        managerId: leadIds[i] ?? null,
        jobTitle: team.repTitles[tier],
        timeZone: team.timeZone,
        culture: team.culture,
        tenureDays: TENURE[tier],
      });
    }
  });
}
