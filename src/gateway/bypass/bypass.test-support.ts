/**
 * Helpers of the bypass suite: which records a member may reach (from the policy engine over
 * the sandbox's records, never hard-coded), and the search of a raw response for values that
 * must not appear in it.
 */
import { beforeEach, expect } from 'vitest';
import type { Action } from '../../policy/schema.js';
import type { Answer, GatewayFixture } from '../testing/gateway.test-support.js';

export type Row = Record<string, unknown>;

/** The records of `object` the member may (or may not) act on, as the engine decides. */
export function split(
  fx: GatewayFixture,
  member: string,
  object: string,
  action: Action = 'read',
): { inside: Row[]; outside: Row[] } {
  const inside: Row[] = [];
  const outside: Row[] = [];
  const judge = fx.engine.for(member);
  for (const record of fx.records(object))
    (judge.can(action, object, record) ? inside : outside).push(record);
  return { inside, outside };
}

export function idOf(record: Row): string {
  return record.id as string;
}

/**
 * Company names outside the scope that are not part of any name inside it (so finding one in
 * a response can only mean the out-of-scope record leaked).
 */
export function distinctNames(outside: readonly Row[], inside: readonly Row[]): string[] {
  const insideNames = inside.map((r) => String(r.name));
  return outside
    .map((r) => String(r.name))
    .filter((name) => name.length > 3 && !insideNames.some((other) => other.includes(name)));
}

/** The unmasked primary phone numbers of these people (long enough to be unmistakable). */
export function phoneNumbers(people: readonly Row[]): string[] {
  return people
    .map((p) => (p.phones as { primaryPhoneNumber?: string } | null)?.primaryPhoneNumber ?? '')
    .filter((n) => n.length >= 7);
}

/** The annual recurring revenue amounts (micros) of these companies, as JSON writes them. */
export function arrAmounts(companies: readonly Row[]): string[] {
  return companies
    .map((c) => (c.annualRecurringRevenue as { amountMicros?: unknown } | null)?.amountMicros)
    .filter((a): a is number | string => typeof a === 'number' || typeof a === 'string')
    .map(String)
    .filter((a) => a.length >= 7);
}

/** The values of `restricted` found in the text: the test expects none. */
export function leaked(text: string, restricted: readonly string[]): string[] {
  return restricted.filter((value) => text.includes(value));
}

/** The answer leaks none of the values (and the list is not empty, so the check means something). */
export function expectNoLeak(answer: Answer, restricted: readonly string[]): void {
  expect(restricted.length).toBeGreaterThan(0);
  expect(leaked(answer.text, restricted)).toEqual([]);
}

/** The positive control: the host asked directly does answer with the values. */
export function expectHostShows(answer: Answer, restricted: readonly string[]): void {
  expect(answer.body.errors).toBeUndefined();
  expect(leaked(answer.text, restricted).length).toBeGreaterThan(0);
}

/** A refusal by the gateway's policy, with no data. */
export function expectPermissionDenied(answer: Answer, words = 'Permission denied'): void {
  expect(answer.body.data ?? null).toBeNull();
  expect(answer.body.errors?.[0]?.message ?? '').toContain(words);
}

/** The edges' nodes of a connection in a response's data. */
export function nodes(data: unknown, key: string): Row[] {
  const connection = (data as Record<string, { edges?: { node: Row | null }[] } | null> | null)?.[
    key
  ];
  return (connection?.edges ?? []).map((e) => e.node).filter((n): n is Row => n !== null);
}

/** A member of this role and tier (the first in the org's order), with their own token. */
export function who(fx: GatewayFixture, role: string, tier: string): { id: string; token: string } {
  const member = fx.member(role, tier);
  return { id: member.id, token: fx.tokenOf(member.id) };
}

/** The first junior sales rep who may update some company (so owns some), by the engine. */
export function owningJunior(fx: GatewayFixture): { id: string; token: string } {
  const member = fx.policy.org.members.find(
    (m) =>
      m.role === 'sales-rep' &&
      m.tier === 'junior' &&
      split(fx, m.id, 'company', 'update').inside.length > 0,
  );
  if (!member) throw new Error('no junior sales rep owning companies');
  return { id: member.id, token: fx.tokenOf(member.id) };
}

/** The host answers `query` directly with data; the gateway refuses it for the policy. */
export async function expectRefusedWhereHostAnswers(
  fx: GatewayFixture,
  token: string,
  query: string,
): Promise<void> {
  const direct = await fx.graphql(token, { query }, true);
  expect(direct.body.errors).toBeUndefined();
  expect(direct.body.data).toBeTruthy();
  expectPermissionDenied(await fx.graphql(token, { query }));
}

/** The gateway's clock in export-limit tests: `read` is what the gateway is given as `now`. */
export interface ExportClock {
  now: number;
  readonly read: () => number;
  /** Two hours on: the export window starts afresh. */
  nextWindow(): void;
}

/** A clock that moves to a fresh export window before each test of the file. */
export function exportClockPerTest(): ExportClock {
  const clock: ExportClock = {
    now: Date.now(),
    read: () => clock.now,
    nextWindow: () => {
      clock.now += 2 * 3_600_000;
    },
  };
  beforeEach(() => clock.nextWindow());
  return clock;
}
