/**
 * What the engine builds for one member: its sources, and per object the action plans and field
 * plans, each on first use (or all at once with `Engine.warm`). A member with temporary grants
 * has its plan rebuilt when a grant starts or ends; `validFrom`/`validUntil` say for how long a
 * plan holds.
 */
import type { ActionPlan } from './action-plan.js';
import type { PlanCode } from './code-table.js';
import type { FieldPlan } from './field-plan.js';
import type { Action } from './schema.js';
import type { Source } from './sources.js';

export interface ObjectPlan {
  readonly object: string;
  readonly memberId: string;
  readonly sources: readonly Source[];
  /** Built on first use, by action index. */
  readonly actions: (ActionPlan | undefined)[];
  /** Field states by action index; one plan shared by every action unless rules differ by action. */
  readonly fields: (FieldPlan | undefined)[];
}

export interface MemberPlan {
  readonly memberId: string;
  /** Changes whenever the plan is rebuilt (a temporary grant started or ended). */
  readonly version: number;
  readonly sources: readonly Source[];
  /** A handful per member: a scan by identity beats hashing the name. */
  readonly objects: ObjectPlan[];
  /** Whether any grant of the member, active or not, makes the plan depend on the clock. */
  readonly timed: boolean;
  /** The clock interval (ms) in which the member's active grants are these; unbounded without grants. */
  readonly validFrom: number;
  readonly validUntil: number;
}

/** An action's index in ACTIONS; a switch beats a Map lookup on the decision path. */
export function actionIndex(action: string): number {
  switch (action) {
    case 'read':
      return 0;
    case 'create':
      return 1;
    case 'update':
      return 2;
    case 'delete':
      return 3;
    case 'destroy':
      return 4;
    case 'export':
      return 5;
    default:
      return -1;
  }
}

/** What a judge asks of the engine that compiled it. */
export interface PlanSource {
  /** The policy's objects, in one shared order: a judge's plan table is laid out by it. */
  readonly objectNames: readonly string[];
  /** The engine's generated checks, which plans refer to by case (`ActionPlan.shape`). */
  readonly code: PlanCode;
  /** The member's plan valid at the clock's now; undefined for a stranger. */
  memberPlan(memberId: string): MemberPlan | undefined;
  /** The object's plan in a member plan; undefined for an object the policy does not know. */
  objectPlan(member: MemberPlan, object: string): ObjectPlan | undefined;
  /** The action plan (built on first use); undefined for an unknown action. */
  actionPlan(plan: ObjectPlan, action: Action): ActionPlan | undefined;
  fieldPlan(plan: ObjectPlan, action: Action): FieldPlan;
}
