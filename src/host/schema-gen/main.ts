import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import { describeDifference } from './check.js';
import { generateMetadataSdl } from './generate.js';
import { SDL_PATH, repositoryRoot } from './paths.js';
import { SchemaGenError } from './type-ref.js';

/**
 * `npm run host:schema`: rebuilds graphql/schema/metadata.graphql from twenty-client-sdk.
 * `--check` writes nothing and exits 1 when the committed file is stale or hand-edited.
 * Exit 2 when the package cannot be read into a schema without guessing past a real gap.
 */
function main(argv: readonly string[]): number {
  const unknown = argv.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    // A mistyped --check must not silently overwrite the committed file.
    process.stderr.write(`unknown argument(s): ${unknown.join(' ')}; usage: main.js [--check]\n`);
    return 2;
  }
  const check = argv.includes('--check');
  const target = join(repositoryRoot(), SDL_PATH);
  const { sdl, diagnostics, summary } = generateMetadataSdl();
  for (const line of summary) process.stderr.write(`${line}\n`);
  for (const warning of diagnostics.warnings) process.stderr.write(`warning: ${warning}\n`);
  for (const error of diagnostics.errors) process.stderr.write(`error: ${error}\n`);
  process.stderr.write(
    `${diagnostics.warnings.length} warning(s), ${diagnostics.errors.length} error(s)\n`,
  );
  if (sdl === undefined) return 2;
  if (check) return checkCommitted(target, sdl);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, sdl);
  process.stderr.write(`wrote ${relative(process.cwd(), target)}\n`);
  return 0;
}

function checkCommitted(target: string, sdl: string): number {
  const committed = existsSync(target) ? readFileSync(target, 'utf8') : '';
  const difference = describeDifference(committed, sdl);
  if (difference === undefined) {
    process.stderr.write(`${SDL_PATH} is up to date\n`);
    return 0;
  }
  process.stderr.write(`${SDL_PATH} differs from a fresh generation; run npm run host:schema\n`);
  process.stderr.write(`${difference}\n`);
  return 1;
}

/** A package the readers cannot parse at all is reported like any other unresolved gap. */
function run(argv: readonly string[]): number {
  try {
    return main(argv);
  } catch (error) {
    if (!(error instanceof SchemaGenError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return 2;
  }
}

process.exitCode = run(process.argv.slice(2));
