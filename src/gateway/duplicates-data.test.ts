/**
 * `*Duplicates(data: [...])` matches the values given against every record, so it is judged
 * as a filter: each field of `data`, and each sub-field of a composite, must be readable in
 * clear by the member on every record.
 */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { STANDARD_OBJECTS } from '../host/core-schema/standard-objects.js';
import { compilePolicy } from '../policy/engine.js';
import { Denial } from './core/denial.js';
import { prepareOperation } from './graphql/prepare.js';
import { DEMO_POLICY } from './testing/gateway.test-support.js';
import { GatewayModel } from './core/model.js';

const model = new GatewayModel(STANDARD_OBJECTS);
const engine = compilePolicy(DEMO_POLICY);

function callerOf(role: string, tier: string) {
  const member = DEMO_POLICY.org.members.find((m) => m.role === role && m.tier === tier);
  expect(member).toBeDefined();
  const id = member?.id ?? '';
  return { judge: engine.for(id), policy: DEMO_POLICY, member: id };
}

function prepare(
  role: string,
  tier: string,
  query: string,
  variables: Record<string, unknown> = {},
) {
  return () => prepareOperation(parse(query), undefined, variables, callerOf(role, tier), model);
}

const EDGES = '{ edges { node { id } } }';

describe('duplicates looked up by data', () => {
  it('refuses data naming a field hidden from the member', () => {
    expect(
      prepare(
        'sales-rep',
        'junior',
        `{ companyDuplicates(data: [{ annualRecurringRevenue: { amountMicros: 5000000000 } }]) ${EDGES} }`,
      ),
    ).toThrow(/finding duplicates by on company\.annualRecurringRevenue/);
  });

  it('refuses data naming a masked sub-field, written inline, in variables, or as one item', () => {
    const phone = { phones: { primaryPhoneNumber: '9957421650' } };
    const variants: [string, Record<string, unknown>][] = [
      [
        `{ personDuplicates(data: [{ phones: { primaryPhoneNumber: "9957421650" } }]) ${EDGES} }`,
        {},
      ],
      [`query($d: [PersonCreateInput]) { personDuplicates(data: $d) ${EDGES} }`, { d: [phone] }],
      [`query($d: PersonCreateInput) { personDuplicates(data: [$d]) ${EDGES} }`, { d: phone }],
      [`{ personDuplicates(data: { phones: { primaryPhoneNumber: "9957421650" } }) ${EDGES} }`, {}],
      [
        `query($d: [PersonCreateInput]) { found: personDuplicates(data: $d) ${EDGES} }`,
        { d: [{ jobTitle: 'CEO' }, phone] },
      ],
    ];
    for (const [query, variables] of variants)
      expect(prepare('support', 'intern', query, variables), query).toThrow(Denial);
  });

  it('refuses a masked email for an intern, who may still match by name', () => {
    expect(
      prepare(
        'sales-rep',
        'intern',
        `{ personDuplicates(data: [{ emails: { primaryEmail: "yuki.patel@atlasenergy.com" } }]) ${EDGES} }`,
      ),
    ).toThrow(/emails/);
    expect(
      prepare(
        'sales-rep',
        'intern',
        `{ personDuplicates(data: [{ name: { firstName: "Yuki", lastName: "Patel" } }]) ${EDGES} }`,
      )().kind,
    ).toBe('query');
  });

  it('passes data the member reads in clear on every record', () => {
    expect(
      prepare('sales-rep', 'junior', `{ companyDuplicates(data: [{ name: "Acme" }]) ${EDGES} }`)()
        .kind,
    ).toBe('query');
    expect(
      prepare(
        'support',
        'junior',
        `{ personDuplicates(data: [{ phones: { primaryPhoneNumber: "9957421650" } }]) ${EDGES} }`,
      )().kind,
    ).toBe('query');
  });
});
