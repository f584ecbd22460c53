/**
 * One REST request run as the core GraphQL operation it stands for, for the principal behind
 * its token; the answers take the shapes of Twenty's REST handlers (see rest-api.ts).
 */
import type { ExecutionResult } from 'graphql';
import { objectTypeNames, resolverName } from '../../host/core-schema/names.js';
import type { SandboxAnswer, SandboxServerOptions } from '../server.js';
import type { Principal, SandboxObject } from '../workspace.js';
import { fromGraphqlErrors, RestError } from './rest-errors.js';
import {
  parseDepth,
  parseFilterParam,
  parseLimit,
  parseOrderBy,
  parseSoftDelete,
  type Query,
} from './rest-params.js';
import type { Route } from './rest-routes.js';
import { restRecord, restSelection, type RestSelection } from './rest-selection.js';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class RestCall {
  constructor(
    private readonly options: SandboxServerOptions,
    private readonly route: Route,
    private readonly principal: Principal,
    readonly query: Query,
  ) {}

  get object(): SandboxObject {
    return this.route.object;
  }

  selection(): RestSelection {
    const state = this.options.getState();
    return restSelection(
      state,
      this.route.objects,
      this.object,
      this.principal,
      parseDepth(this.query),
    );
  }

  async run(source: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
    const result: ExecutionResult = await this.options.core.execute({
      source,
      variables,
      principal: this.principal,
    });
    if (result.errors && result.errors.length > 0) throw fromGraphqlErrors(result.errors);
    return result.data ?? {};
  }

  async findMany(): Promise<SandboxAnswer> {
    const names = objectTypeNames(this.object.nameSingular);
    const field = resolverName(this.object, 'findMany');
    const selection = this.selection();
    const limit = parseLimit(this.query);
    const before = this.query.ending_before;
    const after = this.query.starting_after;
    const variables = {
      filter: parseFilterParam(this.object, this.query),
      orderBy: parseOrderBy(this.query),
      first: before === undefined ? limit : undefined,
      last: before === undefined ? undefined : limit,
      before,
      after,
    };
    const source = `query RestFindMany($filter: ${names.filter}, $orderBy: [${names.orderBy}], $first: Int, $last: Int, $before: String, $after: String) {
  ${field}(filter: $filter, orderBy: $orderBy, first: $first, last: $last, before: $before, after: $after) {
    edges { node { ${selection.text} } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}`;
    const data = await this.run(source, variables);
    const connection = (data[field] ?? {}) as {
      edges?: { node: unknown }[];
      pageInfo?: unknown;
      totalCount?: unknown;
    };
    const records = (connection.edges ?? []).map((edge) => restRecord(edge.node, selection));
    return {
      status: 200,
      body: {
        data: { [this.object.namePlural]: records },
        totalCount: connection.totalCount,
        pageInfo: connection.pageInfo,
      },
    };
  }

  async findOne(id: string): Promise<SandboxAnswer> {
    const names = objectTypeNames(this.object.nameSingular);
    const field = resolverName(this.object, 'findOne');
    const selection = this.selection();
    const source = `query RestFindOne($filter: ${names.filter}!) {
  ${field}(filter: $filter) { ${selection.text} }
}`;
    const data = await this.run(source, { filter: { id: { eq: id } } });
    const record = data[field];
    if (record === null || record === undefined) throw RestError.notFound('Record not found');
    return {
      status: 200,
      body: { data: { [this.object.nameSingular]: restRecord(record, selection) } },
    };
  }

  async create(body: unknown, many: boolean): Promise<SandboxAnswer> {
    if (many && !Array.isArray(body)) throw RestError.badRequest('Body must be an array');
    if (many && (body as unknown[]).length === 0) {
      throw RestError.badRequest('Input must not be empty');
    }
    if (!many && !isObject(body)) throw RestError.badRequest('Body must be a JSON object');
    const names = objectTypeNames(this.object.nameSingular);
    const field = resolverName(this.object, many ? 'createMany' : 'createOne');
    const selection = this.selection();
    const input = many ? `[${names.create}!]!` : `${names.create}!`;
    const source = `mutation RestCreate($data: ${input}, $upsert: Boolean) {
  ${field}(data: $data, upsert: $upsert) { ${selection.text} }
}`;
    const data = await this.run(source, { data: body, upsert: this.query.upsert === 'true' });
    const result = data[field];
    const records = Array.isArray(result)
      ? (result as unknown[]).map((record) => restRecord(record, selection))
      : restRecord(result, selection);
    return { status: 201, body: { data: { [field]: records } } };
  }

  async update(id: string, body: unknown): Promise<SandboxAnswer> {
    if (!isObject(body)) throw RestError.badRequest('Body must be a JSON object');
    const names = objectTypeNames(this.object.nameSingular);
    const field = resolverName(this.object, 'updateOne');
    const selection = this.selection();
    const source = `mutation RestUpdate($id: UUID!, $data: ${names.update}!) {
  ${field}(id: $id, data: $data) { ${selection.text} }
}`;
    const data = await this.run(source, { id, data: body });
    return { status: 200, body: { data: { [field]: restRecord(data[field], selection) } } };
  }

  async remove(id: string): Promise<SandboxAnswer> {
    const soft = parseSoftDelete(this.query);
    const field = resolverName(this.object, soft ? 'deleteOne' : 'destroyOne');
    const key = resolverName(this.object, 'deleteOne');
    const selection = this.selection();
    const source = `mutation RestDelete($id: UUID!) {
  ${field}(id: $id) { ${selection.text} }
}`;
    const data = await this.run(source, { id });
    return { status: 200, body: { data: { [key]: restRecord(data[field], selection) } } };
  }

  /** The filter a many-record write carries (`parseFilterRestRequest`), or `{}` without one. */
  private manyFilter(): unknown {
    return parseFilterParam(this.object, this.query) ?? {};
  }

  /** PATCH without an id: `update<Plural>(filter, data)` (`rest-api-update-many.handler.ts`). */
  async updateMany(body: unknown): Promise<SandboxAnswer> {
    if (!isObject(body)) throw RestError.badRequest('Body must be a JSON object');
    const names = objectTypeNames(this.object.nameSingular);
    const field = resolverName(this.object, 'updateMany');
    const selection = this.selection();
    const source = `mutation RestUpdateMany($filter: ${names.filter}!, $data: ${names.update}!) {
  ${field}(filter: $filter, data: $data) { ${selection.text} }
}`;
    const data = await this.run(source, { filter: this.manyFilter(), data: body });
    const records = ((data[field] ?? []) as unknown[]).map((r) => restRecord(r, selection));
    return { status: 200, body: { data: { [field]: records } } };
  }

  /**
   * DELETE without an id (`rest-api-delete-many.handler.ts`, `rest-api-destroy-many.handler.ts`):
   * a filter is mandatory; both answer `{ data: { delete<Plural>: [{ id }] } }`.
   */
  async removeMany(): Promise<SandboxAnswer> {
    const soft = parseSoftDelete(this.query);
    const filter = parseFilterParam(this.object, this.query);
    if (filter === undefined || Object.keys(filter).length === 0) {
      throw RestError.badRequest(
        `Filters are mandatory for bulk ${soft ? 'delete' : 'destroy'} operations. Please provide at least one filter to prevent accidental deletion of all records.`,
      );
    }
    const names = objectTypeNames(this.object.nameSingular);
    const field = resolverName(this.object, soft ? 'deleteMany' : 'destroyMany');
    const key = resolverName(this.object, 'deleteMany');
    const source = `mutation RestDeleteMany($filter: ${names.filter}!) {
  ${field}(filter: $filter) { id }
}`;
    const data = await this.run(source, { filter });
    return { status: 200, body: { data: { [key]: data[field] ?? [] } } };
  }

  /** `PATCH /rest/<plural>/<id>/restore` and `PATCH /rest/<plural>/restore?filter=` (many). */
  async restore(id: string | undefined): Promise<SandboxAnswer> {
    const names = objectTypeNames(this.object.nameSingular);
    const selection = this.selection();
    if (id !== undefined) {
      const field = resolverName(this.object, 'restoreOne');
      const source = `mutation RestRestoreOne($id: UUID!) {
  ${field}(id: $id) { ${selection.text} }
}`;
      const data = await this.run(source, { id });
      return { status: 200, body: { data: { [field]: restRecord(data[field], selection) } } };
    }
    const field = resolverName(this.object, 'restoreMany');
    const source = `mutation RestRestoreMany($filter: ${names.filter}!) {
  ${field}(filter: $filter) { ${selection.text} }
}`;
    const data = await this.run(source, { filter: this.manyFilter() });
    const records = ((data[field] ?? []) as unknown[]).map((r) => restRecord(r, selection));
    return { status: 200, body: { data: { [field]: records } } };
  }
}
