/**
 * How Twenty's REST parser turns a filter value written in a query string into the GraphQL type
 * of the field it compares (`api/rest/input-request-parsers/filter-parser-utils/`): the sandbox
 * reads REST this way, and the gateway must read it the same way to judge what Twenty will run.
 */

/** The GraphQL type a filter value takes; 'any' leaves it as parsed. */
export type RestValueTarget = 'number' | 'string' | 'boolean' | 'any';

export function convertRestValue(value: unknown, target: RestValueTarget): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => convertRestValue(item, target));
  if (target === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    // UNVERIFIED nuance: the text as written is not kept, so `code[eq]:1.50` compares with '1.5'.
    return String(value);
  }
  if (target === 'number' && typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    return Number.isNaN(number) ? value : number;
  }
  if (target === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
