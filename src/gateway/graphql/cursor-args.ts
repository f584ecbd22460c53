/**
 * A connection's `after` and `before` arguments as the host gets them: the gateway's sealed
 * cursors (src/gateway/core/cursor-seal.ts) opened to the host's own, written or passed in variables
 * alike. Each opened cursor goes to the host as a new variable, so the client's text never does.
 */
import { valueFromASTUntyped, type FieldNode, type ValueNode } from 'graphql';
import { processCursorSeal, type CursorSeal } from '../core/cursor-seal.js';
import { Denial } from '../core/denial.js';

const CURSOR_ARGUMENTS = new Set(['after', 'before']);

export interface CursorArgsContext {
  readonly member: string;
  readonly rawVariables: Readonly<Record<string, unknown>>;
  /** A new variable of the argument's type holding `value`. */
  newVariable(type: string, value: unknown): ValueNode;
}

/**
 * The field with its cursor arguments opened for `object`'s records; unchanged when it has
 * none. A cursor that is not a string (or null) is refused, as the host's schema would.
 */
export function openCursorArgs(
  node: FieldNode,
  object: string,
  context: CursorArgsContext,
  seal: CursorSeal = processCursorSeal,
): FieldNode {
  if (!node.arguments?.some((arg) => CURSOR_ARGUMENTS.has(arg.name.value))) return node;
  const args = node.arguments.map((arg) => {
    if (!CURSOR_ARGUMENTS.has(arg.name.value)) return arg;
    const value: unknown = valueFromASTUntyped(arg.value, context.rawVariables);
    if (value === null || value === undefined) return arg;
    const at = `${node.alias?.value ?? node.name.value}(${arg.name.value})`;
    if (typeof value !== 'string')
      throw new Denial('BAD_USER_INPUT', `The cursor in ${at} must be a string`);
    const opened = seal.open(value, context.member, object, at);
    return { ...arg, value: context.newVariable('String', opened) };
  });
  return { ...node, arguments: args };
}
