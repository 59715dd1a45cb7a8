import type { RankedPassage } from '../search/retriever.ts';
import { storyMembers, storyShare } from '../search/story.ts';
import { inWindow, readableDay, type CoverageSpan, type TimeScope } from '../search/timeScope.ts';
import { abstention } from './extractive.ts';
import type { Answer, Citation } from './types.ts';

/**
 * News changes: once an answer is chosen, its quotes are put in time order for the question.
 *
 * - The newest article on the question's story (src/search/story.ts) that answers, within the
 *   question's period, comes first; quotes from other days follow, labelled with their date
 *   ("Earlier, on March 3"). A question about a calendar period ("in February 1987") keeps the
 *   answer's order, with a quote from inside the period first.
 * - An answer whose first quote is older than the newest article on the story says so
 *   ("As of April 8, 1987; the coverage of this story runs to April 20, 1987.").
 * - A question about a day that does not exist, or a time after the time of asking, or a period
 *   the coverage has no article from, gets a plain answer with the coverage's range.
 *
 * Which quotes answer is the answer's business (extractive.ts, or the reader): this module only
 * reorders and labels what it was given, and never drops or changes a quote.
 */

/**
 * How strongly a citation answers the question, comparable across one answer's citations.
 * The seam for the reader's per-citation score; until then, the retrieval score of the cited
 * passage (`retrievalStrength`).
 */
export type CitationStrength = (citation: Citation, position: number) => number;

/** A citation may be moved first only when it answers at least this share as strongly as the best. */
export const ANSWERING_SHARE = 0.7;

export interface RecencyContext {
  scope: TimeScope;
  /** The passages the answer was chosen from, as retrieved (with their signals). */
  passages: RankedPassage[];
  strength?: CitationStrength;
}

/** Strength by the retrieval score of each citation's passage (0 when it is not among `passages`). */
export function retrievalStrength(passages: RankedPassage[]): CitationStrength {
  const scoreById = new Map(passages.map((p) => [p.passageId, p.score]));
  return (c) => scoreById.get(c.passageId) ?? 0;
}

/** The answer with its quotes in time order for the question, labelled, with an "as of" note when due. */
export function applyRecency(answer: Answer, context: RecencyContext): Answer {
  const { scope, passages } = context;
  if (answer.abstained || answer.citations.length === 0) return answer;
  const strength = context.strength ?? retrievalStrength(passages);
  const story = new Set(storyMembers(passages, (p) => p.signals.proximity ?? 0, storyShare(scope.latest)).map((p) => p.articleId));
  const citations = answer.citations;
  const strengths = citations.map((c, i) => strength(c, i));
  const best = Math.max(...strengths);
  const answering = (i: number) => best <= 0 || strengths[i]! >= ANSWERING_SHARE * best;
  const inPeriod = (c: Citation) => !scope.window || inWindow(c.date, scope.window);

  // Written answers cite by number inside their prose: their order stays, only the note applies.
  let first = 0;
  if (answer.mode === 'extractive') {
    const eligible = citations.map((c, i) => i).filter((i) => answering(i) && inPeriod(citations[i]!) && citations[i]!.date !== null);
    const calendarPeriod = scope.window !== undefined && !scope.relative && scope.latest !== 'explicit';
    if (calendarPeriod) {
      // From the period itself before its later reports; then in the answer's order.
      const inPeriodItself = eligible.filter((i) => scope.period !== undefined && inWindow(citations[i]!.date, scope.period));
      first = inPeriodItself[0] ?? eligible[0] ?? 0;
    } else {
      const onStory = eligible.filter((i) => story.has(citations[i]!.articleId));
      const storyPool = onStory.length > 0 ? onStory : eligible;
      // A newer article's background sentence ("had originally offered 27 dlrs") tells an
      // older state: it leads only when no quote in the pool speaks of the present.
      const current = storyPool.filter((i) => !looksBack(citations[i]!.quote));
      const pool = current.length > 0 ? current : storyPool;
      if (pool.length > 0) first = pool.reduce((a, i) => (citations[i]!.date! > citations[a]!.date! ? i : a), pool[0]!);
    }
  }
  const ordered = answer.mode === 'extractive' ? [citations[first]!, ...citations.filter((_, i) => i !== first)] : citations;
  const lead = ordered[0]!;
  const relabelled: Citation[] =
    answer.mode === 'extractive'
      ? ordered.map((c, i) => {
          const { label: _old, ...rest } = c;
          const label = i > 0 ? dateLabel(c.date, lead.date) : undefined;
          return { ...rest, n: i + 1, ...(label ? { label } : {}) };
        })
      : citations;

  const notes: string[] = [];
  if (answer.note) notes.push(answer.note);
  const periodNote = outsidePeriodNote(scope, lead);
  if (periodNote) notes.push(periodNote);
  else {
    const asOf = asOfNote(scope, lead, passages, story);
    if (asOf) notes.push(asOf);
  }
  const text = answer.mode === 'extractive' ? relabelled.map(quoteLine).join('\n') : answer.answer;
  return { ...answer, answer: text, citations: relabelled, ...(notes.length > 0 ? { note: notes.join(' ') } : {}) };
}

/**
 * A sentence that, by its own words, reports an earlier state of the story: "originally",
 * "previously", "formerly", or a past perfect ("had rejected", "had originally made").
 * "Its previously announced offer" only points back to an announcement, and "earlier" is left
 * out: "raising the figure it gave a week earlier" reports the new figure.
 */
const LOOKS_BACK = /\b(?:originally|previously(?!\s+(?:announced|reported|disclosed|said|stated|filed)\b)|formerly|had\s+(?:\w+ly\s+)?(?:been|\w+ed|made|given|taken|won|held|sold|paid|bid|set|cut|put))\b/i;

export function looksBack(quote: string): boolean {
  return LOOKS_BACK.test(quote);
}

/** "Earlier, on March 3" / "Later, on April 8, 1987" relative to the first quote's day; none for the same day. */
export function dateLabel(date: string | null, leadDate: string | null): string | undefined {
  if (!date || !leadDate || date === leadDate) return undefined;
  const sameYear = date.slice(0, 4) === leadDate.slice(0, 4);
  return `${date < leadDate ? 'Earlier' : 'Later'}, on ${readableDay(date, !sameYear)}`;
}

function quoteLine(c: Citation): string {
  return `${c.label ? `${c.label}: ` : ''}“${c.quote}” [${c.n}]`;
}

/** When the first quote is older than the newest article on the story (within the question's period). */
function asOfNote(scope: TimeScope, lead: Citation, passages: RankedPassage[], story: Set<string>): string | undefined {
  if (!lead.date || (scope.window && !scope.relative && scope.latest !== 'explicit')) return undefined;
  let newest: string | undefined;
  for (const p of passages) {
    if (!story.has(p.articleId) || !p.date || (scope.window && !inWindow(p.date, scope.window))) continue;
    if (!newest || p.date > newest) newest = p.date;
  }
  if (!newest || newest <= lead.date) return undefined;
  return `As of ${readableDay(lead.date)}; the coverage of this story runs to ${readableDay(newest)}.`;
}

function outsidePeriodNote(scope: TimeScope, lead: Citation): string | undefined {
  if (!scope.period || !scope.window || inWindow(lead.date, scope.window)) return undefined;
  const { from, to, text } = scope.period;
  const range = from === to ? from : `${from} to ${to}`;
  return `Nothing from ${text} (${range}) answers this; the quotes are from other dates.`;
}

/**
 * A plain answer, before any search, when the question's time cannot be answered from the
 * coverage: a day that does not exist, a time after the time of asking, or a period the coverage
 * has no article from. Undefined when the question can be searched.
 */
export function timeProblemAnswer(question: string, scope: TimeScope, span: CoverageSpan, articlesIn: (from: string, to: string) => number): Answer | undefined {
  const range = span.first && span.last ? ` The coverage runs from ${span.first} to ${span.last}.` : '';
  let reason: string | undefined;
  if (scope.problem?.kind === 'impossible') reason = `there is no ${scope.problem.text} in the calendar`;
  else if (scope.problem?.kind === 'future') {
    reason = `"${scope.problem.text}" is after the time of asking (${scope.now}), and nothing dated later counts`;
  } else if (scope.period && scope.window && articlesIn(scope.window.from, scope.window.to) === 0) {
    const { from, to, text: said } = scope.period;
    reason = `it has no articles from ${said} (${from === to ? from : `${from} to ${to}`})`;
  }
  const text = reason === undefined ? undefined : `The coverage doesn't answer that: ${reason}.${range}`;
  return text === undefined ? undefined : { ...abstention(question), answer: text };
}
