/**
 * Loading: a valid fixture (POLICY.md §1, verbatim), then one thing changed per test. Every
 * problem is reported as `path: message` with its YAML line, and the file is rejected whole.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PolicyError, type PolicyIssue } from './errors.js';
import { policyJsonSchema } from './json-schema.js';
import { loadPolicy } from './load.js';

const FIXTURE = readFileSync(new URL('./fixtures/policy-md.yaml', import.meta.url), 'utf8');

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`fixture has no "${needle}"`);
  return text.slice(0, index).split('\n').length;
}

/** The issues of a policy that must be rejected. */
function issuesOf(text: string): PolicyIssue[] {
  try {
    loadPolicy(text);
  } catch (error) {
    if (error instanceof PolicyError) return [...error.issues];
    throw error;
  }
  throw new Error('the policy was accepted');
}

function changed(from: string, to: string): string {
  if (!FIXTURE.includes(from)) throw new Error(`fixture has no "${from}"`);
  return FIXTURE.replace(from, to);
}

describe('loadPolicy', () => {
  it('accepts the example of POLICY.md', () => {
    const policy = loadPolicy(FIXTURE);
    expect(policy.tiers.map((t) => t.id)).toEqual([
      'intern',
      'junior',
      'intermediate',
      'senior',
      'director',
    ]);
    expect(Object.keys(policy.roles)).toEqual(['sales-rep', 'analyst']);
  });

  it('accepts the same policy written as JSON', () => {
    const json = JSON.stringify(loadPolicy(FIXTURE));
    expect(loadPolicy(json)).toEqual(loadPolicy(FIXTURE));
  });

  it('reports a YAML syntax error with its line', () => {
    const text = changed(
      '  - { id: junior,       label: Junior }',
      '  - { id: junior,       label: Junior',
    );
    const [issue] = issuesOf(text);
    expect(issue?.message).toMatch(/^YAML /);
    expect(issue?.line).toBeGreaterThanOrEqual(lineOf(FIXTURE, 'id: junior'));
  });

  it('reports a duplicate key as a YAML error', () => {
    const text = changed('  analyst:\n', '  sales-rep:\n    label: Again\n  analyst:\n');
    expect(issuesOf(text)[0]?.message).toMatch(/YAML DUPLICATE_KEY/);
  });

  it('reports an unknown tier in a tier map with its path and line', () => {
    const text = changed('read:   { junior: own,', 'read:   { junor: own,');
    expect(issuesOf(text)).toEqual([
      {
        path: 'roles.sales-rep.objects.opportunity.read.junor',
        message:
          'unknown tier "junor"; did you mean "junior"? (known: intern, junior, intermediate, senior, director)',
        line: lineOf(text, 'junor'),
      },
    ]);
  });

  it('reports an unknown role, team, manager and object', () => {
    const text = changed(
      '{ id: m-alice, email: alice@acme.test, role: sales-rep, tier: junior, teams: [emea], manager: m-bob }',
      '{ id: m-alice, email: alice@acme.test, role: sales-clerk, tier: junior, teams: [emeaa], manager: m-rob }',
    ).replace('objects: [company, person, opportunity]', 'objects: [company, person, invoice]');
    const issues = issuesOf(text);
    expect(issues.map((i) => `${i.path}: ${i.message.split(' (')[0] ?? ''}`)).toEqual([
      'org.members[0].role: unknown role "sales-clerk"',
      'org.members[0].teams[0]: unknown team "emeaa"; did you mean "emea"?',
      'org.members[0].manager: unknown member "m-rob"; did you mean "m-bob"?',
      'restrictions[0].objects[2]: unknown object "invoice"',
    ]);
    for (const issue of issues) expect(issue.line).toBeTypeOf('number');
  });

  it('reports a bad scope, mask and operator', () => {
    const text = changed('senior: reports', 'senior: everyone')
      .replace('{ mask: last4 }', '{ mask: last3 }')
      .replace('{ stage: { neq: CUSTOMER } }', '{ stage: { notEqual: CUSTOMER } }');
    const messages = issuesOf(text).map((i) => `${i.path}: ${i.message}`);
    expect(messages).toContain(
      'roles.sales-rep.objects.opportunity.read.senior: "everyone" is not a scope; did you mean "all"? (one of none, own, reports, team, teamTree, all, { scope, where })',
    );
    expect(messages).toContain(
      'roles.sales-rep.objects.person.fields.phones.junior.mask: "last3" is not a mask; did you mean "last4"? (one of last4, email-domain, initials, redact)',
    );
    expect(
      messages.some((m) =>
        m.startsWith(
          'roles.sales-rep.objects.opportunity.update.junior.where.stage.notEqual: "notEqual" is neither an operator',
        ),
      ),
    ).toBe(true);
  });

  it('reports duplicate ids', () => {
    const text = changed('    - { id: apac }', '    - { id: apac }\n    - { id: apac }');
    expect(issuesOf(text)).toEqual([
      {
        path: 'org.teams[3].id',
        message: 'duplicate team id "apac" (also at [2])',
        line: lineOf(FIXTURE, '    - { id: apac }') + 1,
      },
    ]);
  });

  it('reports a cycle in the manager tree', () => {
    const text = changed(
      'role: sales-rep, tier: senior, teams: [sales] }',
      'role: sales-rep, tier: senior, teams: [sales], manager: m-alice }',
    );
    expect(issuesOf(text).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'org.members[0].manager: cycle in the manager tree: m-alice → m-bob → m-alice',
    ]);
  });

  it('reports a cycle in the team tree and a team with two parents', () => {
    const text = changed('    - { id: emea }', '    - { id: emea, children: [sales, apac] }');
    expect(issuesOf(text).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'org.teams[1].children[1]: team "apac" already has parent "sales"',
      'org.teams[0].children: cycle in the team tree: sales → emea → sales',
    ]);
  });

  it('reports a member with no role', () => {
    const text = changed('email: bob@acme.test,   role: sales-rep,', 'email: bob@acme.test,');
    expect(issuesOf(text)).toEqual([
      {
        path: 'org.members[1].role',
        message: 'a member needs a role',
        line: lineOf(text, 'id: m-bob'),
      },
    ]);
  });

  it('reports an unknown key, to catch typos, with the key it most likely meant', () => {
    const text = changed('    defaultTier: junior', '    defaultTeir: junior');
    expect(issuesOf(text)).toEqual([
      {
        path: 'roles.sales-rep.defaultTeir',
        message: 'unknown key "defaultTeir"; did you mean "defaultTier"?',
        line: lineOf(text, 'defaultTeir'),
      },
    ]);
  });

  it('reports an unknown field when the object declares its data model', () => {
    const text = changed(
      'opportunity: { owner: [ownerId] }',
      'opportunity: { owner: [ownerId], fields: [id, name, ownerId, stage, closeDate] }',
    );
    const messages = issuesOf(text).map((i) => `${i.path}: ${i.message}`);
    expect(messages).toContain(
      'roles.sales-rep.objects.opportunity.fields.amount: unknown field "amount" of opportunity',
    );
    expect(messages).toContain(
      'roles.sales-rep.objects.opportunity.fields.amount.when[0].if: unknown field "amount" of opportunity',
    );
  });

  it('refuses field names the host filter language would misread', () => {
    const text = changed(
      'opportunity: { owner: [ownerId] }',
      'opportunity: { owner: [not, createdBy.is] }',
    );
    expect(issuesOf(text).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'objects.opportunity.owner[0]: and, or and not are words of the host filter language and cannot name a field',
      'objects.opportunity.owner[1]: an operator name (eq, in, is…) cannot name a sub-field: the host would read it as the operator',
    ]);
  });

  it('reports every problem at once, not the first alone', () => {
    const text = changed('read:   { junior: own,', 'read:   { junor: own,').replace(
      'bounds: { min: junior, max: senior }',
      'bounds: { min: junior, max: chief }',
    );
    expect(issuesOf(text).map((i) => i.path)).toEqual([
      'roles.sales-rep.objects.opportunity.read.junor',
      'adjustments[0].bounds.max',
    ]);
  });

  it('reports reference problems together with shape problems of other sections', () => {
    const text = changed('read:   { junior: own,', 'read:   { junor: own,').replace(
      'window: PT5M',
      'window: 5 minutes',
    );
    expect(issuesOf(text).map((i) => i.path)).toEqual([
      'monitoring[0].window',
      'roles.sales-rep.objects.opportunity.read.junor',
    ]);
  });

  it('does not call a reference unknown when the section defining it is itself broken', () => {
    const text = changed(
      '  - { id: intern,       label: Intern }',
      '  - { id: intern,       label: Intern, rank: 1 }',
    );
    expect(issuesOf(text).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'tiers[0].rank: unknown key "rank" (known keys: id, label)',
    ]);
  });

  it('refuses a file that is not a mapping', () => {
    expect(issuesOf('- just\n- a list\n')[0]?.message).toMatch(/must be a mapping/);
    expect(issuesOf('')[0]?.message).toMatch(/must be a mapping/);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    expect(issuesOf(bomb)[0]?.message).toMatch(/^YAML: /);
  });
});

describe('policyJsonSchema', () => {
  it('is generated from the schema, with every top-level key of the policy file', () => {
    const schema = policyJsonSchema();
    const properties = Object.keys(schema.properties as Record<string, unknown>);
    expect(properties).toEqual([
      'version',
      'tiers',
      'objects',
      'org',
      'roles',
      'restrictions',
      'adjustments',
      'reviews',
      'monitoring',
      'security',
      'gateway',
    ]);
    expect(schema.additionalProperties).toBe(false);
  });

  it('describes the extensions: unions of scopes, per-action field maps, member attributes and references', () => {
    const text = JSON.stringify(policyJsonSchema());
    expect(text).toContain('"title":"list of scopes"');
    expect(text).toContain('"actions"');
    expect(text).toContain('"attributes"');
    const patterns = [...text.matchAll(/"pattern":("(?:[^"\\]|\\.)*")/g)].map(
      (m) => JSON.parse(m[1] ?? '""') as string,
    );
    const pattern = new RegExp(patterns.find((p) => p.includes('member')) ?? '^$');
    expect(pattern.test('$member.teams')).toBe(true);
    expect(pattern.test('$member.attributes.region')).toBe(true);
    expect(pattern.test('$member.team')).toBe(false);
  });

  it('describes conditions from the operator table', () => {
    const defs = policyJsonSchema().$defs as Record<
      string,
      { additionalProperties: { anyOf: { oneOf?: { required: string[] }[] }[] } }
    >;
    const operators = defs.Condition?.additionalProperties.anyOf[0]?.oneOf?.map(
      (o) => o.required[0],
    );
    expect(operators).toEqual([
      'eq',
      'neq',
      'gt',
      'gte',
      'lt',
      'lte',
      'in',
      'like',
      'ilike',
      'startsWith',
      'is',
    ]);
  });
});
