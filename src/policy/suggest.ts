/**
 * "Did you mean": the valid word nearest a wrong one, by edit distance, or by a
 * few words people write for a scope or a field state that are no typo of it (`mine` for own).
 */

/**
 * The number of one-character insertions, deletions, substitutions and swaps of two neighbours
 * (`raed` for read) from `a` to `b`: Levenshtein with transpositions (optimal string alignment).
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (before[j - 2] ?? 0) + 1);
      current[j] = best;
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Words that mean a valid value without being a misspelling of it. */
const SYNONYMS: Readonly<Record<string, string>> = {
  mine: 'own',
  my: 'own',
  self: 'own',
  owner: 'own',
  everyone: 'all',
  everything: 'all',
  any: 'all',
  nothing: 'none',
  subordinates: 'reports',
  'team-tree': 'teamTree',
  hide: 'hidden',
  write: 'edit',
  editable: 'edit',
  readonly: 'read',
  'read-only': 'read',
  view: 'read',
};

/**
 * The valid word the user most likely meant, if one is close enough to be a fair guess: a
 * known synonym, the same word in other case, or one within a third of its length in edits.
 */
export function nearest(wrong: string, valid: readonly string[]): string | undefined {
  const lower = wrong.toLowerCase();
  const synonym = SYNONYMS[lower];
  if (synonym !== undefined && valid.includes(synonym)) return synonym;
  let best: { word: string; distance: number } | undefined;
  for (const word of valid) {
    const distance = editDistance(lower, word.toLowerCase());
    if (best === undefined || distance < best.distance) best = { word, distance };
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(wrong.length, best.word.length) / 3));
  return best.distance <= allowed ? best.word : undefined;
}
