/**
 * A judge bound to one member (as CASL's per-user `Ability`): the member is resolved once, and
 * every question after that is a scan of a handful of object plans and an array index by action.
 * Enforcement points (the gateway per request, workers per event, the panel per session) ask a
 * judge; `Engine`'s request-style calls are the same judge underneath.
 */
import { decideRecord, type ActionPlan } from './action-plan.js';
import { denial, type Decision } from './decision.js';
import type { Condition } from './condition.js';
import type { FieldPlan } from './field-plan.js';
import { stateOf } from './field-state.js';
import type { CodeTable } from './code-table.js';
import { actionIndex, type MemberPlan, type ObjectPlan, type PlanSource } from './member-plan.js';
import { ACTIONS, type Action, type FieldState } from './schema.js';

type Row = Readonly<Record<string, unknown>>;

/** A decision with the field states that go with it. */
export interface Authorization {
  readonly decision: Decision;
  readonly fields: Readonly<Record<string, FieldState>>;
}

const ACTION_COUNT = ACTIONS.length;
/** What a built plan needs to answer: nothing (denied or granted everywhere), or the record. */
const DENIED = 1;
const EVERYWHERE = 2;
/** By the record, through the engine's code table (`ActionPlan.shape`). */
const BY_RECORD = 3;
/** By the record, through the plan's own closure (the table was full). */
const BY_CLOSURE = 4;
const NO_FIELDS: Readonly<Record<string, FieldState>> = Object.freeze({});
const NO_NAMES: readonly string[] = Object.freeze([]);

/**
 * A slot's permitted lists kept as plain arrays by cap outcome (see `FieldPlan.permittedTable`):
 * the editable fields for a write, the visible ones otherwise, chosen once for the slot.
 */
interface Lists {
  /** The cap mask's case in the engine's mask table (-1: use `mask`, or no caps when null). */
  readonly shape: number;
  readonly parts: readonly unknown[];
  readonly mask: ((record: Row) => number) | null;
  /**
   * The action plan's yes/no and the mask in one case of the lists table (-1: none), for a
   * plan decided by the record whose fields have caps.
   */
  readonly check: number;
  readonly checkParts: readonly unknown[];
  /** The list by mask, filled on first use. */
  readonly kept: (readonly string[] | undefined)[];
  fill(mask: number): readonly string[];
}

function listsOf(fields: FieldPlan, plan: ActionPlan, kind: number, write: boolean): Lists | null {
  const table = fields.permittedTable();
  if (table === undefined) return null;
  const check =
    kind !== BY_RECORD || table.mask === null ? undefined : plan.listCheck(table.conditions);
  const lists: Lists = {
    shape: table.mask?.shape ?? -1,
    parts: table.mask?.parts ?? [],
    mask: table.mask?.mask ?? null,
    check: check?.shape ?? -1,
    checkParts: check?.parts ?? [],
    kept: [],
    fill: (mask) => {
      const found = table.at(mask);
      return (lists.kept[mask] = write ? found.editable : found.visible);
    },
  };
  return lists;
}

/** Writing actions list the fields a member may set; the others the fields it may see. */
function writes(action: Action): boolean {
  return action === 'create' || action === 'update';
}

export class Judge {
  /** The member id the judge was bound to. */
  readonly member: string;
  private readonly plans: PlanSource;
  private plan: MemberPlan | undefined;
  /**
   * The built action plans by `object index × 6 + action index`, in flat arrays held by the
   * judge: the hot path reads a slot instead of walking the member's plan tree
   * (whose scattered objects cost cache misses when many members are judged in turn). Left
   * empty for a member with temporary grants, whose plans change with the clock.
   */
  private readonly table: (ActionPlan | undefined)[] = [];
  /** Per slot, what the plan needs to answer (small integers: a compact array read first). */
  private readonly kinds: number[] = [];
  /** Per slot, the plan's case in the engine's code table and the values it runs with. */
  private readonly shapes: number[] = [];
  private readonly parts: (readonly unknown[])[] = [];
  /** Per slot, the permitted-field lists by cap outcome (null: the plan has too many caps). */
  private readonly listTable: (Lists | null | undefined)[] = [];

  /** The policy's object names, held here so the hot path reads one object less. */
  private readonly names: readonly string[];
  private readonly allowsCode: CodeTable<boolean>;
  private readonly masksCode: CodeTable<number>;
  private readonly listsCode: CodeTable<number>;

  /** Use `Engine.for`. */
  constructor(plans: PlanSource, member: string) {
    this.plans = plans;
    this.names = plans.objectNames;
    this.allowsCode = plans.code.allows;
    this.masksCode = plans.code.masks;
    this.listsCode = plans.code.lists;
    this.member = member;
    this.plan = plans.memberPlan(member);
  }

  /** The table slot of (action, object), or -1 when there is none (or the plan is timed). */
  private slotOf(action: Action, object: string): number {
    const names = this.names;
    for (let i = 0; i < names.length; i++)
      if (names[i] === object) {
        const a = actionIndex(action);
        return a < 0 ? -1 : i * ACTION_COUNT + a;
      }
    return -1;
  }

  /** Whether the judge's member is a member of the org; a stranger is denied everything. */
  get known(): boolean {
    return this.plan !== undefined;
  }

  /**
   * A number that changes whenever the member's decisions may have (a temporary grant started
   * or ended): what an enforcement point keys anything it keeps per member by. -1 for a stranger.
   */
  version(): number {
    return this.current()?.version ?? -1;
  }

  /** May the member do `action` on `object` (on `record`, when given)? */
  can(action: Action, object: string, record?: Row): boolean {
    const slot = this.slotOf(action, object);
    // Plans granted nowhere or everywhere are answered from the kinds table alone.
    switch (slot < 0 ? undefined : this.kinds[slot]) {
      case DENIED:
        return false;
      case EVERYWHERE:
        return true;
      case BY_RECORD:
        return record === undefined || this.allowsOn(slot, record);
      case BY_CLOSURE:
        return record === undefined || (this.table[slot] as ActionPlan).allows(record);
      default: {
        const plan = this.objectPlan(object);
        return plan !== undefined && this.allowsIn(plan, action, record);
      }
    }
  }

  /** The decision with its scope, host filter and reasons. */
  decide(action: Action, object: string, record?: Row): Decision {
    const plan = this.objectPlan(object);
    return plan ? this.decideIn(plan, action, record) : this.unknown(object);
  }

  /** The host filter selecting exactly the records `decide` allows. */
  filter(action: Action, object: string): Condition {
    return this.decide(action, object).filter;
  }

  /**
   * Field states for the action: every field the policy or data model names. With a record, its
   * `when` rules apply; when the action is denied, every field is hidden.
   */
  fields(action: Action, object: string, record?: Row): Readonly<Record<string, FieldState>> {
    const plan = this.objectPlan(object);
    if (!plan) return NO_FIELDS;
    const fields = this.fieldPlan(plan, action);
    return this.allowsIn(plan, action, record) ? fields.statesFor(record) : fields.hidden;
  }

  /**
   * The fields the member may set (create, update) or see (other actions; masked counts), as a
   * frozen list shared between calls; empty when the action is denied.
   */
  permittedFields(action: Action, object: string, record?: Row): readonly string[] {
    const slot = this.slotOf(action, object);
    const lists = slot < 0 ? undefined : this.listTable[slot];
    if (lists === undefined || lists === null)
      return this.permittedFirst(slot, action, object, record);
    if (this.kinds[slot] === DENIED) return NO_NAMES;
    const mask = record === undefined ? 0 : this.maskOn(slot, lists, record);
    if (mask < 0) return NO_NAMES;
    return lists.kept[mask] ?? lists.fill(mask);
  }

  /** `permittedFields` before the slot's lists are kept (or for plans with too many caps). */
  private permittedFirst(
    slot: number,
    action: Action,
    object: string,
    record: Row | undefined,
  ): readonly string[] {
    const plan = this.objectPlan(object);
    if (!plan) return NO_NAMES;
    // The action plan is built (and its slot filled) before the lists are kept for the slot.
    const fields = this.fieldPlan(plan, action);
    const allowed = this.allowsIn(plan, action, record);
    const built = slot < 0 ? undefined : this.table[slot];
    const kind = slot < 0 ? undefined : this.kinds[slot];
    if (built !== undefined && kind !== undefined && this.listTable[slot] === undefined)
      this.listTable[slot] = listsOf(fields, built, kind, writes(action));
    return allowed ? fields.permitted(record, writes(action)) : NO_NAMES;
  }

  /**
   * The field states that hold for every record the member may act on (each `when` cap applied):
   * what the member may filter, sort, group or aggregate by without learning a capped value.
   */
  fieldFloor(action: Action, object: string): Readonly<Record<string, FieldState>> {
    const plan = this.objectPlan(object);
    if (!plan) return NO_FIELDS;
    const fields = this.plans.fieldPlan(plan, action);
    return this.decideIn(plan, action, undefined).effect === 'deny' ? fields.hidden : fields.floor;
  }

  /** One field's state, including fields the policy does not name (they take `default`). */
  fieldState(action: Action, object: string, field: string, record?: Row): FieldState {
    const plan = this.objectPlan(object);
    if (!plan || !this.allowsIn(plan, action, record)) return 'hidden';
    const fields = this.fieldPlan(plan, action);
    const states = fields.statesFor(record);
    return Object.hasOwn(states, field)
      ? (states[field] as FieldState)
      : stateOf(fields.codeFor(field, record));
  }

  /** The decision and the field states in one call, with one lookup of the plan. */
  authorize(action: Action, object: string, record?: Row): Authorization {
    const plan = this.objectPlan(object);
    if (!plan) return { decision: this.unknown(object), fields: NO_FIELDS };
    const decision = this.decideIn(plan, action, record);
    const fields = this.plans.fieldPlan(plan, action);
    return {
      decision,
      fields: decision.effect === 'deny' ? fields.hidden : fields.statesFor(record),
    };
  }

  /** Why a field has its state: the policy path that sets it. */
  explainField(action: Action, object: string, field: string, record?: Row): string {
    const plan = this.objectPlan(object);
    if (!plan) return `no-rule: ${field} hidden`;
    if (this.decideIn(plan, action, record).effect === 'deny')
      return `denied: ${field} hidden because ${action} is denied`;
    return this.plans.fieldPlan(plan, action).reasonFor(field, record);
  }

  /** The record as the member may read it (hidden fields absent, masks applied); null if not readable. */
  project(object: string, record: Row): Record<string, unknown> | null {
    const plan = this.objectPlan(object);
    if (!plan || !this.allowsIn(plan, 'read', record)) return null;
    return this.fieldPlan(plan, 'read').project(record);
  }

  /** -1 where the slot's plan denies the record, else which of its field plan's caps hold. */
  private maskOn(slot: number, lists: Lists, record: Row): number {
    if (lists.check >= 0) return this.listsCode.run(lists.check, lists.checkParts, record);
    const kind = this.kinds[slot];
    if (kind === BY_RECORD && !this.allowsOn(slot, record)) return -1;
    if (kind === BY_CLOSURE && !(this.table[slot] as ActionPlan).allows(record)) return -1;
    if (lists.mask === null) return 0;
    return lists.shape < 0
      ? lists.mask(record)
      : this.masksCode.run(lists.shape, lists.parts, record);
  }

  /** The slot's plan on a record, through the engine's code table (kind BY_RECORD). */
  private allowsOn(slot: number, record: Row): boolean {
    return this.allowsCode.run(
      this.shapes[slot] as number,
      this.parts[slot] as readonly unknown[],
      record,
    );
  }

  private current(): MemberPlan | undefined {
    const plan = this.plan;
    // Only a member with temporary grants depends on the clock; the others keep their plan.
    if (plan === undefined || !plan.timed) return plan;
    return (this.plan = this.plans.memberPlan(this.member));
  }

  private objectPlan(object: string): ObjectPlan | undefined {
    const member = this.current();
    if (member === undefined) return undefined;
    const objects = member.objects;
    for (let i = 0; i < objects.length; i++) {
      const plan = objects[i] as ObjectPlan;
      if (plan.object === object) return plan;
    }
    return this.plans.objectPlan(member, object);
  }

  private actionPlan(plan: ObjectPlan, action: Action): ActionPlan | undefined {
    const index = actionIndex(action);
    if (index < 0) return undefined;
    const built = plan.actions[index] ?? this.plans.actionPlan(plan, action);
    if (built && this.plan?.timed === false) {
      const slot = this.slotOf(action, plan.object);
      this.table[slot] = built;
      this.shapes[slot] = built.shape;
      this.parts[slot] = built.parts;
      this.kinds[slot] = !built.allowed
        ? DENIED
        : built.everywhere
          ? EVERYWHERE
          : built.shape < 0
            ? BY_CLOSURE
            : BY_RECORD;
    }
    return built;
  }

  /** The same answer as `decideIn(…).effect === 'allow'`, without a Decision. */
  private allowsIn(plan: ObjectPlan, action: Action, record: Row | undefined): boolean {
    const actionPlan = this.actionPlan(plan, action);
    if (!actionPlan) return false;
    return record === undefined ? actionPlan.allowed : actionPlan.allows(record);
  }

  private fieldPlan(plan: ObjectPlan, action: Action): FieldPlan {
    return plan.fields[actionIndex(action)] ?? this.plans.fieldPlan(plan, action);
  }

  private decideIn(plan: ObjectPlan, action: Action, record: Row | undefined): Decision {
    const actionPlan = this.actionPlan(plan, action);
    if (!actionPlan) return unknownAction(action);
    return record === undefined ? actionPlan.decision() : decideRecord(actionPlan, record);
  }

  private unknown(object: string): Decision {
    if (this.plan === undefined)
      return denial([`unknown-member: "${this.member}" is not a member of the org`]);
    return denial([`unknown-object: "${object}" is not an object of the policy`]);
  }
}

function unknownAction(action: string): Decision {
  return denial([`unknown-action: "${action}" is not one of ${ACTIONS.join(', ')}`]);
}
