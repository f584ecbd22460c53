/**
 * Row-level predicates of one host role on one readable object (only when the workspace is
 * entitled; otherwise every scope is the gateway's). They encode the READ scope at the tier
 * (but see below for actions that reach wider):
 *
 * - `all` → no predicate;
 * - `own` → per owner field (`policy.objects[o].owner`), "is the current member":
 *   a MANY_TO_ONE relation to workspaceMember (named by its join column `ownerId` or its name
 *   `owner`) → `IS { isCurrentWorkspaceMemberSelected: true, selectedRecordIds: [] }` on the
 *   relation field; an ACTOR sub-field `createdBy.workspaceMemberId` → `IS` on `createdBy` with
 *   `subFieldName: workspaceMemberId`, compared with the current member's `id` field through
 *   `workspaceMemberFieldMetadataId` (UNVERIFIED against Twenty: the sandbox evaluates it so).
 *   Several owner fields → one OR group (Twenty honours only the first root group; there is one).
 *   An owner field of another kind cannot be compared with the member natively: gateway.
 * - `reports` / `team` / `teamTree` → `CONTAINS` on the helper field `tiergateViewers` (ARRAY),
 *   compared with the current member's `id` field. Tiergate maintains it per record (declared by
 *   the manifest, created by install, kept up to date by the watchdog): the host ids of the
 *   members whose scope on the object, at their role and tier, holds the record (see below).
 *   Member ids are UUIDs, so Twenty's ARRAY `CONTAINS` (an item `ilike %id%`) matches the id
 *   exactly. Without the field in the data model the scope is the gateway's (a duty, not a
 *   problem: install creates it).
 * - a union of scopes (a tier-map list) → as precisely as one predicate set allows: `all` among
 *   them → no predicate; `own` alone → the `own` predicates; otherwise the helper field, whose
 *   viewers are the members of every scope of the union.
 * - a `where` on any scoped action is the gateway's (not translated): the scope it narrows is
 *   encoded without it (a superset), so `{ scope: all, where: … }` reaches `all` natively. A
 *   `where` that reads `$member.…` could not be translated at all (see `memberRefReason`).
 *
 * Other scoped actions: Twenty applies the predicates to every operation, so they must let
 * through every record some action may touch. Usually the read scope covers the others (each
 * scope includes `own`; `teamTree` includes `team`), and the predicates encode it. When another
 * action reaches wider (Acme's managers: read teamTree, update reports), the predicates encode
 * the widest scope, or the helper field when no single scope covers the rest: `tiergateViewers`
 * is therefore defined as the members for whom the record is in the scope of SOME scoped action
 * of their host role (the read scope in the usual case). Choice: this keeps every grant of the
 * policy reachable natively; the alternative, encoding the read scope alone, would make Twenty
 * refuse updates the policy grants, which the gateway cannot undo. Every action whose scope is
 * narrower than what the predicates encode, or has a `where`, is the gateway's (a duty).
 */
import type { Scope } from '../policy/schema.js';
import { describeCondition, describeScope } from '../policy/describe.js';
import type { DiscoveredField, DiscoveredObject } from '../host/data-model.js';
import type { HostRlsGroup, HostRlsPredicate } from './host-state.js';
import {
  isGranted,
  memberRefReason,
  SCOPE_ACTIONS,
  type CompileContext,
  type HeldRole,
  type ObjectGrants,
  type ScopeAt,
  type ScopePart,
} from './compile-grants.js';
import { resolveField } from './compile-fields.js';
import { HELPER_FIELD } from '../twenty-app/names.js';

const NO_WHERE = 'Tiergate does not translate where into row-level predicates';

export interface RowLevel {
  readonly predicates: readonly HostRlsPredicate[];
  readonly groups: readonly HostRlsGroup[];
}

/** The predicates (undefined: none needed), or why the scope is not expressed natively. */
type Encoded = { readonly rowLevel: RowLevel | undefined } | { readonly why: string };

const CURRENT_MEMBER = { isCurrentWorkspaceMemberSelected: true, selectedRecordIds: [] } as const;

function memberIdField(ctx: CompileContext): DiscoveredField | undefined {
  return ctx.model.object('workspaceMember')?.fields.find((f) => f.name === 'id');
}

/** "Owner field is the current member" for one owner field; a string says why not. */
function ownerPredicate(
  ctx: CompileContext,
  object: DiscoveredObject,
  owner: string,
): HostRlsPredicate | string {
  const [top = owner, sub] = owner.split('.');
  const field = resolveField(object, top);
  if (field === undefined) return `owner field ${owner} is not in the data model`;
  const base = { objectMetadataId: object.id, fieldMetadataId: field.id, operand: 'IS' } as const;
  if (
    sub === undefined &&
    field.relation?.type === 'MANY_TO_ONE' &&
    field.relation.targetObject === 'workspaceMember'
  ) {
    return { ...base, value: CURRENT_MEMBER };
  }
  if (field.type === 'ACTOR' && sub === 'workspaceMemberId') {
    const memberId = memberIdField(ctx);
    if (memberId === undefined) return 'workspaceMember.id is not in the data model';
    return { ...base, subFieldName: sub, workspaceMemberFieldMetadataId: memberId.id };
  }
  return `owner field ${owner} is neither a relation to workspaceMember nor an actor's workspaceMemberId`;
}

function ownPredicates(ctx: CompileContext, object: DiscoveredObject): Encoded {
  const owners = ctx.policy.objects[object.nameSingular]?.owner ?? [];
  if (owners.length === 0) return { why: `${object.nameSingular} has no owner fields` };
  const predicates: HostRlsPredicate[] = [];
  for (const owner of owners) {
    const predicate = ownerPredicate(ctx, object, owner);
    if (typeof predicate === 'string') return { why: predicate };
    predicates.push(predicate);
  }
  if (predicates.length === 1) return { rowLevel: { predicates, groups: [] } };
  return {
    rowLevel: {
      predicates: predicates.map((p) => ({ ...p, group: 0 })),
      groups: [{ objectMetadataId: object.id, logicalOperator: 'OR' }],
    },
  };
}

function helperPredicate(ctx: CompileContext, object: DiscoveredObject, path: string): Encoded {
  const helper = object.fields.find((f) => f.name === HELPER_FIELD);
  if (helper === undefined) {
    return {
      why: `the helper field ${object.nameSingular}.${HELPER_FIELD} is not in the data model yet (install creates it)`,
    };
  }
  const memberId = memberIdField(ctx);
  if (helper.type !== 'ARRAY' || memberId === undefined) {
    ctx.problem(
      path,
      `${object.nameSingular}.${HELPER_FIELD} must be an ARRAY field and workspaceMember.id must exist`,
    );
    return { why: `${object.nameSingular}.${HELPER_FIELD} cannot be used` };
  }
  const predicate: HostRlsPredicate = {
    objectMetadataId: object.id,
    fieldMetadataId: helper.id,
    operand: 'CONTAINS',
    workspaceMemberFieldMetadataId: memberId.id,
  };
  return { rowLevel: { predicates: [predicate], groups: [] } };
}

/** Does scope `outer` hold every record of `inner`, for every member? (Each includes `own`.) */
function covers(outer: Scope, inner: Scope): boolean {
  if (outer === 'all' || outer === inner || inner === 'none') return true;
  if (inner === 'own') return outer !== 'none';
  return outer === 'teamTree' && inner === 'team';
}

type OwnerScope = 'own' | 'reports' | 'team' | 'teamTree';

/**
 * The records a union of scopes holds, as its fewest scopes: `['all']`, the owner scopes no
 * other one covers (sorted), or `[]` for none.
 */
function unionOf(scopes: readonly Scope[]): readonly Scope[] {
  const present = [...new Set(scopes)].filter((s) => s !== 'none');
  if (present.includes('all')) return ['all'];
  return present.filter((s) => !present.some((t) => t !== s && covers(t, s))).sort();
}

const sameUnion = (a: readonly Scope[], b: readonly Scope[]): boolean =>
  a.length === b.length && a.every((s, i) => s === b[i]);

/** What the predicates may let through for one action: each part's scope, its `where` dropped. */
function nativeOf(at: ScopeAt): readonly Scope[] {
  return unionOf(at.parts.map((p) => p.scope));
}

/**
 * The records the predicates must let through: the union of every scoped action's scopes (the
 * read scope in the usual case, where it covers the others). `all` needs no predicate, `own`
 * the owner fields; any other union only the helper field can express.
 */
function reachOf(grants: ObjectGrants): readonly Scope[] {
  return unionOf(SCOPE_ACTIONS.flatMap((a) => nativeOf(grants[a])));
}

function encodeReach(
  ctx: CompileContext,
  object: DiscoveredObject,
  reach: readonly Scope[],
  path: string,
): Encoded {
  if (!ctx.rlsEntitled) return { why: 'the workspace is not entitled to row-level permissions' };
  if (reach.length === 0 || reach.includes('all')) return { rowLevel: undefined };
  if (sameUnion(reach, ['own'])) return ownPredicates(ctx, object);
  return helperPredicate(ctx, object, path);
}

/** `scope own`, or for a union `scopes own or (all where teamId in $member.teams)`. */
export function describeParts(parts: readonly ScopePart[]): string {
  const [only] = parts;
  if (parts.length === 0 || only === undefined) return 'scope none';
  if (parts.length === 1) return describeScope(only.scope, only.where);
  const each = parts.map((p) =>
    p.where === undefined ? p.scope : `(${p.scope} where ${describeCondition(p.where)})`,
  );
  return `scopes ${each.join(' or ')}`;
}

/** A part's `where` is moot when a part of the same action without one covers its scope. */
function mootWhere(at: ScopeAt, part: ScopePart): boolean {
  return at.parts.some((p) => p !== part && p.where === undefined && covers(p.scope, part.scope));
}

/** Each `where` is the gateway's: a duty naming the condition, and why Twenty cannot hold it. */
function whereDuties(ctx: CompileContext, held: HeldRole, action: string, at: ScopeAt): void {
  for (const part of at.parts) {
    if (part.where === undefined || mootWhere(at, part)) continue;
    const why = memberRefReason(part.where) ?? NO_WHERE;
    ctx.duty(
      part.path,
      `${held.key}: ${action} in scope ${part.scope} holds only where ${describeCondition(part.where)}; ${why}, so the where is enforced by the gateway`,
    );
  }
}

/** The host role's predicates on `object` (undefined: none), with the duties. */
export function rowLevelFor(
  ctx: CompileContext,
  held: HeldRole,
  object: DiscoveredObject,
  grants: ObjectGrants,
): RowLevel | undefined {
  const reach = reachOf(grants);
  const encoded = encodeReach(ctx, object, reach, grants.read.path);
  if ('rowLevel' in encoded && encoded.rowLevel?.predicates.some((p) => p.operand === 'CONTAINS')) {
    const scopes = reach.filter((s): s is OwnerScope => s !== 'none' && s !== 'all');
    ctx.viewers({ roleKey: held.key, object: object.nameSingular, scopes });
  }
  const why = 'why' in encoded ? encoded.why : undefined;
  const reachText = reach.join(' or ');
  for (const action of SCOPE_ACTIONS) {
    const at = grants[action];
    if (!isGranted(at)) continue;
    whereDuties(ctx, held, action, at);
    const native = nativeOf(at);
    const narrower = why !== undefined ? !sameUnion(native, ['all']) : !sameUnion(native, reach);
    if (!narrower) continue;
    const reason =
      why ?? `Twenty's row-level predicates let the role reach ${reachText} for every operation`;
    ctx.duty(
      at.path,
      `${held.key}: ${action} is limited to ${describeParts(at.parts)}; ${reason}, so the gateway enforces the scope`,
    );
  }
  return 'rowLevel' in encoded ? encoded.rowLevel : undefined;
}
