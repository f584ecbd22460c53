/** The GraphQL operations behind the REST calls past plain records (operations.ts). */
import { objectTypeNames, resolverName } from '../../host/core-schema/names.js';
import { convertRestValue, type RestValueTarget } from '../../host/rest-values.js';
import { parseRestFilter } from '../../host/rest-filter.js';
import { fieldKind, compositeProperties } from '../../host/core-schema/field-types.js';
import { isJsonObject } from '../core/json.js';
import { Denial } from '../core/denial.js';
import type { HostAnswer } from '../core/host-answer.js';
import type { GatewayObject } from '../core/model.js';
import { restDepth } from './guarded-writes.js';
import { restRecordOf, restRecordSelection, type RestRecordSelection } from './record-selection.js';
import type { RestRoute } from './routes.js';
import type { RestDeps } from './request.js';
import type { RestProjector } from './projector.js';

type Json = Record<string, unknown>;

export type OperationKind =
  'duplicates' | 'groupBy' | 'restoreOne' | 'restoreMany' | 'merge' | 'updateMany' | 'deleteMany';

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** Twenty's words for a bad `group_by` (`parse-group-by-rest-request.util.ts`). */
const GROUP_BY_WORDS = `Invalid group_by query parameter - should be a valid array of objects - ex: [{"firstField": true}, {"secondField": {"subField": true}}, {"dateField": {"granularity": 'DAY'}}]`;
/** Twenty's words for a bad `aggregate` (`parse-aggregate-fields-rest-request.util.ts`). */
const AGGREGATE_WORDS =
  'Invalid aggregate query parameter - should be a valid array of string - ex: ["countNotEmptyId", "countEmptyField"]';

function badRequest(message: string): Denial {
  return new Denial('BAD_USER_INPUT', message);
}

function jsonParam(text: string | null, words: string): unknown {
  if (text === null) throw badRequest(words);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest(words);
  }
}

/** The type a filter value on this path takes in GraphQL, as Twenty's REST parser converts it. */
function targetOf(object: GatewayObject, path: readonly string[]): RestValueTarget {
  const [key, sub] = path;
  if (key === undefined) return 'any';
  const field = object.fields.get(object.stateField(key));
  if (!field) return 'any';
  const kind = fieldKind(object.metadata, field);
  if (kind.kind === 'manyToOne' || kind.kind === 'enum') return 'string';
  if (kind.kind === 'atomic') {
    const scalar = kind.mapping.scalar;
    if (scalar === 'Float' || scalar === 'Int' || scalar === 'BigFloat') return 'number';
    if (scalar === 'Boolean') return 'boolean';
    return ['String', 'UUID', 'DateTime', 'Date'].includes(scalar) ? 'string' : 'any';
  }
  if (kind.kind === 'composite' && sub !== undefined) {
    const property = compositeProperties(kind.type).find((p) => p.name === sub);
    if (property?.type === 'NUMBER') return 'number';
    if (property?.type === 'TEXT' || property?.type === 'UUID' || property?.type === 'SELECT')
      return 'string';
  }
  return 'any';
}

/** A parsed REST filter with its values typed for the GraphQL filter input. */
function typedFilter(
  object: GatewayObject,
  filter: unknown,
  path: readonly string[] = [],
): unknown {
  if (Array.isArray(filter)) return filter.map((item: unknown) => typedFilter(object, item, path));
  if (!isJsonObject(filter)) return filter;
  const out: Json = {};
  for (const [key, value] of Object.entries(filter)) {
    if (path.length === 0 && (key === 'and' || key === 'or' || key === 'not'))
      out[key] = typedFilter(object, value, []);
    else if (isJsonObject(value)) out[key] = typedFilter(object, value, [...path, key]);
    else out[key] = key === 'is' ? value : convertRestValue(value, targetOf(object, path));
  }
  return out;
}

/** The `filter` parameter as a GraphQL filter, or undefined when absent or empty. */
function filterOf(object: GatewayObject, params: URLSearchParams): Json | undefined {
  const text = params.get('filter');
  if (text === null || text === '') return undefined;
  const parsed = parseRestFilter(text);
  if (!parsed.ok) throw badRequest(`filter: ${parsed.error.message}`);
  return typedFilter(object, parsed.filter) as Json;
}

function depthOf(params: URLSearchParams): 0 | 1 {
  const depth = restDepth(params);
  if (typeof depth === 'string') throw badRequest(depth);
  return depth;
}

export interface Operation {
  readonly query: string;
  readonly variables: Json;
  readonly field: string;
  readonly answer: (value: unknown, projector: RestProjector) => HostAnswer['body'];
}

/** What every builder reads: the call, and how its records are selected and projected. */
interface Build {
  readonly route: RestRoute & { readonly kind: OperationKind };
  readonly params: URLSearchParams;
  readonly body: unknown;
  readonly object: GatewayObject;
  readonly names: ReturnType<typeof objectTypeNames>;
  readonly meta: GatewayObject['metadata'];
  readonly record: (depth: 0 | 1) => RestRecordSelection;
  readonly one: (value: unknown, projector: RestProjector, depth: 0 | 1) => Json | null;
  readonly many: (value: unknown, projector: RestProjector, depth: 0 | 1) => Json[];
}

function duplicatesOperation(c: Build): Operation {
  const { params, body, object, names, meta, record, many } = c;
  const depth = depthOf(params);
  const input = isJsonObject(body) ? body : {};
  const field = resolverName(meta, 'findDuplicates');
  const key = `${object.name}Duplicates`;
  return {
    query: `query TiergateRestDuplicates($ids: [UUID], $data: [${names.create}]) { ${field}(ids: $ids, data: $data) { edges { node { ${record(depth).text} } } } }`,
    variables: {
      ...(input.ids === undefined ? {} : { ids: input.ids }),
      ...(input.data === undefined ? {} : { data: input.data }),
    },
    field,
    answer: (value, projector) => ({
      data: (Array.isArray(value) ? value : []).map((connection: unknown) => {
        const edges =
          isJsonObject(connection) && Array.isArray(connection.edges) ? connection.edges : [];
        const nodes = edges.map((edge: unknown) => (isJsonObject(edge) ? edge.node : null));
        return { [key]: many(nodes, projector, depth) };
      }),
    }),
  };
}

function groupByOperation(c: Build): Operation {
  const { params, object, names, meta, record, many } = c;
  const depth = depthOf(params);
  const groupBy = jsonParam(params.get('group_by'), GROUP_BY_WORDS);
  const aggregateText = params.get('aggregate');
  const aggregates = aggregateText === null ? [] : jsonParam(aggregateText, AGGREGATE_WORDS);
  if (
    !Array.isArray(aggregates) ||
    !aggregates.every((a): a is string => typeof a === 'string' && /^[A-Za-z_]\w*$/.test(a))
  )
    throw badRequest(AGGREGATE_WORDS);
  const withRecords = params.get('include_records_sample') === 'true';
  const limitText = params.get('limit');
  if (limitText !== null && !/^\d{1,9}$/.test(limitText))
    throw badRequest(`limit '${limitText}' is invalid. Should be an integer`);
  const orderText = params.get('order_by_for_records');
  const orderByForRecords =
    orderText === null
      ? undefined
      : orderText.split(',').map((item) => {
          const match = /^([A-Za-z_][\w.]*)(?:\[(\w+)\])?$/.exec(item);
          if (!match?.[1]) throw badRequest(`'order_by_for_records' item '${item}' invalid`);
          return match[1]
            .split('.')
            .reverse()
            .reduce<unknown>((inner, name) => ({ [name]: inner }), match[2] ?? 'AscNullsFirst');
        });
  const field = resolverName(meta, 'groupBy');
  const filter = filterOf(object, params);
  const records = withRecords ? `edges { node { ${record(depth).text} } }` : '';
  return {
    query: `query TiergateRestGroupBy($groupBy: [${names.groupBy}!]!, $filter: ${names.filter}, $orderByForRecords: [${names.orderBy}], $limit: Int) { ${field}(groupBy: $groupBy, filter: $filter, orderByForRecords: $orderByForRecords, limit: $limit) { groupByDimensionValues ${aggregates.join(' ')} ${records} } }`,
    variables: {
      groupBy,
      ...(filter ? { filter } : {}),
      ...(orderByForRecords ? { orderByForRecords } : {}),
      ...(limitText === null ? {} : { limit: Number(limitText) }),
    },
    field,
    answer: (value, projector) =>
      (Array.isArray(value) ? value : []).filter(isJsonObject).map((group) => {
        const { edges, ...rest } = group;
        if (!withRecords) return rest;
        const nodes = (Array.isArray(edges) ? edges : []).map((edge: unknown) =>
          isJsonObject(edge) ? edge.node : null,
        );
        return { ...rest, records: many(nodes, projector, depth) };
      }),
  };
}

function restoreOneOperation(c: Build): Operation {
  const { params, meta, record, one, route } = c;
  const depth = depthOf(params);
  const field = resolverName(meta, 'restoreOne');
  return {
    query: `mutation TiergateRestRestoreOne($id: UUID!) { ${field}(id: $id) { ${record(depth).text} } }`,
    variables: { id: route.id },
    field,
    answer: (value, projector) => ({ data: { [field]: one(value, projector, depth) } }),
  };
}

function restoreManyOperation(c: Build): Operation {
  const { params, object, names, meta, record, many } = c;
  const depth = depthOf(params);
  const field = resolverName(meta, 'restoreMany');
  return {
    query: `mutation TiergateRestRestoreMany($filter: ${names.filter}!) { ${field}(filter: $filter) { ${record(depth).text} } }`,
    variables: { filter: filterOf(object, params) ?? {} },
    field,
    answer: (value, projector) => ({ data: { [field]: many(value, projector, depth) } }),
  };
}

function mergeOperation(c: Build): Operation {
  const { params, body, object, meta, record, one } = c;
  const depth = depthOf(params);
  const input = isJsonObject(body) ? body : {};
  const field = resolverName(meta, 'mergeMany');
  const key = `merge${capitalized(object.name)}`;
  return {
    query: `mutation TiergateRestMerge($ids: [UUID!]!, $index: Int!, $dryRun: Boolean) { ${field}(ids: $ids, conflictPriorityIndex: $index, dryRun: $dryRun) { ${record(depth).text} } }`,
    variables: {
      ids: input.ids,
      index: input.conflictPriorityIndex,
      ...(input.dryRun === undefined ? {} : { dryRun: input.dryRun }),
    },
    field,
    answer: (value, projector) => ({ data: { [key]: one(value, projector, depth) } }),
  };
}

function updateManyOperation(c: Build): Operation {
  const { params, body, object, names, meta, record, many } = c;
  if (!isJsonObject(body)) throw badRequest('The body must be a record');
  const depth = depthOf(params);
  const field = resolverName(meta, 'updateMany');
  return {
    query: `mutation TiergateRestUpdateMany($filter: ${names.filter}!, $data: ${names.update}!) { ${field}(filter: $filter, data: $data) { ${record(depth).text} } }`,
    variables: { filter: filterOf(object, params) ?? {}, data: body },
    field,
    answer: (value, projector) => ({ data: { [field]: many(value, projector, depth) } }),
  };
}

function deleteManyOperation(c: Build): Operation {
  const { params, object, names, meta } = c;
  const soft = params.get('soft_delete') === 'true';
  const filter = filterOf(object, params);
  // `rest-api-delete-many.handler.ts` / `rest-api-destroy-many.handler.ts`, word for word.
  if (filter === undefined || Object.keys(filter).length === 0)
    throw badRequest(
      `Filters are mandatory for bulk ${soft ? 'delete' : 'destroy'} operations. Please provide at least one filter to prevent accidental deletion of all records.`,
    );
  const field = resolverName(meta, soft ? 'deleteMany' : 'destroyMany');
  const key = resolverName(meta, 'deleteMany');
  return {
    query: `mutation TiergateRestDeleteMany($filter: ${names.filter}!) { ${field}(filter: $filter) { id } }`,
    variables: { filter },
    field,
    answer: (value, projector) => ({
      data: {
        [key]: (Array.isArray(value) ? value : [])
          .filter(isJsonObject)
          .map((item) => projector.record({ id: item.id }, object))
          .filter((item): item is Json => item !== null),
      },
    }),
  };
}

const BUILDERS: Readonly<Record<OperationKind, (c: Build) => Operation>> = {
  duplicates: duplicatesOperation,
  groupBy: groupByOperation,
  restoreOne: restoreOneOperation,
  restoreMany: restoreManyOperation,
  merge: mergeOperation,
  updateMany: updateManyOperation,
  deleteMany: deleteManyOperation,
};

/** The GraphQL operation a REST call is enforced as, and how its answer is reshaped. */
export function buildOperation(
  route: RestRoute & { readonly kind: OperationKind },
  params: URLSearchParams,
  body: unknown,
  deps: RestDeps,
): Operation {
  const { object } = route;
  const record = (depth: 0 | 1) => restRecordSelection(deps.caller, deps.model, object, depth);
  const one = (value: unknown, projector: RestProjector, depth: 0 | 1) =>
    projector.record(restRecordOf(value, record(depth)), object);
  const many = (value: unknown, projector: RestProjector, depth: 0 | 1) =>
    (Array.isArray(value) ? value : [])
      .map((item: unknown) => one(item, projector, depth))
      .filter((item): item is Json => item !== null);
  const names = objectTypeNames(object.name);
  return BUILDERS[route.kind]({
    route,
    params,
    body,
    object,
    names,
    meta: object.metadata,
    record,
    one,
    many,
  });
}
