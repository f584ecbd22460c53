/**
 * The shipped example (examples/acme) through the built command line, as an integrator's CI
 * would run it: the policy validates, its policy tests pass, and a wrong expectation makes the
 * run fail, naming the case. Runs after `npm run build` (bin/tiergate.js loads dist/).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const POLICY = join(ROOT, 'examples', 'acme', 'tiergate.policy.yaml');
const TESTS = join(ROOT, 'examples', 'acme', 'policy.tests.yaml');
const SUMMARY = /^(\d+) passed, (\d+) failed$/;

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

describe('the Acme example policy', () => {
  it('is accepted by tiergate validate', () => {
    const run = tiergate('validate', 'examples/acme/tiergate.policy.yaml');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/valid/);
  });

  it('passes every one of its policy tests, and has at least 60 of them', () => {
    const run = tiergate('test', 'examples/acme/policy.tests.yaml');
    expect(run.stdout).not.toMatch(/^FAIL /m);
    expect(run.status).toBe(0);
    const summary = SUMMARY.exec(lines(run.stdout).at(-1) ?? '');
    expect(summary).not.toBeNull();
    const passed = Number(summary?.[1]);
    expect(summary?.[2]).toBe('0');
    expect(passed).toBeGreaterThanOrEqual(60);
    expect(passed).toBe(casesOf(readFileSync(TESTS, 'utf8')).length);
  });

  it('fails the run and names the case when one expectation is flipped', () => {
    const doc = parseDocument(readFileSync(TESTS, 'utf8'));
    const cases = casesOf(String(doc));
    const index = cases.findIndex((c) => c.expect === 'allow');
    const flipped = cases[index];
    if (flipped === undefined) throw new Error('the example has no case that expects allow');
    doc.setIn(['policy'], POLICY);
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

  it('is the policy that tiergate demo shows when given no file', () => {
    const run = tiergate('demo', '--member', 'm-nils');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('examples/acme/tiergate.policy.yaml');
    expect(run.stdout).toContain('m-nils (Nils Dahl) · role sales-rep, tier junior');
  });
});
