/**
 * Tier maps are step functions over the ordered tiers (docs/policy.md §4): a member at
 * tier T gets the value of the highest tier key at or below T; below the lowest key, nothing.
 */

export interface TierOrder {
  readonly ids: readonly string[];
  readonly index: ReadonlyMap<string, number>;
}

export function tierOrder(ids: readonly string[]): TierOrder {
  return { ids, index: new Map(ids.map((id, i) => [id, i])) };
}

export interface TierStep<V> {
  readonly value: V;
  /** The tier key that supplied the value (cited in reasons). */
  readonly key: string;
}

/** The value of a tier map at a tier index; undefined below its lowest key. */
export function stepAt<V>(
  map: Readonly<Record<string, V>> | undefined,
  tierIndex: number,
  order: TierOrder,
): TierStep<V> | undefined {
  if (!map) return undefined;
  for (let i = Math.min(tierIndex, order.ids.length - 1); i >= 0; i--) {
    const key = order.ids[i] as string;
    if (Object.hasOwn(map, key)) return { value: map[key] as V, key };
  }
  return undefined;
}
