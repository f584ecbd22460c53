/** The records of a REST answer as the member may read them: hidden fields left out, masked ones masked. */
import { isJsonObject } from '../core/json.js';
import { PolicyChecks } from '../core/policy-checks.js';
import { stateReader } from '../core/field-states.js';
import type { Caller } from '../core/caller.js';
import type { GatewayModel, GatewayObject } from '../core/model.js';
import { RowTally } from '../core/row-tally.js';
import { isSearchVector } from '../core/search-vector.js';

type Json = Record<string, unknown>;

/** Judges records of `object` as the member may read them, nested relations included. */
export class RestProjector {
  readonly #checks: PolicyChecks;
  readonly tally = new RowTally();

  constructor(
    private readonly caller: Caller,
    private readonly model: GatewayModel,
  ) {
    this.#checks = new PolicyChecks(caller);
  }

  record(value: unknown, object: GatewayObject): Json | null {
    if (!isJsonObject(value)) return null;
    const projected = this.caller.judge.project(object.name, value);
    if (projected === null) return null;
    this.tally.record(object.name, value.id);
    const stateOf = stateReader(this.caller, object, 'read', value);
    const out: Json = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'id' || key === '__typename') {
        out[key] = inner;
        continue;
      }
      const field = object.fields.get(key);
      // A key that is no field of the object (nor a join column) is nothing the policy judges.
      if (!field && object.stateField(key) === key) continue;
      const relation = field?.type === 'RELATION' ? field.relation : undefined;
      if (relation) {
        const state = stateOf(key);
        if (state !== 'read' && state !== 'edit') continue;
        const target = this.model.objects.get(relation.targetObject);
        if (!target) continue;
        if (Array.isArray(inner))
          out[key] = inner
            .map((item) => this.record(item, target))
            .filter((item): item is Json => item !== null);
        else if (inner === null) out[key] = null;
        else {
          const related = this.record(inner, target);
          if (related !== null) out[key] = related;
        }
        continue;
      }
      // A search vector lists the words of the fields it is built from.
      if (isSearchVector(object, key) && !this.#checks.searchable(object)) continue;
      const stateName = object.stateField(key);
      if (stateName !== key) {
        const state = stateOf(stateName);
        if (state === 'read' || state === 'edit') out[key] = inner;
        continue;
      }
      if (Object.hasOwn(projected, key)) out[key] = projected[key];
    }
    return out;
  }
}
