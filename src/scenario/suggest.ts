/** "Did you mean" hints for misspelt field names and enum values. */

/** Levenshtein distance, case-insensitive. Inputs are short field names. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length];
}

/** The closest candidate within a third of the word's length (at least 1 edit), or ''. */
export function closest(word: string, candidates: readonly string[]): string {
  const distanceMax = Math.max(1, Math.floor(word.length / 3));
  let best = '';
  let bestDistance = distanceMax + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** " (did you mean 'x'?)" when a candidate is close to `found`, else ''. */
export function didYouMean(found: unknown, candidates: readonly string[]): string {
  if (typeof found !== 'string') return '';
  const best = closest(found, candidates);
  return best === '' ? '' : ` (did you mean '${best}'?)`;
}

/** Up to `count` candidates nearest to `word` by edit distance (ties in the candidates' order). */
export function nearestNames(word: string, candidates: readonly string[], count: number): string[] {
  const scored = [...new Set(candidates)].map((name, i) => ({ name, i, d: Math.min(editDistance(word, name), editDistance(word, name.slice(0, word.length)) + 1) }));
  scored.sort((a, b) => a.d - b.d || a.i - b.i);
  const distanceMax = Math.max(2, Math.ceil(word.length / 2));
  return scored.filter((s) => s.d <= distanceMax).slice(0, count).map((s) => s.name);
}
