/**
 * The policy engine's host filters are sent to Twenty as the `filter` argument of findMany and
 * the *Many mutations. Here every filter the Acme example policy produces is checked against the
 * core schema: the query must validate and the filter must coerce as a `<Object>FilterInput`
 * variable, as Twenty's GraphQL layer would do before any resolver runs.
 */
import { readFileSync } from 'node:fs';
import {
  getVariableValues,
  Kind,
  parse,
  validate,
  type DefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../policy/engine.js';
import { MATCH_NONE } from '../../policy/host-filter.js';
import { loadPolicy } from '../../policy/load.js';
import type { Action } from '../../policy/schema.js';
import { buildCoreSchema } from './build-schema.js';
import { objectTypeNames, resolverName } from './names.js';
import { STANDARD_OBJECTS } from './standard-objects.js';

const schema = buildCoreSchema(STANDARD_OBJECTS);
const ACME_TEXT = readFileSync(
  new URL('../../../examples/acme/tiergate.policy.yaml', import.meta.url),
  'utf8',
);
const MEMBER_ID = /\bm-[a-z]+\b/g;
const SCOPED_ACTIONS: readonly Action[] = ['read', 'update', 'delete', 'destroy'];

/** A UUID for each example member id (`m-nils`), in order of first appearance. */
function memberUuids(text: string): ReadonlyMap<string, string> {
  const ids = [...new Set(text.match(MEMBER_ID) ?? [])];
  return new Map(
    ids.map((id, index) => [id, `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`]),
  );
}

/**
 * Twenty's workspace member ids are UUIDs; the example's (`m-nils`) are not. Each gets a UUID so
 * that the filters carry what a workspace read from the host would.
 */
function withUuidMemberIds(text: string): string {
  const uuids = memberUuids(text);
  return text.replace(MEMBER_ID, (id) => uuids.get(id) ?? id);
}

function isOperation(node: DefinitionNode): node is OperationDefinitionNode {
  return node.kind === Kind.OPERATION_DEFINITION;
}

function operationOf(object: string): OperationDefinitionNode {
  const metadata = STANDARD_OBJECTS.find((candidate) => candidate.nameSingular === object);
  if (!metadata) throw new Error(`no standard object ${object}`);
  const filterType = objectTypeNames(object).filter;
  const document = parse(
    `query Scoped($filter: ${filterType}) { ${resolverName(metadata, 'findMany')}(filter: $filter) { totalCount } }`,
  );
  const errors = validate(schema, document);
  if (errors.length > 0) throw new Error(errors.map((error) => error.message).join('; '));
  const operation = document.definitions.find(isOperation);
  if (!operation) throw new Error('no operation');
  return operation;
}

/** The coercion errors of `filter` as the `filter` variable of the object's findMany. */
function coercionErrors(object: string, filter: unknown): string[] {
  const operation = operationOf(object);
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], { filter });
  return (result.errors ?? []).map((error) => error.message);
}

interface Rejection {
  readonly member: string;
  readonly object: string;
  readonly action: Action;
  readonly filter: string;
  readonly errors: readonly string[];
}

/** Every filter the engine emits for the policy, with the ones the schema refuses. */
function rejectedFilters(policyText: string): { checked: number; rejected: Rejection[] } {
  const engine = compilePolicy(loadPolicy(policyText));
  const rejected: Rejection[] = [];
  let checked = 0;
  for (const member of engine.members()) {
    for (const object of engine.objects()) {
      for (const action of SCOPED_ACTIONS) {
        const filter = engine.filter({ member, object, action });
        const errors = coercionErrors(object, filter);
        checked++;
        if (errors.length > 0) {
          rejected.push({ member, object, action, filter: JSON.stringify(filter), errors });
        }
      }
    }
  }
  return { checked, rejected };
}

describe("the policy engine's host filters", () => {
  it('are all accepted as <Object>FilterInput variables for the Acme policy', () => {
    const { checked, rejected } = rejectedFilters(withUuidMemberIds(ACME_TEXT));
    expect(checked).toBeGreaterThan(300);
    expect(rejected).toEqual([]);
  });

  it("nest a junior rep's update scope and record condition as Twenty expects", () => {
    const nils = memberUuids(ACME_TEXT).get('m-nils') ?? '';
    const engine = compilePolicy(loadPolicy(withUuidMemberIds(ACME_TEXT)));
    const filter = engine.filter({ member: nils, object: 'opportunity', action: 'update' });
    expect(filter).toEqual({ and: [{ ownerId: { in: [nils] } }, { stage: { neq: 'CUSTOMER' } }] });
    expect(coercionErrors('opportunity', filter)).toEqual([]);
    const contacts = engine.filter({ member: nils, object: 'person', action: 'update' });
    expect(contacts).toEqual({ createdBy: { workspaceMemberId: { in: [nils] } } });
    expect(coercionErrors('person', contacts)).toEqual([]);
  });

  it('accepts the deny filter { id: { is: NULL } } on every object', () => {
    for (const object of ['company', 'person', 'opportunity', 'task', 'workspaceMember']) {
      expect(coercionErrors(object, MATCH_NONE)).toEqual([]);
    }
  });

  it('accepts a stage condition only with a stage the schema knows', () => {
    expect(coercionErrors('opportunity', { stage: { neq: 'CUSTOMER' } })).toEqual([]);
    expect(coercionErrors('opportunity', { stage: { neq: 'WON' } })).not.toEqual([]);
  });

  it('are refused when member ids are not UUIDs, as Twenty refuses them', () => {
    const { rejected } = rejectedFilters(ACME_TEXT);
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.flatMap((rejection) => rejection.errors).join('\n')).toMatch(/Invalid UUID/);
  });
});
