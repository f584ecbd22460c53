/**
 * Row-level predicates of one host role on one readable object, when the workspace is entitled:
 * the widest scope any scoped action reaches, through owner fields or `tiergateViewers`; what
 * they cannot say is the gateway's. The full rules: docs/internals.md "Row-level predicates".
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
