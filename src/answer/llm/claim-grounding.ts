/**
 * Checks on a claim's own wording. Quotes are verified exactly; a claim's paraphrase cannot
 * be, but some ways it can mislead are mechanical and are refused here: a quotation inside
 * the claim that is not in the sources, a number the sources do not contain, a link or a
 * Discord mention, or wording that shares nothing with the quotes that supposedly support it.
 */
import type { RetrievedPassage } from '../../search/types.ts';
import { tokenize } from '../../search/tokenize.ts';
import { foldForMatch, locateQuote } from './quote-match.ts';

export type GroundingProblem =
  | 'unverified-quotation-in-claim'
  | 'link-or-mention-in-claim'
  | 'number-not-in-sources'
  | 'claim-unrelated-to-quotes';

// Text in double quotes (after folding “” to ") presents itself as a quotation and must be one.
const INLINE_QUOTATION = /"([^"]+)"/g;
// 'quoted words' in single quotes, without taking apostrophes ("Russia's", "ministers' talks",
// "it's") for quotation marks: an opening quote follows no letter, a closing one precedes none.
const SINGLE_QUOTATION =
  /(?<![\p{L}\p{N}])'((?:[^']|(?<=[\p{L}\p{N}])'(?=[\p{L}\p{N}]))*[\p{L}\p{N}](?:[^']|(?<=[\p{L}\p{N}])'(?=[\p{L}\p{N}]))*?)'(?![\p{L}\p{N}])/gu;
const LINK_OR_MENTION = /\bhttps?:\/\/\S+|\bwww\.\S+|\bdiscord\.gg\/\S+|@everyone|@here|<[@#][!&]?\d+>/gi;
const NUMBER = /\d+(?:[.,]\d+)*/g;

/** Numbers as written, without thousands separators or leading zeros: "02" = "2", "1,000" = "1000". */
function numbersIn(text: string): Set<string> {
  return new Set([...text.matchAll(NUMBER)].map((m) => m[0].replace(/,(?=\d{3}\b)/g, '').replace(/^0+(?=\d)/, '')));
}

/** Quotations inside the claim text that occur in none of the cited passages. */
export function countUnverifiedQuotations(text: string, cited: readonly RetrievedPassage[]): number {
  let unverified = 0;
  const folded = foldForMatch(text).text;
  for (const match of [...folded.matchAll(INLINE_QUOTATION), ...folded.matchAll(SINGLE_QUOTATION)]) {
    const inner = match[1]!;
    if (/[\p{L}\p{N}]/u.test(inner) && !cited.some((p) => locateQuote(p.text, inner) !== null)) unverified++;
  }
  return unverified;
}

/**
 * The first reason the claim text cannot be shown with these quotes, or null.
 * `quotes` are the claim's verified quotes; `cited` the passages they come from.
 */
export function groundingProblem(
  text: string,
  quotes: readonly string[],
  cited: readonly RetrievedPassage[],
): GroundingProblem | null {
  if (countUnverifiedQuotations(text, cited) > 0) return 'unverified-quotation-in-claim';

  for (const match of text.matchAll(LINK_OR_MENTION)) {
    if (!cited.some((p) => p.text.includes(match[0]))) return 'link-or-mention-in-claim';
  }

  // Dates are shown to the model as passage metadata, so their numbers may be used too.
  const sourceNumbers = numbersIn(cited.map((p) => `${p.text} ${(p.date ?? '').replace(/-/g, ' ')}`).join(' '));
  for (const n of numbersIn(text)) {
    if (!sourceNumbers.has(n)) return 'number-not-in-sources';
  }

  const claimWords = tokenize(text);
  const quoteWords = new Set(tokenize(quotes.join(' ')));
  if (claimWords.length > 0 && !claimWords.some((w) => quoteWords.has(w))) return 'claim-unrelated-to-quotes';
  return null;
}
