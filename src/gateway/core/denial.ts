/**
 * A request the gateway refuses, with what the caller can act on. The codes are the
 * extensions Twenty's own errors carry where one fits (FORBIDDEN, BAD_USER_INPUT,
 * UNAUTHENTICATED), plus the gateway's own (STEP_UP_REQUIRED, LIMIT_EXCEEDED).
 */
export type DenialCode =
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'STEP_UP_REQUIRED'
  | 'LIMIT_EXCEEDED'
  | 'GATEWAY_ERROR';

const STATUS: Readonly<Record<DenialCode, number>> = {
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  STEP_UP_REQUIRED: 403,
  LIMIT_EXCEEDED: 400,
  GATEWAY_ERROR: 503,
};

/**
 * The message is what the caller reads: what was refused and what they may do next, never
 * the policy's structure (its paths, the roles and tiers that would allow) nor other members.
 * Those go in `audit`, which only the journal (`gateway.denied`) and the admins see.
 */
export class Denial extends Error {
  override readonly name = 'Denial';
  readonly status: number;
  constructor(
    readonly code: DenialCode,
    message: string,
    /** Machine-readable detail for the caller (never another member's data). */
    readonly detail: Readonly<Record<string, unknown>> = {},
    /** Why, in the policy's terms: for the journal and the admins only. */
    readonly audit?: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }

  /** The refusal as the journal records it: the caller's words, then the policy's reasons. */
  get journal(): string {
    return this.audit === undefined ? this.message : `${this.message} [${this.audit}]`;
  }
}

/** A refusal as the gateway reports it: counted, and journaled when a journal is present. */
export interface DeniedEvent {
  readonly member: string | undefined;
  readonly code: string;
  readonly message: string;
  readonly object?: string | undefined;
}

/** The GraphQL error body of a denial. */
export function denialBody(denial: Denial): { errors: unknown[] } {
  return {
    errors: [
      {
        message: denial.message,
        extensions: { code: denial.code, ...denial.detail },
      },
    ],
  };
}
