/**
 * The sandbox's state on disk (`--state FILE`): the whole workspace as JSON, written atomically
 * (temporary file, then rename) so a crash mid-write never leaves half a state behind. Saves of
 * one file are serialized, and saves asked for while one is writing collapse into the latest,
 * so overlapping saves never interleave and the last state asked for is the one on disk.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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

interface Writer {
  /** The newest text asked for and not yet being written. */
  next: string | undefined;
  /** Settles once `next` (and everything before it) is on disk. */
  done: Promise<void>;
}

const writers = new Map<string, Writer>();

/** Writes `text` to `path` through a temporary file of its own (another process may save too). */
async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Saves `state` as it is now (serialized at the call), after any save of the same file still
 * writing. Resolves once this state, or a later one, is on disk.
 */
export function saveState(path: string, state: WorkspaceState): Promise<void> {
  const text = JSON.stringify({ format: FORMAT, version: VERSION, state });
  const writer = writers.get(path);
  if (writer !== undefined) {
    // A write is under way: the next one writes this text, unless a newer one replaces it.
    writer.next = text;
    return writer.done;
  }
  const fresh: Writer = { next: text, done: Promise.resolve() };
  writers.set(path, fresh);
  fresh.done = (async () => {
    try {
      while (fresh.next !== undefined) {
        const current = fresh.next;
        fresh.next = undefined;
        await writeAtomically(path, current);
      }
    } finally {
      writers.delete(path);
    }
  })();
  return fresh.done;
}
