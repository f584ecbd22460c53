/**
 * Code-unit order, the same on every machine (localeCompare is not): names and ids Tiergate writes
 * to the host are sorted with it, so plans and helper field values are stable.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
