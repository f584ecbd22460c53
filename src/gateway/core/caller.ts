import type { Judge } from '../../policy/engine.js';
import type { Policy } from '../../policy/schema.js';
import type { CursorSeal } from './cursor-seal.js';

/** Who a request is for: the member, resolved once, and the judge bound to it. */
export interface Caller {
  /** The policy bound to this caller's member, asked for once per request (callerFor). */
  readonly judge: Judge;
  readonly policy: Policy;
  /** The member id, for logs, meters and cursors (the judge decides). */
  readonly member: string;
  /** What seals the cursors this caller is given; the process's own seal when not set. */
  readonly cursors?: CursorSeal | undefined;
}
