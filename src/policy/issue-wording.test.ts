/**
 * Validation errors in plain words. The enums and the places to break are found by walking the
 * policy schema itself, so a new enum or key is covered the day it is added.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PolicyError, formatPath, type PolicyIssue } from './errors.js';
import { validatePolicy } from './load.js';
import { parsePolicyTests } from './policy-tests.js';
import { policySchema } from './schema.js';
import { editDistance, nearest } from './suggest.js';

const FIXTURE = readFileSync(new URL('./fixtures/policy-md.yaml', import.meta.url), 'utf8');

/** Zod's own phrasings, none of which may reach the user. */
const RAW_ZOD =
  /Invalid (input|option|key|value|element|union|string|type)|expected \w+, received|Too (small|big)|Unrecognized key|received undefined|expected one of "/;

type Path = (string | number)[];
interface Spot {
  readonly path: Path;
  readonly schema: z.core.$ZodType;
}

/** Every place in the schema a value can sit, with the schema that judges it there. */
function spots(schema: z.core.$ZodType, path: Path = [], out: Spot[] = []): Spot[] {
  out.push({ path, schema });
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault)
    spots(schema.def.innerType, path, out);
  else if (schema instanceof z.ZodObject)
    for (const [key, value] of Object.entries<z.core.$ZodType>(schema.shape))
      spots(value, [...path, key], out);
  else if (schema instanceof z.ZodRecord) spots(schema.def.valueType, [...path, 'k'], out);
  else if (schema instanceof z.ZodArray) spots(schema.def.element, [...path, 0], out);
  else if (schema instanceof z.ZodUnion)
    for (const option of schema.options as z.core.$ZodType[]) spots(option, path, out);
  return out;
}

/** The fixture with `value` put at `path`, creating what is missing on the way. */
function withValue(path: Path, value: unknown): Record<string, unknown> {
  const document = parse(FIXTURE) as Record<string, unknown>;
  let node: Record<string | number, unknown> = document;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (typeof next !== 'object' || next === null)
      node[key] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
  return document;
}

function issuesOf(document: unknown): PolicyIssue[] {
  try {
    validatePolicy(document);
  } catch (error) {
    if (error instanceof PolicyError) return [...error.issues];
    throw error;
  }
  return [];
}

/** A near miss of a valid word: its last letter doubled (`own` → `ownn`). */
const typo = (word: string): string => `${word}${word.at(-1) ?? ''}`;

const enumSpots = spots(policySchema).filter((spot) => spot.schema instanceof z.ZodEnum);
const enumCases = enumSpots.flatMap(({ path, schema }) =>
  (schema as z.ZodEnum).options.map((value) => [formatPath(path), path, String(value)] as const),
);

describe('policy validation wording', () => {
  it('finds the enums of the schema (scopes, masks, field states, actions…)', () => {
    const found = new Set(enumSpots.map((s) => (s.schema as z.ZodEnum).options.join(',')));
    expect(found).toContain('none,own,reports,team,teamTree,all');
    expect(found).toContain('last4,email-domain,initials,redact');
    expect(found).toContain('hidden,read,edit');
    expect(found).toContain('read,create,update,delete,destroy,export');
    expect(enumSpots.length).toBeGreaterThanOrEqual(12);
  });

  it.each(enumCases)('%s: a near miss of "%s" echoes it and suggests it', (where, path, value) => {
    const wrong = typo(value);
    const issue = issuesOf(withValue(path, wrong)).find((i) => i.path === where);
    expect(issue?.message).toContain(`"${wrong}" is not`);
    expect(issue?.message).toContain(`did you mean "${value}"?`);
    expect(issue?.message).toMatch(/\(one of [^)]+\)/);
    expect(issue?.message).not.toMatch(RAW_ZOD);
  });

  it('words scopes and masks as POLICY.md readers know them', () => {
    const scope = withValue(['roles', 'sales-rep', 'objects', 'company', 'read', 'junior'], 'mine');
    expect(issuesOf(scope)).toContainEqual(
      expect.objectContaining({
        path: 'roles.sales-rep.objects.company.read.junior',
        message:
          '"mine" is not a scope; did you mean "own"? (one of none, own, reports, team, teamTree, all, { scope, where })',
      }),
    );
    const mask = withValue(
      ['roles', 'sales-rep', 'objects', 'person', 'fields', 'phones', 'junior'],
      { mask: 'rot13' },
    );
    expect(issuesOf(mask)).toContainEqual(
      expect.objectContaining({
        path: 'roles.sales-rep.objects.person.fields.phones.junior.mask',
        message: '"rot13" is not a mask (one of last4, email-domain, initials, redact)',
      }),
    );
  });

  it.each([
    [['roles', 'sales-rep', 'label'], undefined, '"label" is required'],
    [['org', 'members', 0, 'teams'], 3, 'expected a list, got a number (3)'],
    [['tierz'], [], 'unknown key "tierz"; did you mean "tiers"?'],
    [
      ['roles', 'sales-rep', 'colour'],
      'red',
      'unknown key "colour" (known keys: label, duties, defaultTier, objects)',
    ],
    [
      ['roles', 'sales-rep', 'objects', 'company', 'read', 'junior'],
      3,
      'expected a scope (none, own, reports, team, teamTree, all) or { scope, where } or a list of scopes, got a number (3)',
    ],
    [['monitoring', 0, 'count'], -1, 'must be more than 0, got a number (-1)'],
    [['restrictions', 0, 'actions'], [], 'needs at least 1 item, got a list of 0'],
    [['roles', 'sales-rep', 'duties'], 7, 'expected text, got a number (7)'],
    [['reviews', 0, 'every'], 'monthly', '"monthly" is not an ISO 8601 duration such as P90D'],
  ] as const)('words %j = %j as: %s', (path, value, message) => {
    const issues = issuesOf(withValue([...path], value));
    expect(issues).toContainEqual(expect.objectContaining({ path: formatPath(path), message }));
  });

  it('never lets zod phrasing through, whatever wrong value sits wherever', () => {
    const wrongValues = [undefined, null, -1.5, true, 'zz', [3], { zz: 1 }];
    let checked = 0;
    for (const { path } of spots(policySchema)) {
      if (path.length === 0) continue;
      for (const value of wrongValues) {
        for (const issue of issuesOf(withValue(path, value))) {
          expect(issue.message, `${issue.path} for ${JSON.stringify(value)}`).not.toMatch(RAW_ZOD);
          expect(issue.message.trim()).not.toBe('');
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  }, 120_000);

  it('suggests the operator a condition most likely meant', () => {
    const grant = { scope: 'own', where: { stage: { eqq: 'WON' } } };
    const path = ['roles', 'sales-rep', 'objects', 'opportunity', 'update', 'junior'];
    const issue = issuesOf(withValue(path, grant)).find((i) => i.path.endsWith('.stage.eqq'));
    expect(issue?.message).toMatch(/^"eqq" is neither an operator \(did you mean "eq"\?\)/);
  });

  it('words policy test files the same way', () => {
    const text = `policy: p.yaml\ncases:\n  - { name: c, member: m, object: o, action: raed, expect: alow }\n`;
    const messages = (() => {
      try {
        parsePolicyTests(text);
      } catch (error) {
        if (error instanceof PolicyError) return error.issues.map((i) => `${i.path}: ${i.message}`);
      }
      return [];
    })();
    expect(messages).toContain(
      'cases[0].action: "raed" is not an action; did you mean "read"? (one of read, create, update, delete, destroy, export)',
    );
    expect(messages).toContain(
      'cases[0].expect: "alow" is not a decision; did you mean "allow"? (one of allow, deny)',
    );
  });
});

describe('nearest', () => {
  it('measures edits as Levenshtein does, a swap of neighbours counting as one', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('raed', 'read')).toBe(1);
    expect(editDistance('ca', 'abc')).toBe(3);
    expect(editDistance('', 'own')).toBe(3);
    expect(editDistance('own', 'own')).toBe(0);
  });

  it('suggests a close word or a known synonym, and nothing far-fetched', () => {
    expect(nearest('teamtree', ['team', 'teamTree'])).toBe('teamTree');
    expect(nearest('destory', ['delete', 'destroy'])).toBe('destroy');
    expect(nearest('mine', ['none', 'own', 'all'])).toBe('own');
    expect(nearest('rot13', ['last4', 'email-domain', 'initials', 'redact'])).toBeUndefined();
  });
});
