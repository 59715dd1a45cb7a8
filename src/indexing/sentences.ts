/** A sentence as character offsets into the text it came from: text.slice(start, end). */
export interface Span {
  start: number;
  end: number;
}

// A full stop after these does not end a sentence ("U.S. State Secretary", "Feb. 12", "Dr. Smith").
const ABBREVIATIONS = new Set(
  (
    'mr mrs ms dr prof sr jr st mt gen col lt sgt capt cmdr adm gov sen rep rev pres amb ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec no nos vs etc inc corp ltd co dept est approx fig'
  ).split(' '),
);

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** True when `before` (text up to a sentence break) ends in an abbreviation or an initial. */
function endsWithAbbreviation(before: string): boolean {
  const m = /(?:^|[\s("'“‘])([A-Za-z](?:\.[A-Za-z])*|[A-Za-z]+)\.\s*$/.exec(before);
  if (!m) return false;
  const word = m[1]!;
  // Initials and dotted acronyms: "U.S.", "J.", "a.m."
  if (/^[A-Za-z](\.[A-Za-z])*$/.test(word)) return true;
  return ABBREVIATIONS.has(word.toLowerCase());
}

/**
 * Splits text into sentences (Unicode sentence rules, then re-joined after abbreviations),
 * never across a blank line. Spans exclude surrounding whitespace.
 */
export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  const paragraphRe = /[^\n]+(?:\n(?!\s*\n)[^\n]*)*/g;
  for (const para of text.matchAll(paragraphRe)) {
    const base = para.index;
    let pending: Span | null = null;
    for (const seg of segmenter.segment(para[0])) {
      const raw = seg.segment;
      const lead = raw.length - raw.trimStart().length;
      const trimmed = raw.trim();
      if (trimmed === '') continue;
      const span = { start: base + seg.index + lead, end: base + seg.index + lead + trimmed.length };
      if (pending && endsWithAbbreviation(text.slice(pending.start, pending.end))) {
        pending.end = span.end;
      } else {
        if (pending) spans.push(pending);
        pending = span;
      }
    }
    if (pending) spans.push(pending);
  }
  return spans;
}
