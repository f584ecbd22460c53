/**
 * The cases the agreement triples must exercise, so that a zero mismatch count means
 * something: every action allowed and denied, both branches of the scope unions, both
 * restrictions, the value cap, the per-action field overrides, records without an owner or a
 * team, and every field state.
 */
import type { Case } from './agreement.js';
import { LOCKED_FIELD, TEAM_FIELD, objectSpecOf } from './model.js';
import { BENCH_ACTIONS, CLOSED, VALUE_CAP, capApplies, tierIndex, type Tier } from './rules.js';
import type { Triple, Workload } from './workload.js';

export function agreementCases(workload: Workload): Case[] {
  const byId = new Map(workload.members.map((m) => [m.id, m]));
  const tierOf = (t: Triple): Tier => byId.get(t.member)?.tier ?? 'intern';
  const teamsOf = (t: Triple): readonly string[] => byId.get(t.member)?.teams ?? [];
  const below = (t: Triple, tier: Tier) => tierIndex(tierOf(t)) < tierIndex(tier);
  const writes = (t: Triple) => t.action === 'update' || t.action === 'delete';
  const perAction = BENCH_ACTIONS.flatMap((action): Case[] => [
    { label: `${action} allowed`, test: (t, b) => b.can(action, t.object, t.record) },
    { label: `${action} denied`, test: (t, b) => !b.can(action, t.object, t.record) },
  ]);
  const states = (['hidden', 'masked', 'read', 'edit'] as const).map((state): Case => ({
    label: `allowed, triple field ${state}`,
    test: (t, b) =>
      b.can(t.action, t.object, t.record) &&
      b.fieldState(t.action, t.object, t.record, t.field) === state,
  }));
  return [
    ...perAction,
    {
      label: 'read only through the record team',
      test: (t, b) => {
        const owner = t.record[objectSpecOf(t.object).owner];
        const team = t.record[TEAM_FIELD];
        return (
          b.can('read', t.object, t.record) &&
          owner !== t.member &&
          typeof team === 'string' &&
          teamsOf(t).includes(team)
        );
      },
    },
    {
      label: 'own CLOSED record, update/delete below senior',
      test: (t) =>
        writes(t) &&
        below(t, 'senior') &&
        t.record[objectSpecOf(t.object).owner] === t.member &&
        t.record[objectSpecOf(t.object).status] === CLOSED,
    },
    {
      label: 'locked record, update/delete below director',
      test: (t) => writes(t) && below(t, 'director') && t.record[LOCKED_FIELD] === true,
    },
    {
      label: 'value field capped',
      test: (t, b) => {
        const spec = objectSpecOf(t.object);
        const value = t.record[spec.value];
        return (
          b.can(t.action, t.object, t.record) &&
          t.field === spec.value &&
          capApplies(tierOf(t)) &&
          typeof value === 'number' &&
          value > VALUE_CAP
        );
      },
    },
    {
      label: 'update override: intermediate edits the value field',
      test: (t, b) =>
        t.action === 'update' &&
        tierOf(t) === 'intermediate' &&
        t.field === objectSpecOf(t.object).value &&
        b.fieldState('update', t.object, t.record, t.field) === 'edit',
    },
    {
      label: 'export override: notes hidden',
      test: (t, b) =>
        t.action === 'export' && b.can('export', t.object, t.record) && t.field === 'internalNotes',
    },
    { label: 'record without owner', test: (t) => t.record[objectSpecOf(t.object).owner] === null },
    { label: 'record without team', test: (t) => t.record[TEAM_FIELD] === null },
    ...states,
  ];
}
