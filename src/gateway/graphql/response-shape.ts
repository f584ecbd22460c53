/** The response keys of a prepared operation's selections, and what each is: read once per operation. */
import {
  getNamedType,
  isObjectType,
  Kind as AstKind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type SelectionSetNode,
} from 'graphql';
import type { GatewayModel, TypeRole } from '../core/model.js';

/** What a response key is, on the type its shape describes; decided once per shape. */
type KeyKind =
  | 'typename'
  | 'stripped'
  | 'id'
  | 'scalar'
  | 'composite'
  | 'join'
  | 'relation'
  | 'object'
  | 'unknown';

export interface Entry {
  readonly name: string;
  readonly stripped: boolean;
  readonly sets: readonly SelectionSetNode[];
  kind: KeyKind;
  type: GraphQLOutputType | undefined;
  /** The field whose state governs this one (a join column's relation). */
  stateName: string;
  /** Built on first use: the shape below this key. */
  child?: Shape | undefined;
}

export interface ShapeContext {
  readonly model: GatewayModel;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly stripped: WeakSet<FieldNode>;
}

/**
 * The response keys of a list of selection sets on one type, fragments expanded, each with
 * what it is: built once per prepared operation and reused for every record of every answer.
 */
export class Shape {
  readonly #entries = new Map<string, Entry>();
  readonly role: TypeRole | undefined;
  /** For an edge: the key its node is under. */
  readonly nodeKey: string;

  constructor(
    readonly type: GraphQLObjectType,
    sets: readonly SelectionSetNode[],
    private readonly context: ShapeContext,
  ) {
    this.role = context.model.typeRole(type.name);
    const seen = new Set<string>();
    for (const set of sets) this.#collect(set, seen);
    this.#classify();
    this.nodeKey = this.keyOf('node') ?? 'node';
  }

  /** Gathers the response keys of a selection set, fragments expanded once each. */
  #collect(set: SelectionSetNode, seen: Set<string>): void {
    for (const selection of set.selections) {
      if (selection.kind === AstKind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const found = this.#entries.get(key);
        const more = selection.selectionSet ? [selection.selectionSet] : [];
        if (found)
          this.#entries.set(key, {
            ...found,
            stripped: found.stripped && this.context.stripped.has(selection),
            sets: [...found.sets, ...more],
          });
        else
          this.#entries.set(key, {
            name: selection.name.value,
            stripped: this.context.stripped.has(selection),
            sets: more,
            kind: 'unknown',
            type: undefined,
            stateName: selection.name.value,
          });
      } else if (selection.kind === AstKind.INLINE_FRAGMENT)
        this.#collect(selection.selectionSet, seen);
      else {
        const name = selection.name.value;
        const fragment = this.context.fragments.get(name);
        if (fragment && !seen.has(name)) {
          seen.add(name);
          this.#collect(fragment.selectionSet, seen);
        }
      }
    }
  }

  /** Decides once what each key is, on this shape's type. */
  #classify(): void {
    const fields = this.type.getFields();
    const object = this.role?.kind === 'record' ? this.role.object : undefined;
    for (const entry of this.#entries.values()) {
      if (entry.stripped) entry.kind = 'stripped';
      else if (entry.name === '__typename') entry.kind = 'typename';
      else {
        const field = fields[entry.name];
        if (!field) continue;
        entry.type = field.type;
        const named = getNamedType(field.type);
        const related = this.context.model.typeRole(named.name);
        if (object === undefined) entry.kind = isObjectType(named) ? 'object' : 'scalar';
        else if (entry.name === 'id') entry.kind = 'id';
        else if (related) entry.kind = 'relation';
        else if (object.stateField(entry.name) !== entry.name) entry.kind = 'join';
        else entry.kind = isObjectType(named) ? 'composite' : 'scalar';
        if (object) entry.stateName = object.stateField(entry.name);
      }
    }
  }

  entry(key: string): Entry | undefined {
    return this.#entries.get(key);
  }

  entries(): IterableIterator<[string, Entry]> {
    return this.#entries.entries();
  }

  /** The first response key that selects the field `name`. */
  keyOf(name: string): string | undefined {
    for (const [key, entry] of this.#entries) if (entry.name === name) return key;
    return undefined;
  }

  /** The shape below a key (built once). */
  child(entry: Entry): Shape | undefined {
    if (entry.child) return entry.child;
    const named = entry.type ? getNamedType(entry.type) : undefined;
    if (!isObjectType(named)) return undefined;
    entry.child = new Shape(named, entry.sets, this.context);
    return entry.child;
  }
}
