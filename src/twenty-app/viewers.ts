/**
 * `tiergateViewers`, the helper field that lets Twenty's row-level predicates express the
 * `reports`, `team` and `teamTree` scopes (compile-rls.ts): on each record, the workspace member
 * ids of the members whose host role reads the field on that object and whose scopes there hold
 * the record (an owner of the record is in the scope around them). Compile says which roles read
 * it and with which scopes (`viewerScopes`); this computes the values (pure, `ViewerIndex`) and
 * brings the host's records to them (`syncViewers`): read every record's owners and current
 * viewers, and write only what differs, grouped by value, one `update<Plural>` per group and
 * batch of 60 ids. A second run writes nothing.
 *
 * A record whose owner is outside the org has no viewers: only members with `all` see it, as the
 * engine decides. The watchdog keeps the field current between applies.
 */
import { resolverName } from '../host/core-schema/names.js';
import type { DataModelSnapshot } from '../host/data-model.js';
import type { Host } from '../host/host.js';
import { allRecords } from '../host/paging.js';
import { chunks, HOST_BATCH_SIZE } from '../host/batch.js';
import { buildOrg } from '../org/org.js';
import { readPath } from '../policy/condition.js';
import type { Policy } from '../policy/schema.js';
import { memberTier } from '../policy/sources.js';
import { compareText } from './compare-text.js';
import { HELPER_FIELD } from './names.js';

/**
 * What `tiergateViewers` must hold on one object for one host role: the role's members are
 * viewers of every record owned within the union of these scopes around them.
 */
export interface ViewerScopes {
  readonly roleKey: string;
  readonly object: string;
  readonly scopes: readonly ('own' | 'reports' | 'team' | 'teamTree')[];
}

/** Who views what, per object, from the org and compile's viewer scopes. */
export class ViewerIndex {
  /** object → owner's member id → viewers' member ids. */
  private readonly byOwner = new Map<string, Map<string, Set<string>>>();

  /**
   * `policy` as resolved against the host (host-org.ts): its member ids are workspace
   * member ids, the values records hold in their owner fields.
   */
  constructor(policy: Policy, viewerScopes: readonly ViewerScopes[]) {
    const org = buildOrg(policy.org.members, policy.org.teams);
    const scopesOf = new Map<string, ViewerScopes[]>();
    for (const entry of viewerScopes) {
      scopesOf.set(entry.roleKey, [...(scopesOf.get(entry.roleKey) ?? []), entry]);
      if (!this.byOwner.has(entry.object)) this.byOwner.set(entry.object, new Map());
    }
    for (const member of policy.org.members) {
      const closure = org.closureOf(member.id);
      const entries = scopesOf.get(`${member.role}@${memberTier(policy, member)}`);
      if (closure === undefined || entries === undefined) continue;
      for (const { object, scopes } of entries) {
        const owners = this.byOwner.get(object) ?? new Map<string, Set<string>>();
        for (const scope of scopes) {
          const reached = scope === 'own' ? [member.id] : closure[scope];
          for (const owner of reached) {
            const viewers = owners.get(owner) ?? new Set<string>();
            viewers.add(member.id);
            owners.set(owner, viewers);
          }
        }
      }
    }
  }

  /** The objects whose records carry viewers, sorted. */
  objects(): string[] {
    return [...this.byOwner.keys()].sort(compareText);
  }

  /** The viewers of a record with these owner values (workspace member ids), sorted. */
  viewersOf(object: string, ownerHostIds: readonly unknown[]): string[] {
    const owners = this.byOwner.get(object);
    if (owners === undefined) return [];
    const viewers = new Set<string>();
    for (const owner of ownerHostIds) {
      if (typeof owner !== 'string') continue;
      for (const viewer of owners.get(owner) ?? []) viewers.add(viewer);
    }
    return [...viewers].sort(compareText);
  }
}

/** One object's outcome. */
export interface ViewerSyncResult {
  readonly object: string;
  readonly records: number;
  /** Records whose field differs from what it should hold (written unless a dry run). */
  readonly stale: number;
  /** update<Plural> calls made (0 in a dry run). */
  readonly calls: number;
}

/** How far one object's backfill is: records read, or records written. */
export interface ViewerProgress {
  readonly object: string;
  readonly phase: 'read' | 'write';
  readonly done: number;
  /** The object's record count (the host's totalCount), or the records to write. */
  readonly total: number;
}

export interface ViewerSyncOptions {
  /** Count what differs without writing. */
  readonly dryRun?: boolean;
  readonly pageSize?: number;
  /** After each page read and each batch written. */
  readonly onProgress?: (progress: ViewerProgress) => void;
}

/** `createdBy.workspaceMemberId` → `createdBy { workspaceMemberId }`. */
function selection(path: string): string {
  const [head = path, ...rest] = path.split('.');
  return rest.length === 0 ? head : `${head} { ${selection(rest.join('.'))} }`;
}

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

async function syncObject(
  host: Host,
  model: DataModelSnapshot,
  policy: Policy,
  index: ViewerIndex,
  object: string,
  options: ViewerSyncOptions,
): Promise<ViewerSyncResult> {
  const metadata = model.object(object);
  if (metadata === undefined) throw new Error(`the host's data model has no object ${object}`);
  const owners = policy.objects[object]?.owner ?? [];
  const findMany = resolverName(metadata, 'findMany');
  const query = `query TiergateViewers($first: Int!, $after: String) {
  ${findMany}(first: $first, after: $after) {
    edges { node { id ${owners.map(selection).join(' ')} ${HELPER_FIELD} } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;
  const pageSize = options.pageSize ?? HOST_BATCH_SIZE; // Twenty's QUERY_MAX_RECORDS
  const stale = new Map<string, { viewers: string[]; ids: string[] }>();
  let records = 0;
  const nodes = allRecords(host.core, {
    operation: 'TiergateViewers',
    document: query,
    resolver: findMany,
    pageSize,
    onPage: (fetched, totalCount) =>
      options.onProgress?.({
        object,
        phase: 'read',
        done: fetched,
        // Records made while reading can take the count past the first page's total.
        total: Math.max(totalCount ?? fetched, fetched),
      }),
  });
  for await (const node of nodes) {
    records++;
    const id = String(node.id);
    const wanted = index.viewersOf(
      object,
      owners.map((path) => readPath(node, path.split('.'))),
    );
    const current = Array.isArray(node[HELPER_FIELD])
      ? (node[HELPER_FIELD] as unknown[]).filter((v): v is string => typeof v === 'string')
      : [];
    if (sameList([...current].sort(compareText), wanted)) continue;
    const key = wanted.join(',');
    const group = stale.get(key) ?? { viewers: wanted, ids: [] };
    group.ids.push(id);
    stale.set(key, group);
  }
  const count = [...stale.values()].reduce((n, g) => n + g.ids.length, 0);
  if (options.dryRun === true || count === 0) return { object, records, stale: count, calls: 0 };
  const updateMany = resolverName(metadata, 'updateMany');
  const mutation = `mutation TiergateSetViewers($ids: [UUID!]!, $viewers: [String!]) {
  ${updateMany}(filter: { id: { in: $ids } }, data: { ${HELPER_FIELD}: $viewers }) { id }
}`;
  let calls = 0;
  let written = 0;
  for (const group of stale.values()) {
    for (const ids of chunks(group.ids, pageSize)) {
      await host.core.request(mutation, { ids, viewers: group.viewers });
      calls++;
      written += ids.length;
      options.onProgress?.({ object, phase: 'write', done: written, total: count });
    }
  }
  return { object, records, stale: count, calls };
}

/** Brings every record's `tiergateViewers` to what the index says, object by object. */
export async function syncViewers(
  host: Host,
  policy: Policy,
  index: ViewerIndex,
  options: ViewerSyncOptions = {},
): Promise<ViewerSyncResult[]> {
  const model = await host.dataModel.get();
  const results: ViewerSyncResult[] = [];
  for (const object of index.objects()) {
    results.push(await syncObject(host, model, policy, index, object, options));
  }
  return results;
}
