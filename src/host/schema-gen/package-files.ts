import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The two files of twenty-client-sdk the schema is rebuilt from, with the version they belong to. */
export interface SdkSources {
  readonly version: string;
  /** genql's compressed type map (with argument types) lives inside this bundle. */
  readonly metadataModule: { readonly path: string; readonly text: string };
  /** genql's TypeScript rendering of the schema (nullability, lists, enums, unions). */
  readonly schemaDts: { readonly path: string; readonly text: string };
}

const PACKAGE = 'twenty-client-sdk';

/**
 * Finds the package the way Node would for this module, so a hoisted or nested install both work.
 * The files are read as text: the type map is not exported, and importing the bundle would read the
 * environment for nothing.
 */
export function readSdkSources(): SdkSources {
  const root = packageRoot();
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  if (typeof manifest.version !== 'string') throw new Error(`${PACKAGE} has no version`);
  const read = (relative: string) => {
    const path = join(root, relative);
    return { path, text: readFileSync(path, 'utf8') };
  };
  return {
    version: manifest.version,
    metadataModule: read('dist/metadata.mjs'),
    schemaDts: read('dist/metadata/generated/schema.d.ts'),
  };
}

/**
 * The package's `exports` hide its package.json, so an exported entry is resolved and the folder
 * above it holding the package's own manifest is taken as its root.
 */
function packageRoot(): string {
  const entry = createRequire(import.meta.url).resolve(`${PACKAGE}/metadata`);
  let folder = dirname(entry);
  for (;;) {
    const manifestPath = join(folder, 'package.json');
    if (existsSync(manifestPath) && nameOf(manifestPath) === PACKAGE) return folder;
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no ${PACKAGE} package.json above ${entry}`);
    folder = parent;
  }
}

function nameOf(manifestPath: string): unknown {
  return (JSON.parse(readFileSync(manifestPath, 'utf8')) as { name?: unknown }).name;
}

export const SDK_PACKAGE = PACKAGE;
