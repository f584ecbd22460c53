/**
 * The deterministic workload: 200 members in a 3-level manager tree with 20 teams, 10,000
 * records per object (each with an owner, a team, a status and a lock), and the request mixes
 * the figures are measured on. Scope closures are computed here, independently of Tiergate's
 * org module, for the other engines.
 */
import { OBJECTS, TEAM_FIELD, type ObjectName, type ObjectSpec } from './model.js';
import { mulberry32, type Random } from './prng.js';
import { buildRecords } from './records.js';
import { BENCH_ACTIONS, type BenchAction, type Tier } from './rules.js';

export { RECORDS_PER_OBJECT } from './records.js';

export type Row = Readonly<Record<string, unknown>>;

export interface MemberSpec {
  readonly id: string;
  readonly tier: Tier;
  readonly manager: string | undefined;
  readonly teams: readonly string[];
}

export interface TeamSpec {
  readonly id: string;
  readonly children: readonly string[];
}

export interface Closure {
  /** The member and everyone below it in the manager tree. */
  readonly reports: ReadonlySet<string>;
  /** The member and the members of its own teams. */
  readonly team: ReadonlySet<string>;
}

export interface Request {
  /** The member's index in `Workload.members` (engines keep their judges in that order). */
  readonly m: number;
  readonly member: string;
  readonly action: BenchAction;
  readonly object: ObjectName;
  readonly record: Row;
}

export interface Triple extends Request {
  readonly field: string;
}

export interface Workload {
  readonly members: readonly MemberSpec[];
  readonly teams: readonly TeamSpec[];
  readonly closures: ReadonlyMap<string, Closure>;
  readonly records: ReadonlyMap<ObjectName, readonly Row[]>;
  /** A junior (own records and its team's) and a director (all). */
  readonly selective: MemberSpec;
  readonly everything: MemberSpec;
  requests(seed: number, count: number): Request[];
  triples(seed: number, count: number): Triple[];
  /** For every member and action, one of its own records and a protected field (by turns). */
  targeted(seed: number): Triple[];
}

const REGIONS = ['emea', 'amer', 'apac', 'latam'] as const;

function buildTeams(): TeamSpec[] {
  const subTeams = (region: string): string[] => [1, 2, 3, 4].map((k) => `${region}-${k}`);
  return [
    ...REGIONS.map((r) => ({ id: r, children: subTeams(r) })),
    ...REGIONS.flatMap((r) => subTeams(r).map((id) => ({ id, children: [] }))),
  ];
}

const memberId = (i: number): string => `m-${String(i).padStart(3, '0')}`;

function buildMembers(rand: Random): MemberSpec[] {
  const members: MemberSpec[] = REGIONS.map((region, i) => ({
    id: memberId(i),
    tier: 'director',
    manager: undefined,
    teams: [region],
  }));
  for (let i = 4; i < 40; i++) {
    const region = REGIONS[i % 4] as string;
    members.push({
      id: memberId(i),
      tier: rand.chance(0.75) ? 'senior' : 'intermediate',
      manager: memberId(i % 4),
      teams: [`${region}-${1 + rand.int(4)}`],
    });
  }
  const icTiers: readonly Tier[] = ['intern', 'junior', 'junior', 'intermediate', 'junior'];
  for (let i = 40; i < 200; i++) {
    const manager = members[4 + rand.int(36)] as MemberSpec;
    const teams = [...manager.teams];
    const extra = `${REGIONS[rand.int(4)] ?? 'emea'}-${1 + rand.int(4)}`;
    if (rand.chance(0.15) && !teams.includes(extra)) teams.push(extra);
    members.push({ id: memberId(i), tier: rand.pick(icTiers), manager: manager.id, teams });
  }
  return members;
}

function buildClosures(members: readonly MemberSpec[]): Map<string, Closure> {
  const below = new Map<string, string[]>();
  const inTeam = new Map<string, string[]>();
  for (const m of members) {
    if (m.manager !== undefined) below.set(m.manager, [...(below.get(m.manager) ?? []), m.id]);
    for (const t of m.teams) inTeam.set(t, [...(inTeam.get(t) ?? []), m.id]);
  }
  const closures = new Map<string, Closure>();
  for (const m of members) {
    const reports = new Set([m.id]);
    for (const id of reports) for (const r of below.get(id) ?? []) reports.add(r);
    const team = new Set([m.id]);
    for (const t of m.teams) for (const id of inTeam.get(t) ?? []) team.add(id);
    closures.set(m.id, { reports, team });
  }
  return closures;
}

/** Records by `object/owner:<id>` and `object/team:<id>`, to pick records near a member. */
function indexNear(records: ReadonlyMap<ObjectName, readonly Row[]>): Map<string, Row[]> {
  const index = new Map<string, Row[]>();
  const add = (key: string, row: Row): void => {
    const list = index.get(key);
    if (list) list.push(row);
    else index.set(key, [row]);
  };
  for (const spec of OBJECTS) {
    for (const row of records.get(spec.name) ?? []) {
      const owner = row[spec.owner];
      const team = row[TEAM_FIELD];
      if (typeof owner === 'string') add(`${spec.name}/owner:${owner}`, row);
      if (typeof team === 'string') add(`${spec.name}/team:${team}`, row);
    }
  }
  return index;
}

/** The action mix of the requests: reads most, then updates and deletes. */
const ACTION_MIX: readonly BenchAction[] = [
  ...Array<BenchAction>(8).fill('read'),
  ...Array<BenchAction>(5).fill('update'),
  ...Array<BenchAction>(4).fill('delete'),
  'create',
  'create',
  'export',
  'export',
];

export function buildWorkload(seed = 20_260_630): Workload {
  const rand = mulberry32(seed);
  const teams = buildTeams();
  const members = buildMembers(rand);
  const closures = buildClosures(members);
  const records = buildRecords(rand, members, teams);
  const near = indexNear(records);
  const nearKeys = members.map((member) => {
    const closure = closures.get(member.id);
    const owners = closure ? [...closure.reports, ...closure.team] : [member.id];
    return [...owners.map((o) => `owner:${o}`), ...member.teams.map((t) => `team:${t}`)];
  });
  const request = (r: Random): Request => {
    const m = r.int(members.length);
    const member = members[m] as MemberSpec;
    const action = r.pick(ACTION_MIX);
    const object = r.pick(OBJECTS).name;
    // Half the requests ask for a record near the member (own, team, reports, the member's
    // teams), so that allowed and denied decisions are both well represented.
    if (r.chance(0.5)) {
      const rows = near.get(`${object}/${r.pick(nearKeys[m] ?? [])}`);
      if (rows) return { m, member: member.id, action, object, record: r.pick(rows) };
    }
    const record = r.pick(records.get(object) ?? []);
    return { m, member: member.id, action, object, record };
  };
  const protectedFields = (spec: ObjectSpec): string[] =>
    [...spec.kinds].filter(([, k]) => k !== 'plain').map(([f]) => f);
  const targeted = (seed: number): Triple[] => {
    const r = mulberry32(seed);
    return members.flatMap((member, m) =>
      BENCH_ACTIONS.flatMap((action, a): Triple[] => {
        const spec = OBJECTS[(m + a) % OBJECTS.length] as ObjectSpec;
        const own = near.get(`${spec.name}/owner:${member.id}`);
        if (!own) return [];
        const fields = protectedFields(spec);
        const field = fields[(m + a) % fields.length] ?? 'id';
        return [{ m, member: member.id, action, object: spec.name, record: r.pick(own), field }];
      }),
    );
  };
  const pickMember = (tier: Tier): MemberSpec => {
    const found = members.find((m) => m.tier === tier);
    if (!found) throw new Error(`no ${tier} in the workload`);
    return found;
  };
  return {
    members,
    teams,
    closures,
    records,
    selective: pickMember('junior'),
    everything: pickMember('director'),
    requests: (s, count) => {
      const r = mulberry32(s);
      return Array.from({ length: count }, () => request(r));
    },
    triples: (s, count) => {
      const r = mulberry32(s);
      return Array.from({ length: count }, () => {
        const base = request(r);
        const spec = OBJECTS.find((o) => o.name === base.object) as ObjectSpec;
        // One time in three a protected field, so that masks and the value cap are well covered.
        const field = r.pick(r.chance(1 / 3) ? protectedFields(spec) : spec.fields);
        return { ...base, field };
      });
    },
    targeted,
  };
}
