/**
 * The shipped examples (examples/acme, examples/regions) through the built command line, as an
 * integrator's CI would run them: each policy validates, its policy tests pass, and a wrong
 * expectation makes the run fail, naming the case. Runs after `npm run build` (bin/tiergate.js
 * loads dist/).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SUMMARY = /^(\d+) passed, (\d+) failed$/;

/**
 * Each example: its folder under examples/, how many policy tests it must at least have, and
 * whether `validate` must print no warning (Acme keeps one on purpose: a `where` on a field its
 * juniors may edit, which its tests rely on).
 */
const EXAMPLES = [
  { name: 'acme', title: 'the Acme example policy', minCases: 60, warningFree: false },
  { name: 'regions', title: 'the regions example policy', minCases: 20, warningFree: true },
] as const;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function tiergate(...args: string[]): Run {
  const result = spawnSync(process.execPath, ['bin/tiergate.js', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function lines(output: string): string[] {
  return output.split('\n').filter((line) => line !== '');
}

interface TestCase {
  readonly name: string;
  readonly expect: 'allow' | 'deny';
}

function casesOf(text: string): TestCase[] {
  return (parseDocument(text).toJS() as { cases: TestCase[] }).cases;
}

describe.each(EXAMPLES)('$title', ({ name, minCases, warningFree }) => {
  const policyPath = `examples/${name}/tiergate.policy.yaml`;
  const testsPath = `examples/${name}/policy.tests.yaml`;

  it('is accepted by tiergate validate', () => {
    const run = tiergate('validate', policyPath);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/valid/);
    if (warningFree) expect(run.stdout).not.toMatch(/^warning: /m);
  });

  it(`passes every one of its policy tests, and has at least ${minCases} of them`, () => {
    const run = tiergate('test', testsPath);
    expect(run.stdout).not.toMatch(/^FAIL /m);
    expect(run.status).toBe(0);
    const summary = SUMMARY.exec(lines(run.stdout).at(-1) ?? '');
    expect(summary).not.toBeNull();
    const passed = Number(summary?.[1]);
    expect(summary?.[2]).toBe('0');
    expect(passed).toBeGreaterThanOrEqual(minCases);
    expect(passed).toBe(casesOf(readFileSync(join(ROOT, testsPath), 'utf8')).length);
  });

  it('fails the run and names the case when one expectation is flipped', () => {
    const doc = parseDocument(readFileSync(join(ROOT, testsPath), 'utf8'));
    const cases = casesOf(String(doc));
    const index = cases.findIndex((c) => c.expect === 'allow');
    const flipped = cases[index];
    if (flipped === undefined)
      throw new Error(`the ${name} example has no case that expects allow`);
    doc.setIn(['policy'], join(ROOT, policyPath));
    doc.setIn(['cases', index, 'expect'], 'deny');
    const dir = mkdtempSync(join(tmpdir(), 'tiergate-examples-'));
    try {
      const file = join(dir, 'flipped.tests.yaml');
      writeFileSync(file, String(doc));
      const run = tiergate('test', file);
      expect(run.status).toBe(1);
      const output = lines(run.stdout);
      const failures = output.filter((line) => line.startsWith('FAIL '));
      expect(failures).toHaveLength(1);
      expect(failures[0]?.startsWith(`FAIL ${flipped.name}: `)).toBe(true);
      expect(failures[0]).toContain('expected deny, got allow');
      expect(output.at(-1)).toBe(`${cases.length - 1} passed, 1 failed`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the Acme example policy', () => {
  it('is the policy that tiergate demo shows when given no file', () => {
    const run = tiergate('demo', '--member', 'm-nils');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('examples/acme/tiergate.policy.yaml');
    expect(run.stdout).toContain('m-nils (Nils Dahl) · role sales-rep, tier junior');
  });
});
