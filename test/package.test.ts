/** The package as an integrator imports it: `import { loadPolicy, compilePolicy } from 'tiergate'`. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe("the package entry 'tiergate'", () => {
  it('exposes loadPolicy and compilePolicy from the build, as POLICY.md §5 shows', async () => {
    const { loadPolicy, compilePolicy, PolicyError } = await import('tiergate');
    const text = readFileSync(
      new URL('../src/policy/fixtures/policy-md.yaml', import.meta.url),
      'utf8',
    );
    const engine = compilePolicy(loadPolicy(text), { now: () => new Date('2026-06-30T12:00:00Z') });
    expect(engine.decide({ member: 'm-alice', object: 'opportunity', action: 'read' }).scope).toBe(
      'own',
    );
    expect(() => loadPolicy('version: 2')).toThrow(PolicyError);
  });
});
