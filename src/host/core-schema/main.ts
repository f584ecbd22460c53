/**
 * Writes `graphql/schema/core.graphql` from the standard objects; with `--check`, writes nothing
 * and exits 1 when the committed file differs from what the builder prints.
 *
 *   npm run build && node dist/src/host/core-schema/main.js [--check]
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CORE_SCHEMA_SNAPSHOT_PATH, standardCoreSchemaText } from './snapshot.js';

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function check(path: string, expected: string): Promise<number> {
  const actual = await readIfPresent(path);
  if (actual === expected) {
    process.stdout.write(`${CORE_SCHEMA_SNAPSHOT_PATH} is up to date\n`);
    return 0;
  }
  const reason = actual === undefined ? 'is missing' : 'is stale';
  process.stderr.write(
    `${CORE_SCHEMA_SNAPSHOT_PATH} ${reason}; regenerate it with npm run host:core-schema\n`,
  );
  return 1;
}

async function write(path: string, text: string): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, 'utf8');
  process.stdout.write(`wrote ${CORE_SCHEMA_SNAPSHOT_PATH}\n`);
  return 0;
}

async function main(args: readonly string[]): Promise<number> {
  const unknown = args.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument ${unknown.join(' ')}; usage: main.js [--check]\n`);
    return 2;
  }
  const path = resolve(process.cwd(), CORE_SCHEMA_SNAPSHOT_PATH);
  const text = standardCoreSchemaText();
  return args.includes('--check') ? check(path, text) : write(path, text);
}

process.exitCode = await main(process.argv.slice(2));
