/** Warnings for conditions a member could flip by editing the field they read. */
import { describe, expect, it } from 'vitest';
import { formatPath } from './errors.js';
import { lintSelfEditable } from './lint-self-editable.js';
import { loadPolicy } from './load.js';

/** A policy of three tiers with one role whose opportunity rules are `rules` (YAML flow). */
function policy(rules: string): ReturnType<typeof loadPolicy> {
  return loadPolicy(`version: 1
tiers: [{ id: junior }, { id: senior }, { id: director }]
objects: { opportunity: { owner: [ownerId] } }
roles:
  rep:
    label: Rep
    duties: Sells.
    objects:
      opportunity: ${rules.replace(/\s+/g, ' ')}
`);
}

const warned = (rules: string): string[] =>
  lintSelfEditable(policy(rules)).map((w) => `${formatPath(w.path)}: ${w.message}`);

describe('lintSelfEditable', () => {
  it('warns when a scope where reads a field the role may edit through default', () => {
    const warnings = warned(`{
      read: { junior: all },
      update: { junior: { scope: own, where: { stage: { neq: WON } } } },
      fields: { default: { junior: edit } } }`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^roles\.rep\.objects\.opportunity\.update\.junior\.where: reads "stage", which role rep may edit at tiers junior, senior, director \(fields\.default\.junior\)/,
    );
    expect(warnings[0]).toMatch(
      /make "stage" read-only for those tiers, or base the condition on a field they cannot edit$/,
    );
  });

  it('warns when a when rule reads a field the role may edit by its own rule', () => {
    const warnings = warned(`{
      read: { junior: own },
      update: { junior: own },
      fields: {
        default: { junior: read },
        confidential: { junior: edit },
        amount: { junior: read, when: [{ if: { confidential: { eq: true } }, state: hidden }] } } }`);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^roles\.rep\.objects\.opportunity\.fields\.amount\.when\[0\]\.if: reads "confidential", which role rep may edit at tiers junior, senior, director \(fields\.confidential\.junior\)/,
      ),
    ]);
  });

  it('warns for a higher tier that inherits the condition and may edit the field', () => {
    const warnings = warned(`{
      read: { junior: own },
      update: { junior: { scope: own, where: { stage: { neq: WON } } } },
      fields: { default: { junior: read }, stage: { junior: read, director: edit } } }`);
    expect(warnings).toEqual([
      expect.stringContaining('which role rep may edit at tier director (fields.stage.director)'),
    ]);
  });

  it('reads sub-fields of composite fields, and the sub-field rule over its field', () => {
    const when = `when: [{ if: { amount: { amountMicros: { gt: 1000 } } }, below: director, state: hidden }]`;
    expect(
      warned(`{ read: { junior: own }, update: { junior: own },
        fields: { amount: { junior: edit, ${when} } } }`),
    ).toEqual([
      expect.stringContaining(
        'reads "amount.amountMicros", which role rep may edit at tiers junior, senior (fields.amount.junior)',
      ),
    ]);
    expect(
      warned(`{ read: { junior: own }, update: { junior: own },
        fields: { amount: { junior: edit, ${when} }, amount.amountMicros: { junior: read } } }`),
    ).toEqual([]);
  });

  it.each([
    [
      'the field is read-only',
      `{ read: { junior: all }, update: { junior: { scope: own, where: { stage: { neq: WON } } } },
         fields: { default: { junior: edit }, stage: { junior: read } } }`,
    ],
    [
      'the tiers that may edit it do not take the condition',
      `{ read: { junior: own }, update: { junior: { scope: own, where: { stage: { neq: WON } } }, senior: all },
         fields: { default: { junior: read }, stage: { junior: read, senior: edit } } }`,
    ],
    [
      'the when rule stops below the tier that may edit',
      `{ read: { junior: own }, update: { junior: own },
         fields: { default: { junior: read }, flag: { junior: read, senior: edit },
                   amount: { junior: read, when: [{ if: { flag: { eq: true } }, below: senior, state: hidden }] } } }`,
    ],
    [
      'the role may not update the object at all',
      `{ read: { junior: { scope: all, where: { stage: { neq: WON } } } }, fields: { default: { junior: edit } } }`,
    ],
  ])('says nothing when %s', (_why, rules) => {
    expect(warned(rules)).toEqual([]);
  });
});
