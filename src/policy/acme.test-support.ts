/** The Acme example policy and a few records of each object, for tests of the engine's surface. */
import { readFileSync } from 'node:fs';
import { loadPolicy } from './load.js';

export const ACME = loadPolicy(
  readFileSync(new URL('../../examples/acme/tiergate.policy.yaml', import.meta.url), 'utf8'),
);
export const NOW = new Date('2026-06-30T12:00:00Z');

/** Records of every object, owned by a few members (and by none), in a few stages. */
export function sampleRecords(object: string): Record<string, unknown>[] {
  return ['m-nils', 'm-freja', 'm-erik', null].map((owner, i) => ({
    id: `${object}-${i}`,
    ownerId: owner,
    accountOwnerId: owner,
    assigneeId: owner,
    createdBy: { workspaceMemberId: owner },
    stage: i % 2 === 0 ? 'CUSTOMER' : 'NEW',
    amount: { amountMicros: (i + 1) * 60_000_000_000, currencyCode: 'EUR' },
    jobTitle: i === 1 ? 'CEO' : 'Buyer',
    phones: { primaryPhoneNumber: '5550101' },
  }));
}
