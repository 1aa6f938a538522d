// Did-you-mean hints: core's closest(), made stricter for short names (where any two edits look alike).
import { closest } from '../core/errors.js';

/** Optimal string alignment distance: like Levenshtein, but a swap of neighbours counts as one edit. */
function osa(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array<number>(b.length).fill(0),
  ]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** "did you mean 'x'?" for a plausible typo of `word`, else undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates].filter((c) => c !== word);
  const near = closest(word, list);
  if (near === undefined) return undefined;
  const limit = word.length <= 4 ? 1 : Math.max(2, Math.floor(word.length / 3));
  return osa(word.toLowerCase(), near.toLowerCase()) <= limit ? `did you mean '${near}'?` : undefined;
}
