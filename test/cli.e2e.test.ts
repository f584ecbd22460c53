/** The CLI as a newcomer runs it: `npx tiergate …` inside the checkout, after `npm ci`. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function npx(...args: string[]) {
  // --no-install: the checkout's own bin, never a package of that name from the registry.
  return spawnSync('npx', ['--no-install', 'tiergate', ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('npx tiergate inside the checkout', () => {
  it('runs the built CLI', () => {
    const result = npx('validate', 'src/policy/fixtures/policy-md.yaml');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/valid \(5 tiers/);
  });

  it('sets the exit code of a failing command', () => {
    const result = npx('validate', 'package.json');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /^name: unknown key "name" \(known keys: version, .*\) \(line 2\)$/m,
    );
  });

  it('stops quietly when its reader closes the pipe early', () => {
    const script = 'set -o pipefail; node bin/tiergate.js demo | head -n 1';
    const result = spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stdout).toMatch(/^Tiergate demo: /);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
