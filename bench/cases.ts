/**
 * The cases the agreement triples must exercise, so that a zero mismatch count means
 * something: both record conditions, records without an owner, and every field state.
 */
import type { Case } from './agreement.js';
import { objectSpecOf } from './model.js';
import { CLOSED, VALUE_CAP, capApplies, tierIndex } from './rules.js';
import type { Workload } from './workload.js';

export function agreementCases(workload: Workload): Case[] {
  const tiers = new Map(workload.members.map((m) => [m.id, m.tier]));
  const tierOf = (member: string) => tiers.get(member) ?? 'intern';
  const states = (['hidden', 'masked', 'read', 'edit'] as const).map((state): Case => ({
    label: `readable record, field ${state}`,
    test: (_t, read, s) => read && s === state,
  }));
  return [
    { label: 'record readable', test: (_t, read) => read },
    {
      label: 'own record denied by condition 1 (closed)',
      test: (t) => {
        const spec = objectSpecOf(t.object);
        return (
          tierIndex(tierOf(t.member)) <= tierIndex('junior') &&
          t.record[spec.owner] === t.member &&
          t.record[spec.status] === CLOSED
        );
      },
    },
    {
      label: 'value field hidden by condition 2 (cap)',
      test: (t, read) => {
        const spec = objectSpecOf(t.object);
        const value = t.record[spec.value];
        return (
          read &&
          t.field === spec.value &&
          capApplies(tierOf(t.member)) &&
          typeof value === 'number' &&
          value > VALUE_CAP
        );
      },
    },
    { label: 'record without owner', test: (t) => t.record[objectSpecOf(t.object).owner] === null },
    ...states,
  ];
}
