/**
 * The records of the workload: 10,000 per object, each with an owner (2% none), a team (mostly
 * the owner's), a status, a lock, a value and filler, generated from a seeded PRNG and passed
 * through JSON as the host delivers them.
 */
import { LOCKED_FIELD, OBJECTS, TEAM_FIELD, type ObjectName, type ObjectSpec } from './model.js';
import type { Random } from './prng.js';
import { STATUSES } from './rules.js';
import type { MemberSpec, Row, TeamSpec } from './workload.js';

export const RECORDS_PER_OBJECT = 10_000;

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

/** Mostly the owner's team, sometimes any team, rarely none. */
function recordTeam(
  rand: Random,
  owner: MemberSpec | undefined,
  teams: readonly TeamSpec[],
): unknown {
  const roll = rand.next();
  if (owner && roll < 0.7) return owner.teams[0] ?? null;
  return roll < 0.97 ? rand.pick(teams).id : null;
}

function buildRecord(
  rand: Random,
  spec: ObjectSpec,
  i: number,
  members: readonly MemberSpec[],
  teams: readonly TeamSpec[],
): Row {
  const name = `${rand.pick(WORDS)} ${rand.pick(WORDS)}`;
  const owner = rand.chance(0.02) ? undefined : rand.pick(members);
  const special: Record<string, unknown> = {
    id: `${spec.name}-${String(i).padStart(5, '0')}`,
    [spec.owner]: owner?.id ?? null,
    [TEAM_FIELD]: recordTeam(rand, owner, teams),
    [LOCKED_FIELD]: rand.chance(0.1),
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

export function buildRecords(
  rand: Random,
  members: readonly MemberSpec[],
  teams: readonly TeamSpec[],
): Map<ObjectName, Row[]> {
  const records = new Map<ObjectName, Row[]>();
  for (const spec of OBJECTS) {
    const rows: Row[] = [];
    for (let i = 0; i < RECORDS_PER_OBJECT; i++)
      rows.push(buildRecord(rand, spec, i, members, teams));
    // As the host delivers them: parsed from JSON, so every row has the same fast shape.
    records.set(spec.name, JSON.parse(JSON.stringify(rows)) as Row[]);
  }
  return records;
}
