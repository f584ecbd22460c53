/**
 * A small hand-made workspace for the core API's tests: the standard objects, one member, three
 * companies, four people and three opportunities (one company and one person soft-deleted).
 */
import { expect } from 'vitest';
import type { ExecutionResult } from 'graphql';
import { STANDARD_OBJECTS } from '../../host/core-schema/standard-objects.js';
import type { ObjectMetadata } from '../../host/core-schema/object-metadata.js';
import { permitAll, type Authorizer } from '../authorizer.js';
import type {
  Principal,
  RecordEvent,
  SandboxObject,
  SandboxRecord,
  WorkspaceState,
} from '../workspace.js';
import { createCoreApi, type CoreApi } from './core-api.js';
import { buildRecord, type Actor } from './records.js';

export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
}

export const MEMBER_ID = uuid(900);
export const MEMBER: Principal = { kind: 'member', memberId: MEMBER_ID, roleId: 'role-member' };
export const API_KEY: Principal = { kind: 'apiKey', apiKeyId: 'key-1', roleId: 'role-key' };
export const NOW = new Date('2026-11-29T00:00:00.000Z');

export const C_ACME = uuid(101);
export const C_GLOBEX = uuid(102);
export const C_INITECH = uuid(103);
export const P_ADA = uuid(201);
export const P_BOB = uuid(202);
export const P_CARLA = uuid(203);
export const P_GONE = uuid(204);
export const O_BIG = uuid(301);
export const O_NONE = uuid(302);
export const O_WON = uuid(303);

export function sandboxObject(metadata: ObjectMetadata, isCustom = false): SandboxObject {
  return {
    ...metadata,
    id: `object-${metadata.nameSingular}`,
    isActive: true,
    isCustom,
    fields: metadata.fields.map((field) => ({
      ...field,
      id: `field-${metadata.nameSingular}-${field.name}`,
      isActive: true,
    })),
  };
}

const SEED_ACTOR: Actor = {
  source: 'MANUAL',
  workspaceMemberId: null,
  name: 'System',
  context: {},
};

function seed(
  objects: readonly SandboxObject[],
  name: string,
  rows: readonly Record<string, unknown>[],
): Record<string, SandboxRecord> {
  const object = objects.find((candidate) => candidate.nameSingular === name);
  if (!object) throw new Error(name);
  const table: Record<string, SandboxRecord> = {};
  rows.forEach((row, index) => {
    const record = buildRecord(object, row, {
      id: String(row.id),
      now: '2026-01-01T00:00:00.000Z',
      actor: SEED_ACTOR,
      position: index,
    });
    table[record.id] = record;
  });
  return table;
}

const DELETED = { deletedAt: '2026-06-01T00:00:00.000Z' };

export function makeState(extraObjects: readonly SandboxObject[] = []): WorkspaceState {
  const objects = [...STANDARD_OBJECTS.map((object) => sandboxObject(object)), ...extraObjects];
  return {
    id: 'workspace-1',
    displayName: 'Test',
    rlsEnabled: false,
    defaultRoleId: 'role-member',
    objects,
    roles: [],
    members: [],
    apiKeys: [
      {
        id: 'key-1',
        name: 'Zapier',
        roleId: 'role-key',
        expiresAt: '2030-01-01T00:00:00.000Z',
        revokedAt: null,
        createdAt: '2026-01-01T00:00:00.000Z',
      },
    ],
    apiKeyTokens: {},
    webhooks: [],
    records: {
      workspaceMember: seed(objects, 'workspaceMember', [
        { id: MEMBER_ID, name: { firstName: 'Ada', lastName: 'Lovelace' }, userId: uuid(901) },
      ]),
      company: seed(objects, 'company', [
        { id: C_ACME, name: 'Acme', employees: 100, domainName: { primaryLinkUrl: 'acme.com' } },
        { id: C_GLOBEX, name: 'Globex', employees: null, accountOwnerId: MEMBER_ID },
        { id: C_INITECH, name: 'Initech', employees: 5, ...DELETED },
      ]),
      person: seed(objects, 'person', [
        {
          id: P_ADA,
          name: { firstName: 'Ada', lastName: 'Smith' },
          emails: { primaryEmail: 'ada@acme.com' },
          jobTitle: 'CEO',
          city: 'Paris',
          companyId: C_ACME,
        },
        {
          id: P_BOB,
          name: { firstName: 'Bob', lastName: 'Jones' },
          emails: { primaryEmail: 'bob@globex.com' },
          city: null,
          companyId: C_GLOBEX,
        },
        {
          id: P_CARLA,
          name: { firstName: 'carla', lastName: 'Smith' },
          jobTitle: 'CTO',
          city: 'Berlin',
          companyId: C_ACME,
        },
        { id: P_GONE, name: { firstName: 'Gone', lastName: 'Away' }, ...DELETED },
      ]),
      opportunity: seed(objects, 'opportunity', [
        {
          id: O_BIG,
          name: 'Big deal',
          amount: { amountMicros: 5_000_000_000, currencyCode: 'USD' },
          closeDate: '2026-01-15T10:00:00.000Z',
          companyId: C_ACME,
          pointOfContactId: P_ADA,
        },
        { id: O_NONE, name: 'No amount', stage: 'MEETING', companyId: C_GLOBEX },
        {
          id: O_WON,
          name: 'Won',
          stage: 'CUSTOMER',
          amount: { amountMicros: 1_000_000, currencyCode: 'EUR' },
          closeDate: '2026-03-01T00:00:00.000Z',
          companyId: C_ACME,
          ownerId: MEMBER_ID,
        },
      ]),
    },
  };
}

export interface Harness {
  readonly api: CoreApi;
  readonly state: WorkspaceState;
  readonly events: RecordEvent[];
  /** Runs a document and returns its data, failing the test on errors. */
  run(source: string, variables?: Record<string, unknown>, principal?: Principal): Promise<Data>;
  /** Runs a document expected to fail and returns its errors. */
  fail(
    source: string,
    variables?: Record<string, unknown>,
    principal?: Principal,
  ): Promise<NonNullable<ExecutionResult['errors']>>;
}

/** A response's data, read in tests through `at`, `ids` and `list`. */
export type Data = unknown;

/** The value at a dotted path (`people.edges.0.node`); undefined when the path is missing. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.').filter((part) => part !== '')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function harness(
  options: { authorizer?: Authorizer; state?: WorkspaceState } = {},
): Harness {
  const state = options.state ?? makeState();
  const events: RecordEvent[] = [];
  let next = 500;
  const api = createCoreApi({
    getState: () => state,
    authorizer: options.authorizer ?? permitAll,
    onEvent: (event) => events.push(event),
    now: () => NOW,
    newId: () => uuid(next++),
  });
  return {
    api,
    state,
    events,
    async run(source, variables, principal = MEMBER) {
      const result = await api.execute({ source, variables, principal });
      expect(result.errors).toBeUndefined();
      return result.data;
    },
    async fail(source, variables, principal = MEMBER) {
      const result = await api.execute({ source, variables, principal });
      expect(result.errors).toBeDefined();
      return result.errors ?? [];
    },
  };
}

/** The ids of a connection's nodes, in order. */
export function ids(value: unknown, path = ''): string[] {
  return list(value, `${path}.edges`).map((edge) => String(at(edge, 'node.id')));
}

/** The list at a path of a response. */
export function list(value: unknown, path = ''): unknown[] {
  const found = at(value, path);
  return Array.isArray(found) ? (found as unknown[]) : [];
}
