/**
 * The deterministic workload: 200 members in a 3-level manager tree with 20 teams, 10,000
 * records per object, and the request mixes the figures are measured on. Scope closures are
 * computed here, independently of Tiergate's org module, for the other engines.
 */
import { OBJECTS, type ObjectName, type ObjectSpec } from './model.js';
import { mulberry32, type Random } from './prng.js';
import { STATUSES, type Tier } from './rules.js';

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
  readonly member: string;
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
  /** A junior (own scope, open records only) and a director (all). */
  readonly selective: MemberSpec;
  readonly everything: MemberSpec;
  requests(seed: number, count: number): Request[];
  triples(seed: number, count: number): Triple[];
}

export const RECORDS_PER_OBJECT = 10_000;
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

const WORDS = ['alpha', 'delta', 'nova', 'prime', 'vista', 'orbit', 'summit', 'harbor', 'atlas'];

function fillerValue(rand: Random, index: number): unknown {
  switch (index % 4) {
    case 0:
      return `${rand.pick(WORDS)} ${rand.pick(WORDS)}`;
    case 1:
      return rand.int(100_000);
    case 2:
      return rand.chance(0.5);
    default:
      return new Date(Date.UTC(2025, rand.int(12), 1 + rand.int(28))).toISOString();
  }
}

function buildRecord(rand: Random, spec: ObjectSpec, i: number, owners: readonly string[]): Row {
  const name = `${rand.pick(WORDS)} ${rand.pick(WORDS)}`;
  const special: Record<string, unknown> = {
    id: `${spec.name}-${String(i).padStart(5, '0')}`,
    [spec.owner]: rand.chance(0.02) ? null : rand.pick(owners),
    [spec.status]: rand.pick(STATUSES),
    [spec.value]: rand.int(2_000_000),
    name,
  };
  const row: Record<string, unknown> = { __typename: spec.typename };
  spec.fields.forEach((field, index) => {
    if (field in special) row[field] = special[field];
    else row[field] = specialValue(rand, spec, field, name) ?? fillerValue(rand, index);
  });
  return row;
}

function specialValue(rand: Random, spec: ObjectSpec, field: string, name: string): unknown {
  switch (spec.kinds.get(field)) {
    case 'phone':
      return `+1 555 ${String(1_000_000 + rand.int(9_000_000))}`;
    case 'email':
      return `${name.replace(' ', '.')}@${rand.pick(WORDS)}.test`;
    case 'notes':
      return `call back about ${rand.pick(WORDS)} before ${rand.pick(WORDS)}`;
    case 'account':
      return `DE89 3704 0044 0532 ${String(1000 + rand.int(9000))} 00`;
    case 'margin':
      return rand.int(60) / 100;
    default:
      return undefined;
  }
}

function buildRecords(rand: Random, owners: readonly string[]): Map<ObjectName, Row[]> {
  const records = new Map<ObjectName, Row[]>();
  for (const spec of OBJECTS) {
    const rows: Row[] = [];
    for (let i = 0; i < RECORDS_PER_OBJECT; i++) rows.push(buildRecord(rand, spec, i, owners));
    // As the host delivers them: parsed from JSON, so every row has the same fast shape.
    records.set(spec.name, JSON.parse(JSON.stringify(rows)) as Row[]);
  }
  return records;
}

function indexByOwner(records: ReadonlyMap<ObjectName, readonly Row[]>): Map<string, Row[]> {
  const index = new Map<string, Row[]>();
  for (const spec of OBJECTS) {
    for (const row of records.get(spec.name) ?? []) {
      const owner = row[spec.owner];
      if (typeof owner !== 'string') continue;
      const key = `${spec.name}/${owner}`;
      index.set(key, [...(index.get(key) ?? []), row]);
    }
  }
  return index;
}

export function buildWorkload(seed = 20_260_630): Workload {
  const rand = mulberry32(seed);
  const teams = buildTeams();
  const members = buildMembers(rand);
  const closures = buildClosures(members);
  const records = buildRecords(
    rand,
    members.map((m) => m.id),
  );
  const byOwner = indexByOwner(records);
  const request = (r: Random): Request => {
    const member = r.pick(members);
    const object = r.pick(OBJECTS).name;
    const closure = closures.get(member.id);
    // Half the requests ask for a record near the member (own, team, reports), so that
    // allowed and denied decisions are both well represented.
    if (closure && r.chance(0.5)) {
      const owner = r.pick([...closure.reports, ...closure.team]);
      const near = byOwner.get(`${object}/${owner}`);
      if (near) return { member: member.id, object, record: r.pick(near) };
    }
    return { member: member.id, object, record: r.pick(records.get(object) ?? []) };
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
        const protectedFields = [...spec.kinds].filter(([, k]) => k !== 'plain').map(([f]) => f);
        const field = r.pick(r.chance(1 / 3) ? protectedFields : spec.fields);
        return { ...base, field };
      });
    },
  };
}
