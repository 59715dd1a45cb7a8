/**
 * Finding a model's quote inside source text despite cosmetic differences
 * (whitespace, curly vs straight quotes, dashes, case, Unicode forms),
 * and mapping the match back to offsets in the ORIGINAL text, so that what
 * is shown is always the exact source slice and never the model's string.
 */

/** Text folded for matching, with the original span each folded UTF-16 unit came from. */
export interface FoldedText {
  text: string;
  /** from[k], to[k]: the original code point that produced text[k] is original.slice(from[k], to[k]). */
  from: number[];
  to: number[];
}

export interface Span {
  start: number;
  end: number;
}

// Typographic variants a model routinely swaps for one another.
const CHARACTER_FOLDS: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201A': "'", '\u201B': "'", '\u2032': "'", '\u0060': "'", '\u00B4': "'",
  '\u2039': "'", '\u203A': "'",
  '\u201C': '"', '\u201D': '"', '\u201E': '"', '\u201F': '"', '\u2033': '"', '\u00AB': '"', '\u00BB': '"',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-', '\u2043': '-',
};

// Invisible characters that carry no meaning for a reader: zero-width spaces/joiners, BOM, soft hyphen.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/u;
const WHITESPACE = /\s/u;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/**
 * Folds text for matching: NFKD per code point (so "…" = "...", full-width = ASCII,
 * composed = decomposed accents), typographic quotes/dashes to ASCII, lower case,
 * invisible characters removed, whitespace runs collapsed to one space.
 */
export function foldForMatch(original: string): FoldedText {
  let text = '';
  const from: number[] = [];
  const to: number[] = [];
  let lastWasSpace = false;
  let offset = 0;
  for (const codePoint of original) {
    const start = offset;
    const end = offset + codePoint.length;
    offset = end;
    for (const ch of codePoint.normalize('NFKD')) {
      if (INVISIBLE.test(ch)) continue;
      if (WHITESPACE.test(ch)) {
        if (lastWasSpace) continue;
        lastWasSpace = true;
        text += ' ';
        from.push(start);
        to.push(end);
        continue;
      }
      lastWasSpace = false;
      const folded = (CHARACTER_FOLDS[ch] ?? ch).toLowerCase();
      for (let i = 0; i < folded.length; i++) {
        text += folded[i];
        from.push(start);
        to.push(end);
      }
    }
  }
  return { text, from, to };
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD_CHAR.test(ch);
}

/**
 * First occurrence of `needle` (already folded and trimmed) in `haystack` that does not
 * start or end inside a word: "possible" must not match inside "impossible".
 */
function indexAtWordBoundaries(haystack: string, needle: string): number {
  for (let k = haystack.indexOf(needle); k >= 0; k = haystack.indexOf(needle, k + 1)) {
    const startsInsideWord = isWordChar(needle[0]) && isWordChar(haystack[k - 1]);
    const endsInsideWord = isWordChar(needle[needle.length - 1]) && isWordChar(haystack[k + needle.length]);
    if (!startsInsideWord && !endsInsideWord) return k;
  }
  return -1;
}

// What a model often adds around or drops from a quote's ends: quote marks and punctuation.
const EDGE_PUNCTUATION = /^[\s"'.,;:!?]+|[\s"'.,;:!?]+$/g;

/**
 * Where `quote` occurs in `source`, as offsets into the original `source`, or null.
 * Tries the quote as given first, then without the quote marks and punctuation at its
 * ends (the result is then a shorter, still exact, slice of the source).
 */
export function locateQuote(source: string, quote: string, foldedSource = foldForMatch(source)): Span | null {
  const asGiven = foldForMatch(quote).text.trim();
  const candidates = [asGiven, asGiven.replace(EDGE_PUNCTUATION, '')];
  for (const needle of candidates) {
    if (!/[\p{L}\p{N}]/u.test(needle)) continue;
    const k = indexAtWordBoundaries(foldedSource.text, needle);
    if (k < 0) continue;
    return { start: foldedSource.from[k]!, end: foldedSource.to[k + needle.length - 1]! };
  }
  return null;
}

/** Words as a reader counts them: whitespace-separated tokens with a letter or digit ("U.S." is one). */
export function countWords(text: string): number {
  return text.split(/\s+/u).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
}

const QUOTE_OR_SPACE_EDGES = /^[\s"'“”‘’«»]+|[\s"'“”‘’«»]+$/gu;

/** `span` trimmed of surrounding whitespace and quote marks, as offsets into `text`. */
function trimQuoteMarks(text: string, span: Span): Span {
  const slice = text.slice(span.start, span.end);
  const lead = slice.length - slice.replace(/^[\s"'“”‘’«»]+/u, '').length;
  const inner = slice.replace(QUOTE_OR_SPACE_EDGES, '');
  return { start: span.start + lead, end: span.start + lead + inner.length };
}

/** True when `span` of `text` covers exactly one of `sentences`, ignoring quote marks at the edges. */
export function isWholeSentence(text: string, span: Span, sentences: Span[]): boolean {
  const target = trimQuoteMarks(text, span);
  return sentences.some((sentence) => {
    const s = trimQuoteMarks(text, sentence);
    return s.start === target.start && s.end === target.end;
  });
}
