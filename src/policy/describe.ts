/** Conditions and grants as the short text that reasons cite: `stage neq CUSTOMER`. */
import { isOperatorName, type Condition } from './condition.js';
import type { Scope } from './schema.js';

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function describeField(path: string, value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [`${path} ${describeValue(value)}`];
  const entries = Object.entries(value);
  if (entries.some(([key]) => isOperatorName(key))) {
    return entries.map(([op, operand]) => `${path} ${op} ${describeValue(operand)}`);
  }
  return entries.flatMap(([sub, inner]) => describeField(`${path}.${sub}`, inner));
}

export function describeCondition(condition: Condition): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(condition)) {
    if (key === 'and' || key === 'or') {
      const children = (value as readonly Condition[]).map(describeCondition);
      parts.push(children.length === 1 ? (children[0] ?? '') : `(${children.join(` ${key} `)})`);
    } else if (key === 'not') {
      parts.push(`not (${describeCondition(value as Condition)})`);
    } else {
      parts.push(...describeField(key, value));
    }
  }
  return parts.join(' and ');
}

export function describeScope(scope: Scope, where: Condition | undefined): string {
  return where ? `scope ${scope} where ${describeCondition(where)}` : `scope ${scope}`;
}
