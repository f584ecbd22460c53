/** What a prepared GraphQL operation holds, shared by the request and response sides. */
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  OperationDefinitionNode,
} from 'graphql';
import type { SingleAnswer } from '../core/guarded-writes.js';
import type { WriteCheck } from '../core/write-checks.js';

/** The reserved alias prefix of the fields the gateway adds; clients may not use it. */
export const RESERVED_PREFIX = '_tg_';

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
