/**
 * The REST routes past plain records: duplicates, merge and groupBy, each run as its core
 * GraphQL operation through a RestCall.
 */
import { objectTypeNames, resolverName } from '../../host/core-schema/names.js';
import type { SandboxAnswer } from '../server.js';
import { isObject, type RestCall } from './rest-call.js';
import { RestError } from './rest-errors.js';
import { parseFilterParam, parseLimit, parseOrderBy } from './rest-params.js';
import { restRecord } from './rest-selection.js';

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function parseJsonParam(text: string | undefined, message: string): unknown {
  if (text === undefined) throw RestError.badRequest(message);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw RestError.badRequest(message);
  }
}

/**
 * `POST /rest/<plural>/duplicates` with `{ data: [...] }` or `{ ids: [...] }`
 * (`rest-api-find-duplicates.handler.ts`): 200 `{ data: [{ <singular>Duplicates: [...],
 * totalCount, pageInfo }] }`, one entry per record given.
 */
export async function duplicates(call: RestCall, body: unknown): Promise<SandboxAnswer> {
  const input = isObject(body) ? body : {};
  const names = objectTypeNames(call.object.nameSingular);
  const field = resolverName(call.object, 'findDuplicates');
  const selection = call.selection();
  const source = `query RestFindDuplicates($ids: [UUID], $data: [${names.create}]) {
${field}(ids: $ids, data: $data) {
  edges { node { ${selection.text} } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  totalCount
}
}`;
  const data = await call.run(source, { ids: input.ids, data: input.data });
  const connections = (data[field] ?? []) as {
    edges?: { node: unknown }[];
    pageInfo?: unknown;
    totalCount?: unknown;
  }[];
  const key = `${call.object.nameSingular}Duplicates`;
  return {
    status: 200,
    body: {
      data: connections.map((connection) => ({
        [key]: (connection.edges ?? []).map((edge) => restRecord(edge.node, selection)),
        totalCount: connection.totalCount,
        pageInfo: connection.pageInfo,
      })),
    },
  };
}

/**
 * `PATCH /rest/<plural>/merge` with `{ ids, conflictPriorityIndex, dryRun }`
 * (`rest-api-merge-many.handler.ts`): 200 `{ data: { merge<Singular>: record } }`.
 */
export async function merge(call: RestCall, body: unknown): Promise<SandboxAnswer> {
  const input = isObject(body) ? body : {};
  const field = resolverName(call.object, 'mergeMany');
  const key = `merge${capitalized(call.object.nameSingular)}`;
  const selection = call.selection();
  const source = `mutation RestMerge($ids: [UUID!]!, $index: Int!, $dryRun: Boolean) {
${field}(ids: $ids, conflictPriorityIndex: $index, dryRun: $dryRun) { ${selection.text} }
}`;
  const data = await call.run(source, {
    ids: input.ids,
    index: input.conflictPriorityIndex,
    dryRun: input.dryRun,
  });
  return { status: 200, body: { data: { [key]: restRecord(data[field], selection) } } };
}

/**
 * `GET /rest/<plural>/groupBy?group_by=[...]` (`rest-api-group-by.handler.ts`): 200 with a
 * JSON array of groups, each `{ groupByDimensionValues, <aggregates asked in aggregate=[...]>,
 * records? }` (`records` with `include_records_sample=true`).
 */
export async function groupBy(call: RestCall): Promise<SandboxAnswer> {
  const groupBy = parseJsonParam(
    call.query.group_by,
    `Invalid group_by query parameter - should be a valid array of objects - ex: [{"firstField": true}, {"secondField": {"subField": true}}, {"dateField": {"granularity": 'DAY'}}]`,
  );
  const aggregates =
    call.query.aggregate === undefined
      ? []
      : parseJsonParam(
          call.query.aggregate,
          'Invalid aggregate query parameter - should be a valid array of string - ex: ["countNotEmptyId", "countEmptyField"]',
        );
  if (!Array.isArray(aggregates) || !aggregates.every((a) => /^[A-Za-z_]\w*$/.test(String(a)))) {
    throw RestError.badRequest(
      'Invalid aggregate query parameter - should be a valid array of string - ex: ["countNotEmptyId", "countEmptyField"]',
    );
  }
  const names = objectTypeNames(call.object.nameSingular);
  const field = resolverName(call.object, 'groupBy');
  const withRecords = call.query.include_records_sample === 'true';
  const selection = call.selection();
  const limit = call.query.limit === undefined ? undefined : parseLimit(call.query);
  const recordsPart = withRecords ? `edges { node { ${selection.text} } }` : '';
  const source = `query RestGroupBy($groupBy: [${names.groupBy}!]!, $filter: ${names.filter}, $orderByForRecords: [${names.orderBy}], $limit: Int) {
${field}(groupBy: $groupBy, filter: $filter, orderByForRecords: $orderByForRecords, limit: $limit) {
  groupByDimensionValues ${(aggregates as string[]).join(' ')} ${recordsPart}
}
}`;
  const orderForRecords =
    call.query.order_by_for_records === undefined
      ? undefined
      : parseOrderBy({ order_by: call.query.order_by_for_records });
  const data = await call.run(source, {
    groupBy,
    filter: parseFilterParam(call.object, call.query),
    orderByForRecords: orderForRecords,
    limit,
  });
  const groups = (data[field] ?? []) as Record<string, unknown>[];
  return {
    status: 200,
    body: groups.map((group) => {
      const { edges, ...rest } = group as { edges?: { node: unknown }[] };
      return withRecords
        ? { ...rest, records: (edges ?? []).map((edge) => restRecord(edge.node, selection)) }
        : rest;
    }),
  };
}
