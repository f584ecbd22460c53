/**
 * The limits measured on a parsed document: depth, aliases, directives, cost and page size.
 * Where this differs from graphql-armor, and why:
 * - Fragments are transparent: a query measures the same written inline or with fragments
 *   (graphql-armor's `flattenFragments: true`).
 * - Each fragment is measured once and reused at each spread, so a "fragment bomb" is refused
 *   in linear time while its aliases, directives and cost still count once per spread.
 * - A fragment that spreads itself is refused as a depth violation, so nothing that walks a
 *   document after these checks meets a cycle (RELIABILITY.md §4).
 * - Introspection is not exempted: the gateway refuses it elsewhere.
 */
import { Kind } from 'graphql';
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';
import {
  COST,
  FREE_ALIASES,
  PAGE_SIZE_ARGUMENTS,
  type GraphqlLimitName,
  type GraphqlLimits,
  type LimitViolation,
} from './limits.js';

/**
 * The first limit the request exceeds, or undefined. Measures the operation that will run:
 * the one named `operationName`, or the only one. When that is ambiguous (no such name, or
 * several operations and no name), Twenty will refuse to run the document, and every
 * operation is measured so that nothing slips through.
 *
 * Named and inline fragments are expanded (see the module comment); fragments that no
 * selected operation spreads are not measured. Page sizes are read from `first`, `last` and
 * `limit` arguments written inline, passed as variables, or taken from a variable's default.
 * An absent argument is not measured: Twenty then serves its own default page (QUERY_MAX_RECORDS
 * for a root find-many), so a `maxPageSize` below QUERY_MAX_RECORDS does not bound those pages.
 *
 * Checks run in this order: depth, aliases, directives, cost, page size.
 */
export function checkDocument(
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>> | undefined,
  operationName: string | undefined,
  limits: GraphqlLimits,
): LimitViolation | undefined {
  const measurer = new DocumentMeasurer(document);
  for (const operation of selectOperations(document, operationName)) {
    const violation =
      measurer.violation(operation, limits) ??
      new PageSizeScan(
        operation,
        measurer.fragments,
        variables ?? {},
        limits.maxPageSize,
      ).selectionSet(operation.selectionSet, '');
    if (violation !== undefined) return violation;
  }
  return undefined;
}

function selectOperations(
  document: DocumentNode,
  operationName: string | undefined,
): readonly OperationDefinitionNode[] {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  const selected =
    operationName === undefined
      ? operations
      : operations.filter((operation) => operation.name?.value === operationName);
  return selected.length === 1 ? selected : operations;
}

/** What a selection set measures, relative to where it sits. */
interface Measure {
  /** Levels of fields below (and including) the set's own fields: 1 for `{ id }`. */
  readonly depth: number;
  readonly cost: number;
  readonly aliases: number;
  readonly directives: number;
}

const NOTHING: Measure = { depth: 0, cost: 0, aliases: 0, directives: 0 };

/** Thrown inside the measurer when a fragment spreads itself; caught in `violation`. */
class FragmentCycle extends Error {
  override readonly name = 'FragmentCycle';

  constructor(readonly names: readonly string[]) {
    super(`fragment cycle ${names.join(' → ')}`);
  }
}

/** Measures operations, each fragment once whatever the number of its spreads. */
class DocumentMeasurer {
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  private readonly measured = new Map<string, Measure>();
  private readonly measuring: string[] = [];

  constructor(document: DocumentNode) {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        fragments.set(definition.name.value, definition);
      }
    }
    this.fragments = fragments;
  }

  violation(operation: OperationDefinitionNode, limits: GraphqlLimits): LimitViolation | undefined {
    let measure: Measure;
    try {
      measure = this.selectionSet(operation.selectionSet);
    } catch (error) {
      if (!(error instanceof FragmentCycle)) throw error;
      this.measuring.length = 0;
      const max = limits.maxDepth;
      const message = `Query depth limit of ${max} exceeded: ${error.message}.`;
      return { limit: 'maxDepth', message, found: Number.POSITIVE_INFINITY, max };
    }
    const directives = measure.directives + (operation.directives?.length ?? 0);
    return (
      exceeds('maxDepth', 'Query depth', measure.depth, limits) ??
      exceeds('maxAliases', 'Aliases', measure.aliases, limits) ??
      exceeds('maxDirectives', 'Directives', directives, limits) ??
      exceeds('maxCost', 'Query Cost', measure.cost, limits)
    );
  }

  /**
   * graphql-armor's measures over the set's fields, fragments expanded in place: a leaf field
   * is 1 deep and costs scalarCost; a field with a selection is 1 deeper than it and costs
   * objectCost plus depthCostFactor times its cost.
   */
  private selectionSet(selectionSet: SelectionSetNode): Measure {
    let depth = 0;
    let cost = 0;
    let aliases = 0;
    let directives = 0;
    const add = (inner: Measure): void => {
      aliases += inner.aliases;
      directives += inner.directives;
    };
    for (const selection of selectionSet.selections) {
      directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias !== undefined && !FREE_ALIASES.includes(selection.alias.value)) {
          aliases += 1;
        }
        if (selection.selectionSet === undefined) {
          depth = Math.max(depth, 1);
          cost += COST.scalarCost;
          continue;
        }
        const inner = this.selectionSet(selection.selectionSet);
        depth = Math.max(depth, 1 + inner.depth);
        cost += COST.objectCost + COST.depthCostFactor * inner.cost;
        add(inner);
        continue;
      }
      const inner =
        selection.kind === Kind.INLINE_FRAGMENT
          ? this.selectionSet(selection.selectionSet)
          : this.fragment(selection.name.value);
      depth = Math.max(depth, inner.depth);
      cost += inner.cost;
      add(inner);
    }
    return { depth, cost, aliases, directives };
  }

  private fragment(name: string): Measure {
    const known = this.measured.get(name);
    if (known !== undefined) return known;
    const start = this.measuring.indexOf(name);
    if (start >= 0) throw new FragmentCycle([...this.measuring.slice(start), name]);
    const definition = this.fragments.get(name);
    // An unknown fragment selects nothing; Twenty's validation refuses the document.
    if (definition === undefined) return NOTHING;
    this.measuring.push(name);
    const inner = this.selectionSet(definition.selectionSet);
    this.measuring.pop();
    const measure = {
      ...inner,
      directives: inner.directives + (definition.directives?.length ?? 0),
    };
    this.measured.set(name, measure);
    return measure;
  }
}

function exceeds(
  limit: GraphqlLimitName,
  what: string,
  found: number,
  limits: GraphqlLimits,
): LimitViolation | undefined {
  const max = limits[limit];
  if (found <= max) return undefined;
  return { limit, message: `${what} limit of ${max} exceeded, found ${found}.`, found, max };
}

/**
 * Finds the first page-size argument above `max`, walking fields in document order with
 * fragments expanded (each once: its arguments are the same at every spread), and reports it at
 * its path of field names from the root (names, not response keys: an alias cannot disguise
 * where it is).
 */
class PageSizeScan {
  private readonly defaults = new Map<string, ValueNode>();
  private readonly expanded = new Set<string>();

  constructor(
    operation: OperationDefinitionNode,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Readonly<Record<string, unknown>>,
    private readonly max: number,
  ) {
    for (const definition of operation.variableDefinitions ?? []) {
      if (definition.defaultValue !== undefined) {
        this.defaults.set(definition.variable.name.value, definition.defaultValue);
      }
    }
  }

  selectionSet(selectionSet: SelectionSetNode, path: string): LimitViolation | undefined {
    for (const selection of selectionSet.selections) {
      let found: LimitViolation | undefined;
      if (selection.kind === Kind.FIELD) {
        const fieldPath = path === '' ? selection.name.value : `${path}.${selection.name.value}`;
        found = this.field(selection, fieldPath);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        found = this.selectionSet(selection.selectionSet, path);
      } else if (!this.expanded.has(selection.name.value)) {
        this.expanded.add(selection.name.value);
        const fragment = this.fragments.get(selection.name.value);
        if (fragment !== undefined) found = this.selectionSet(fragment.selectionSet, path);
      }
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private field(field: FieldNode, path: string): LimitViolation | undefined {
    for (const argument of field.arguments ?? []) {
      const name = argument.name.value;
      if (!PAGE_SIZE_ARGUMENTS.includes(name)) continue;
      const size = this.pageSize(argument.value);
      if (size !== undefined && size > this.max) {
        const message = `Page size limit of ${this.max} exceeded: ${name} is ${size} at ${path}.`;
        return { limit: 'maxPageSize', message, found: size, max: this.max };
      }
    }
    return field.selectionSet === undefined
      ? undefined
      : this.selectionSet(field.selectionSet, path);
  }

  /** The number an argument will carry: literal, variable, or the variable's default. */
  private pageSize(value: ValueNode): number | undefined {
    if (value.kind === Kind.INT || value.kind === Kind.FLOAT) return Number(value.value);
    if (value.kind !== Kind.VARIABLE) return undefined;
    const name = value.name.value;
    const given = Object.hasOwn(this.variables, name) ? this.variables[name] : undefined;
    // null asks for Twenty's default page; anything but a number Twenty refuses to coerce.
    if (given !== undefined) return typeof given === 'number' ? given : undefined;
    const fallback = this.defaults.get(name);
    return fallback === undefined ? undefined : this.pageSize(fallback);
  }
}
