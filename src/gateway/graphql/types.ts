/**
 * What the request and response sides of GraphQL enforcement share: who calls, what a
 * prepared operation holds, and the writes decided against the host's records.
 */
import type { CursorSeal } from '../cursor-seal.js';
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  OperationDefinitionNode,
} from 'graphql';
import type { Judge } from '../../policy/engine.js';
import type { Policy } from '../../policy/schema.js';
import type { GatewayObject } from '../model.js';
import type { SingleAnswer, WriteGuard } from './guarded-writes.js';

/** The reserved alias prefix of the fields the gateway adds; clients may not use it. */
export const RESERVED_PREFIX = '_tg_';

export interface Caller {
  /** The policy bound to this caller's member, asked for once per request (callerFor). */
  readonly judge: Judge;
  readonly policy: Policy;
  /** The member id, for logs, meters and cursors (the judge decides). */
  readonly member: string;
  /** What seals the cursors this caller is given; the process's own seal when not set. */
  readonly cursors?: CursorSeal | undefined;
}

/** A write decided against the record as the host has it, before the mutation is forwarded. */
export type WriteCheck =
  | {
      readonly kind: 'one';
      readonly object: GatewayObject;
      readonly method: 'updateOne' | 'deleteOne' | 'destroyOne' | 'restoreOne';
      readonly id: string;
      readonly data?: Readonly<Record<string, unknown>>;
      /** The filter variable that makes the write's decision part of the write itself. */
      readonly guard?: WriteGuard;
    }
  | {
      /** upsert: items naming an existing record must pass the update checks. */
      readonly kind: 'upsert';
      readonly object: GatewayObject;
      readonly items: readonly Readonly<Record<string, unknown>>[];
    }
  | { readonly kind: 'merge'; readonly object: GatewayObject; readonly ids: readonly string[] }
  /** Records a read names by id (duplicates of them): each must be readable. */
  | { readonly kind: 'read'; readonly object: GatewayObject; readonly ids: readonly string[] };

export interface PreparedOperation {
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: Readonly<Record<string, unknown>>;
  /** Fields answered null: hidden on every record, sent to the host as `__typename`. */
  readonly stripped: WeakSet<FieldNode>;
  readonly checks: readonly WriteCheck[];
  /** Response keys answered as one record, though forwarded as a filtered many-mutation. */
  readonly singles?: ReadonlyMap<string, SingleAnswer>;
  /** The operation's type: which root type the response is walked from. */
  readonly kind: 'query' | 'mutation';
}

export type Json = Readonly<Record<string, unknown>>;
