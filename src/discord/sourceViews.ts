/**
 * What the Sources button shows, checked before it is shown: a passage is listed only when it
 * is the one the answer cited. Pure; unit-tested.
 */
import type { SourcePassage } from '../answer/coverage.ts';
import type { Citation } from '../answer/types.ts';
import { citationFieldName, type SourceView } from './format.ts';
import { ELLIPSIS, unescapeMarkdown, URL_PATTERN } from './text.ts';

export interface VerifiedSources {
  views: SourceView[];
  /** Cited passages that could not be matched to the index (e.g. it was rebuilt since). */
  unverified: number;
}

type Lookup = (passageId: number) => SourcePassage | undefined;

function addView(byPassage: Map<number, SourceView>, passage: SourcePassage, n: number, highlight?: { start: number; end: number }) {
  let view = byPassage.get(passage.passageId);
  if (!view) {
    view = { numbers: [], passage, highlights: [] };
    byPassage.set(passage.passageId, view);
  }
  view.numbers.push(n);
  if (highlight) view.highlights.push(highlight);
}

/**
 * From an answer still in memory: each citation's passage (passage ids are stable across
 * re-indexing, but the passage may have changed), its quote highlighted. The passage is shown
 * when it still holds the quote, or, for a quote reaching beyond it, when it is the same article
 * at the cited place; otherwise it is not the passage that was cited.
 */
export function sourcesFromAnswer(citations: readonly Citation[], lookup: Lookup): VerifiedSources {
  const byPassage = new Map<number, SourceView>();
  let unverified = 0;
  for (const c of citations) {
    const passage = lookup(c.passageId);
    if (!passage || passage.articleId !== c.articleId) {
      unverified++;
      continue;
    }
    const inside = passage.start <= c.start && c.end <= passage.end;
    if (inside && passage.text.slice(c.start - passage.start, c.end - passage.start) === c.quote) {
      addView(byPassage, passage, c.n, { start: c.start, end: c.end });
      continue;
    }
    const at = passage.text.indexOf(c.quote);
    if (at !== -1) {
      addView(byPassage, passage, c.n, { start: passage.start + at, end: passage.start + at + c.quote.length });
    } else if (!inside && c.start < passage.end && passage.start < c.end) {
      addView(byPassage, passage, c.n);
    } else {
      unverified++;
    }
  }
  return { views: [...byPassage.values()], unverified };
}

/** An answer embed's quote field, as it was sent. */
export interface ShownQuote {
  name: string;
  value: string;
}

/** The quote text back out of a field value: the `> ` lines, unescaped, without a shortening ellipsis. */
/** The line without unescaped "**" bold markers (URLs, shown unescaped, are left as they are). */
function withoutBold(line: string): string {
  return line
    .split(URL_PATTERN)
    .map((part, i) => (i % 2 === 0 ? part.replace(/(?<!\\)\*\*/g, '') : part))
    .join('');
}

export function quoteFromFieldValue(value: string): string {
  const lines = value.split('\n').filter((line) => line.startsWith('> ')).map((line) => line.slice(2));
  // The answer's words may be bold (unescaped "**"): the quote itself is the text without them.
  const text = lines.map((line) => unescapeMarkdown(withoutBold(line))).join('\n');
  return text.endsWith(ELLIPSIS) ? text.slice(0, -ELLIPSIS.length) : text;
}

/**
 * When the answer is no longer in memory (e.g. after a restart): the passage ids from the button's
 * custom id, each checked against the quote field it belongs to: same article title and the quote
 * found in the passage text. A passage that fails is not shown: the index changed since.
 */
export function sourcesFromMessage(passageIds: readonly number[], fields: readonly ShownQuote[], lookup: Lookup): VerifiedSources {
  const byPassage = new Map<number, SourceView>();
  let unverified = 0;
  passageIds.forEach((passageId, i) => {
    const field = fields[i];
    const n = Number(/^\[(\d+)\]/.exec(field?.name ?? '')?.[1]);
    const passage = lookup(passageId);
    if (!field || !Number.isInteger(n) || !passage || citationFieldName(n, passage.title) !== field.name) {
      unverified++;
      return;
    }
    const quote = quoteFromFieldValue(field.value);
    const at = quote === '' ? -1 : passage.text.indexOf(quote);
    if (at === -1) {
      unverified++;
      return;
    }
    addView(byPassage, passage, n, { start: passage.start + at, end: passage.start + at + quote.length });
  });
  return { views: [...byPassage.values()], unverified };
}
