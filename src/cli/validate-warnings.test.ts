/** `tiergate validate` warns, without failing, about conditions a member could flip. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dealRolesYaml } from '../sync/sync-cli.test-support.js';
import { runCli } from './run.test-support.js';

const POLICY = `version: 1
tiers: [{ id: junior }, { id: senior }]
objects: { opportunity: { owner: [ownerId] } }
${dealRolesYaml({
  rep: {
    label: 'Rep',
    duties: 'Sells.',
    opportunity: [
      'read: { junior: own }',
      'update: { junior: { scope: own, where: { stage: { neq: WON } } } }',
      'fields: { default: { junior: edit } }',
    ],
  },
})}
`;

function workspace(policy: string): string {
  const cwd = mkdtempSync(join(tmpdir(), 'tiergate-validate-'));
  writeFileSync(join(cwd, 'p.yaml'), policy);
  return cwd;
}

describe('tiergate validate warnings', () => {
  it('prints warning: path: message with its line, and still exits 0', async () => {
    const { code, out } = await runCli(workspace(POLICY), 'validate', 'p.yaml');
    expect(code).toBe(0);
    const [warning, summary] = out.trim().split('\n');
    expect(warning).toMatch(
      /^warning: roles\.rep\.objects\.opportunity\.update\.junior\.where: reads "stage", which role rep may edit at tiers junior, senior \(fields\.default\.junior\), .* \(line 11\)$/,
    );
    expect(summary).toMatch(/^p\.yaml: valid \(/);
  });

  it('adds a warnings array to --json, next to valid and issues', async () => {
    const { code, out } = await runCli(workspace(POLICY), 'validate', 'p.yaml', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      valid: true,
      issues: [],
      warnings: [
        {
          path: 'roles.rep.objects.opportunity.update.junior.where',
          message: expect.stringContaining('make "stage" read-only for those tiers') as string,
          line: 11,
        },
      ],
    });
  });

  it('prints no warning when the condition reads a field the role cannot edit', async () => {
    const safe = POLICY.replace(
      '{ default: { junior: edit } }',
      '{ default: { junior: edit }, stage: { junior: read } }',
    );
    const { code, out } = await runCli(workspace(safe), 'validate', 'p.yaml', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ valid: true, issues: [], warnings: [] });
  });
});
