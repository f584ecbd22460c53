import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed schema, relative to the repository root. */
export const SDL_PATH = join('graphql', 'schema', 'metadata.graphql');

/** The nearest folder above this module with a package.json: works from src/ and from dist/. */
export function repositoryRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let folder = from;
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${from}`);
    folder = parent;
  }
  return folder;
}
