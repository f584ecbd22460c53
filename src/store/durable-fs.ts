/**
 * PGlite 0.5 on Node never syncs to disk: it starts PostgreSQL with `-F` (fsync off), its NODEFS
 * file operations have no `fsync`, and the WASM build's `fdatasync` (PostgreSQL's default WAL
 * sync method on Linux) returns without doing anything. Its `relaxedDurability` option only
 * concerns browser filesystems that copy memory out after a query. Writes therefore sit in the
 * OS page cache: they survive the process, not the machine.
 *
 * This filesystem gives NODEFS the `fsync` it lacks (Emscripten's `fd_sync` calls the stream's
 * `fsync` when there is one), and `durableStartParams` turn fsync back on with
 * `wal_sync_method=fsync`, so that each commit syncs the WAL segment before it returns.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import { StoreError } from './store-error.js';

type PostgresMod = Parameters<NodeFS['init']>[1];

export class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: Partial<PostgresMod>): ReturnType<NodeFS['init']> {
    const { emscriptenOpts } = await super.init(pg, opts);
    const preRun = [...(emscriptenOpts.preRun ?? []), installFsync];
    return { emscriptenOpts: { ...emscriptenOpts, preRun } };
  }
}

/** The part of Emscripten's NODEFS this file touches (not in PGlite's types). */
interface NodeFsStream {
  readonly nfd?: number;
  readonly node: unknown;
}
interface NodeFsStreamOps {
  fsync?: (stream: NodeFsStream) => number;
}
interface EmscriptenNodeFs {
  readonly stream_ops: NodeFsStreamOps;
  tryFSOperation<T>(operation: () => T): T;
  realPath(node: unknown): string;
}

function installFsync(mod: Partial<PostgresMod>): void {
  const nodefs = (mod as { NODEFS?: unknown }).NODEFS as EmscriptenNodeFs | undefined;
  if (nodefs === undefined)
    throw new StoreError('this PGlite build has no NODEFS: the embedded store cannot sync to disk');
  // tryFSOperation turns a Node error into an errno, so a failed sync fails the commit
  // (PostgreSQL then stops) instead of being reported as written.
  nodefs.stream_ops.fsync = (stream) => {
    const fd = stream.nfd;
    nodefs.tryFSOperation(() => {
      if (fd !== undefined) {
        fsyncSync(fd);
        return;
      }
      // NODEFS opens no descriptor for a directory; PostgreSQL syncs one (pg_wal) after it
      // creates or renames a segment, so that the new name survives a crash too.
      const dir = openSync(nodefs.realPath(stream.node), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    });
    return 0;
  };
}

/** PGlite's own start parameters, with fsync on and a WAL sync method that reaches `fsync`. */
export function durableStartParams(): string[] {
  return [
    ...PGlite.defaultStartParams.filter((param) => param !== '-F'),
    '-c',
    'fsync=on',
    '-c',
    'wal_sync_method=fsync',
  ];
}
