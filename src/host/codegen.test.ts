/**
 * Every operation Tiergate sends validates against the schema snapshots, and the typed code in
 * src/host/generated is what codegen makes of them now (so an edited operation or schema
 * without `npm run host:codegen` fails here).
 */
import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';
import { describe, expect, it } from 'vitest';
import config from '../../codegen.js';

const ROOT = new URL('../../', import.meta.url);

async function generated(
  overrides: Partial<Types.ConfiguredOutput> = {},
): Promise<Types.FileOutput[]> {
  const outputs = Object.fromEntries(
    Object.entries(config.generates).map(([file, output]) => [
      file,
      { ...(output as Types.ConfiguredOutput), ...overrides },
    ]),
  );
  // `generate` is typed `Promise<any>`; with saveToFile false it resolves to the file outputs.
  const files: unknown = await generate(
    { ...config, cwd: ROOT.pathname, silent: true, generates: outputs },
    false,
  );
  return files as Types.FileOutput[];
}

describe('host codegen', () => {
  it('matches the committed generated code', async () => {
    for (const output of await generated()) {
      const committed = readFileSync(new URL(output.filename, ROOT), 'utf8');
      expect(committed, `${output.filename} is stale: run npm run host:codegen`).toBe(
        output.content,
      );
    }
  }, 60_000);

  it('fails on an operation that does not validate against the schema', async () => {
    const invalid = 'query Broken { currentUser { id noSuchField } }';
    await expect(generated({ documents: [invalid] })).rejects.toThrow(/noSuchField/);
  }, 60_000);
});
