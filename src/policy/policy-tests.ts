/**
 * Policy tests (docs/policy.md §15): cases run against a policy with no CRM. The file format is
 * parsed here; reading files is the caller's business (the CLI), so this stays free of I/O.
 *
 * Additive keys: `grants` (file or case level) are temporary grants in force for the cases;
 * `now` may be set per case; `expectScope`, `expectReason` (a substring of a reason) and
 * `expectProjection` (fields of `project`'s output; null for "absent") check more of the answer.
 */
import { z } from 'zod';
import { compilePolicy } from './engine.js';
import { PolicyError } from './errors.js';
import { WORDED } from './issue-wording.js';
import { issuesFromZod, parseSource } from './load.js';
import { temporaryGrantSchema } from './grants.js';
import { actionSchema, FIELD_STATES, scopeSchema, type Policy } from './schema.js';

const instant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 time such as 2026-06-30T12:00:00Z',
});
const recordSchema = z.record(z.string(), z.unknown());

const caseSchema = z.strictObject({
  name: z.string().min(1),
  member: z.string().min(1),
  object: z.string().min(1),
  action: actionSchema,
  record: recordSchema.optional(),
  now: instant.optional(),
  grants: z.array(temporaryGrantSchema).optional(),
  expect: z.enum(['allow', 'deny']).meta({ title: 'decision' }),
  expectFields: z
    .record(z.string(), z.enum(FIELD_STATES).meta({ title: 'field state' }))
    .optional(),
  expectScope: scopeSchema.optional(),
  expectReason: z.string().optional(),
  expectProjection: recordSchema.optional(),
});

export const policyTestFileSchema = z.strictObject({
  policy: z.string().min(1),
  now: instant.optional(),
  grants: z.array(temporaryGrantSchema).default([]),
  cases: z.array(caseSchema).min(1, { error: 'a test file needs at least one case' }),
});

export type PolicyTestFile = z.output<typeof policyTestFileSchema>;
export type PolicyTestCase = PolicyTestFile['cases'][number];

export interface CaseResult {
  readonly name: string;
  readonly passed: boolean;
  /** What differed, one line each; empty when passed. */
  readonly failures: readonly string[];
}

/** Parses a test file's text (YAML or JSON); throws PolicyError listing every problem. */
export function parsePolicyTests(text: string): PolicyTestFile {
  const { data, locate } = parseSource(text);
  const parsed = policyTestFileSchema.safeParse(data, WORDED);
  if (!parsed.success) throw new PolicyError(issuesFromZod(parsed.error, locate));
  return parsed.data;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Runs every case; a case that throws fails with the error's message. */
export function runPolicyTests(
  policy: Policy,
  file: PolicyTestFile,
  fallbackNow: Date,
): CaseResult[] {
  return file.cases.map((testCase) => {
    try {
      return runCase(policy, file, testCase, fallbackNow);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { name: testCase.name, passed: false, failures: [`error: ${message}`] };
    }
  });
}

function runCase(
  policy: Policy,
  file: PolicyTestFile,
  testCase: PolicyTestCase,
  fallbackNow: Date,
): CaseResult {
  const now = new Date(testCase.now ?? file.now ?? fallbackNow.toISOString());
  const engine = compilePolicy(policy, {
    now: () => now,
    grants: [...file.grants, ...(testCase.grants ?? [])],
  });
  const request = {
    member: testCase.member,
    object: testCase.object,
    action: testCase.action,
    record: testCase.record,
  };
  const decision = engine.decide(request);
  const failures: string[] = [];
  if (decision.effect !== testCase.expect) {
    failures.push(
      `expected ${testCase.expect}, got ${decision.effect} (${decision.reasons.join('; ')})`,
    );
  }
  if (testCase.expectScope !== undefined && decision.scope !== testCase.expectScope) {
    failures.push(`expected scope ${testCase.expectScope}, got ${decision.scope}`);
  }
  if (
    testCase.expectReason !== undefined &&
    !decision.reasons.some((r) => r.includes(testCase.expectReason ?? ''))
  ) {
    failures.push(
      `expected a reason containing "${testCase.expectReason}", got: ${decision.reasons.join('; ')}`,
    );
  }
  for (const [field, expected] of Object.entries(testCase.expectFields ?? {})) {
    const actual = engine.fieldState({ ...request, field });
    if (actual !== expected) failures.push(`field ${field}: expected ${expected}, got ${actual}`);
  }
  if (testCase.expectProjection !== undefined) {
    if (testCase.record === undefined) {
      failures.push('expectProjection needs a record');
    } else {
      const projected = engine.project({
        member: testCase.member,
        object: testCase.object,
        record: testCase.record,
      });
      for (const [field, expected] of Object.entries(testCase.expectProjection)) {
        const actual = projected?.[field] ?? null;
        if (!same(actual, expected))
          failures.push(
            `projection ${field}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
          );
      }
    }
  }
  return { name: testCase.name, passed: failures.length === 0, failures };
}
