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
 * - a `where` on any scoped action is the gateway's (not translated).
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
import { describeScope } from '../policy/describe.js';
import type { DiscoveredField, DiscoveredObject } from '../host/data-model.js';
import type { HostRlsGroup, HostRlsPredicate } from './host-state.js';
import {
  SCOPE_ACTIONS,
  type CompileContext,
  type HeldRole,
  type ObjectGrants,
  type ScopeAt,
} from './compile-grants.js';
import { HELPER_FIELD, resolveField } from './compile-fields.js';

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

/**
 * The records the predicates must let through: the read scope when it covers every other
 * scoped action (the usual case), else the widest action scope, else (scopes that no single one
 * covers, such as teamTree and reports) their union, which only the helper field can express.
 */
function reachOf(grants: ObjectGrants): { readonly scope: Scope; readonly text: string } {
  const scopes = SCOPE_ACTIONS.map((a) => grants[a].scope).filter((s) => s !== 'none');
  const read = grants.read.scope;
  if (scopes.every((s) => covers(read, s))) return { scope: read, text: read };
  const widest = scopes.find((w) => scopes.every((s) => covers(w, s)));
  if (widest !== undefined) return { scope: widest, text: widest };
  return { scope: 'teamTree', text: [...new Set(scopes)].join(' or ') };
}

function encodeReach(
  ctx: CompileContext,
  object: DiscoveredObject,
  reach: Scope,
  path: string,
): Encoded {
  if (!ctx.rlsEntitled) return { why: 'the workspace is not entitled to row-level permissions' };
  if (reach === 'all' || reach === 'none') return { rowLevel: undefined };
  if (reach === 'own') return ownPredicates(ctx, object);
  return helperPredicate(ctx, object, path);
}

function gatewayScope(
  ctx: CompileContext,
  held: HeldRole,
  action: string,
  at: ScopeAt,
  why: string,
): void {
  ctx.duty(
    at.path,
    `${held.key}: ${action} is limited to ${describeScope(at.scope, at.where)}; ${why}, so the gateway enforces the scope`,
  );
}

/** The host role's predicates on `object` (undefined: none), with the duties. */
export function rowLevelFor(
  ctx: CompileContext,
  held: HeldRole,
  object: DiscoveredObject,
  grants: ObjectGrants,
): RowLevel | undefined {
  const reach = reachOf(grants);
  const encoded = encodeReach(ctx, object, reach.scope, grants.read.path);
  if ('rowLevel' in encoded && encoded.rowLevel?.predicates.some((p) => p.operand === 'CONTAINS')) {
    const scopes = SCOPE_ACTIONS.map((a) => grants[a].scope).filter(
      (s): s is 'own' | 'reports' | 'team' | 'teamTree' => s !== 'none' && s !== 'all',
    );
    ctx.viewers({
      roleKey: held.key,
      object: object.nameSingular,
      scopes: [...new Set(scopes)].sort(),
    });
  }
  const why = 'why' in encoded ? encoded.why : undefined;
  for (const action of SCOPE_ACTIONS) {
    const at = grants[action];
    if (at.scope === 'none') continue;
    if (at.where !== undefined) {
      gatewayScope(ctx, held, action, at, NO_WHERE);
    } else if (why !== undefined ? at.scope !== 'all' : at.scope !== reach.text) {
      const native = `Twenty's row-level predicates let the role reach ${reach.text} for every operation`;
      gatewayScope(ctx, held, action, at, why ?? native);
    }
  }
  return 'rowLevel' in encoded ? encoded.rowLevel : undefined;
}
