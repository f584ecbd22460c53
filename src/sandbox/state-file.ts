/**
 * The sandbox's state on disk (`--state FILE`): the whole workspace as JSON, written atomically
 * (temporary file, then rename) so a crash mid-write never leaves half a state behind.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { WorkspaceState } from './workspace.js';

const FORMAT = 'tiergate-sandbox-state';
const VERSION = 1;

export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

/** The saved state, or undefined when the file does not exist yet. */
export async function loadState(path: string): Promise<WorkspaceState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`cannot read sandbox state ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(
      `sandbox state ${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const envelope = parsed as { format?: unknown; version?: unknown; state?: unknown };
  if (
    envelope.format !== FORMAT ||
    envelope.version !== VERSION ||
    typeof envelope.state !== 'object' ||
    envelope.state === null
  ) {
    throw new StateFileError(
      `${path} is not a Tiergate sandbox state (format ${FORMAT}, version ${VERSION})`,
    );
  }
  return envelope.state as WorkspaceState;
}

export async function saveState(path: string, state: WorkspaceState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify({ format: FORMAT, version: VERSION, state }), {
    mode: 0o600,
  });
  await rename(temporary, path);
}
