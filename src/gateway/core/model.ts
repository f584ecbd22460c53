/**
 * What the gateway knows of the host's data model: the core GraphQL schema Twenty generates
 * from it (src/host/core-schema), and the maps from that schema back to objects and fields
 * that enforcement needs — which object a record, connection or edge type belongs to, which
 * object and resolver method a root field is, which field an aggregate or a join column reads.
 */
import type { GraphQLSchema } from 'graphql';
import { fieldAggregates, TOTAL_COUNT } from '../../host/core-schema/aggregates.js';
import { buildCoreSchema } from '../../host/core-schema/build-schema.js';
import {
  MUTATION_METHODS,
  objectTypeNames,
  QUERY_METHODS,
  resolverName,
  type ResolverMethod,
} from '../../host/core-schema/names.js';
import {
  capitalize,
  joinColumnOf,
  type FieldMetadata,
  type ObjectMetadata,
} from '../../host/core-schema/object-metadata.js';

export interface GatewayObject {
  readonly metadata: ObjectMetadata;
  readonly name: string;
  readonly fields: ReadonlyMap<string, FieldMetadata>;
  /** The field whose state governs a schema field: a join column (`companyId`) follows its relation. */
  stateField(name: string): string;
  /**
   * The field an aggregate reads (`countEmptyAmount` → `amount`), or its sub-field
   * (`sumAmountAmountMicros` → `amount.amountMicros`); null for `totalCount`.
   */
  aggregateField(name: string): string | null | undefined;
  /** The object a relation field leads to (`company` → company). */
  relatedObject(name: string): GatewayObject | undefined;
}

export interface RootField {
  readonly object: GatewayObject;
  readonly method: ResolverMethod;
}

export type TypeRole =
  | { readonly kind: 'record'; readonly object: GatewayObject }
  | { readonly kind: 'connection'; readonly object: GatewayObject; readonly groupBy: boolean }
  | { readonly kind: 'edge'; readonly object: GatewayObject };

/**
 * A CURRENCY field's min, max, avg and sum read its `amountMicros` only
 * (twentyhq/twenty `.../workspace-schema-builder/utils/get-available-aggregations-from-object-
 * fields.util.ts`, `subFieldForNumericOperation`); its counts read the whole value.
 */
function aggregateReads(field: FieldMetadata, aggregate: string): string {
  const numeric = `${capitalize(field.name)}AmountMicros`;
  return field.type === 'CURRENCY' && aggregate.endsWith(numeric)
    ? `${field.name}.amountMicros`
    : field.name;
}

function objectOf(
  metadata: ObjectMetadata,
  lookup: (name: string) => GatewayObject | undefined,
): GatewayObject {
  const fields = new Map(metadata.fields.map((f) => [f.name, f] as const));
  const joins = new Map<string, string>();
  const aggregates = new Map<string, string | null>([[TOTAL_COUNT.name, null]]);
  for (const field of metadata.fields) {
    const join = joinColumnOf(field);
    if (join !== undefined) joins.set(join, field.name);
    for (const aggregate of fieldAggregates(field))
      aggregates.set(aggregate.name, aggregateReads(field, aggregate.name));
  }
  return {
    metadata,
    name: metadata.nameSingular,
    fields,
    stateField: (name) => joins.get(name) ?? name,
    aggregateField: (name) => aggregates.get(name),
    relatedObject: (name) => {
      const target = fields.get(name)?.relation?.targetObject;
      return target === undefined ? undefined : lookup(target);
    },
  };
}

export class GatewayModel {
  readonly schema: GraphQLSchema;
  readonly objects: ReadonlyMap<string, GatewayObject>;
  readonly #roots = new Map<string, RootField>();
  readonly #types = new Map<string, TypeRole>();

  constructor(objects: readonly ObjectMetadata[]) {
    this.schema = buildCoreSchema(objects);
    const byName = new Map<string, GatewayObject>();
    for (const metadata of objects) {
      const object = objectOf(metadata, (name) => byName.get(name));
      byName.set(object.name, object);
      for (const method of [...QUERY_METHODS, ...MUTATION_METHODS])
        this.#roots.set(resolverName(metadata, method), { object, method });
      const names = objectTypeNames(metadata.nameSingular);
      this.#types.set(names.plain, { kind: 'record', object });
      this.#types.set(names.connection, { kind: 'connection', object, groupBy: false });
      this.#types.set(names.groupByConnection, { kind: 'connection', object, groupBy: true });
      this.#types.set(names.edge, { kind: 'edge', object });
    }
    this.objects = byName;
  }

  /** The object a REST path names by its plural (`companies`). */
  byPlural(namePlural: string): GatewayObject | undefined {
    for (const object of this.objects.values())
      if (object.metadata.namePlural === namePlural) return object;
    return undefined;
  }

  /** The object and method behind a root field of Query or Mutation. */
  root(fieldName: string): RootField | undefined {
    return this.#roots.get(fieldName);
  }

  /** What a named output type is to the gateway, when it is an object's type. */
  typeRole(typeName: string): TypeRole | undefined {
    return this.#types.get(typeName);
  }
}
