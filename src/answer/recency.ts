import type { RankedPassage } from '../search/retriever.ts';
import { storyMembers, storyShare } from '../search/story.ts';
import { inWindow, readableDay, type CoverageSpan, type TimeScope } from '../search/timeScope.ts';
import { abstention } from './extractive.ts';
import type { Reading } from './reader/reader.ts';
import type { Answer, Citation } from './types.ts';

/**
 * News changes: the answer's quotes are put in time order for the question.
 *
 * - Before the answer is composed, the reader's candidate sentence that should lead for the
 *   question's time is moved first (`readingInTimeOrder`, by `leadIndex`): the newest article on
 *   the question's story (src/search/story.ts) that answers, within the question's period; for a
 *   calendar period ("in February 1987", "on March 3") one from inside the period itself.
 * - Once the answer is chosen, quotes from other days are labelled with their date ("Earlier, on
 *   March 3"); an answer that was not composed from a reading in time order is reordered the same
 *   way (`applyRecency`).
 * - An answer whose first quote is older than the newest article on the story says so
 *   ("As of April 8, 1987; the coverage of this story runs to April 20, 1987.").
 * - A question about a day that does not exist, or a time after the time of asking, or a period
 *   the coverage has no article from, gets a plain answer with the coverage's range.
 *
 * Which sentences answer, and how strongly, is the reader's business: this module only reorders
 * and labels what it was given, and never drops or changes a quote.
 */

/**
 * How strongly a citation answers the question, comparable across one answer's citations.
 * The seam for the reader's per-citation score; until then, the retrieval score of the cited
 * passage (`retrievalStrength`).
 */
export type CitationStrength = (citation: Citation, position: number) => number;

/**
 * A quote (or candidate sentence) may be moved first only when it answers at least this share as
 * strongly as the best. Chosen on eval/time-train.jsonl (stories time-dev does not use) with
 * the refitted reader: latest first quote right / stale 45% / 20% at 0.5 and 0.6, 45% / 10% at
 * 0.8 and 0.9; dated and relative did not move; on eval/reuters-train.jsonl (questions with and
 * without time words) 61.3% first quote right at 0.5, 61.8% at 0.8.
 */
export const ANSWERING_SHARE = 0.8;

export interface RecencyContext {
  scope: TimeScope;
  /** The passages the answer was chosen from, as retrieved (with their signals). */
  passages: RankedPassage[];
  strength?: CitationStrength;
  /** The first citation was already put first for the question's time (readingInTimeOrder): keep it. */
  leadChosen?: boolean;
}

/** What the lead is chosen from: a quote (or a reader's candidate sentence) with its article and strength. */
export interface LeadOption {
  date: string | null;
  articleId: string;
  quote: string;
  /** How strongly it answers (the reader's probability), comparable across the options. */
  strength: number;
  /** It holds what the question asks for (an amount, a name), when it asks for one. */
  fits: boolean;
}

/** A question about a calendar period ("in February 1987", "on March 3"), not one relative to now. */
function isCalendarPeriod(scope: TimeScope): boolean {
  return scope.window !== undefined && !scope.relative && scope.latest !== 'explicit';
}

/**
 * Which of `options` (strongest first) leads the answer for the question's time:
 * - a calendar period: the strongest answering option dated inside the period itself, else
 *   inside its window (reports soon after), else the strongest;
 * - otherwise: the newest answering option on the question's story (within the window, if
 *   any), preferring one that speaks of the present over one that tells an earlier state.
 * "Answering" is at least ANSWERING_SHARE of the strongest option's strength; for a question
 * not about a calendar period the strongest that does not look back sets the bar, since a
 * sentence telling an earlier state cannot answer for now, however well it matches the words.
 */
export function leadIndex(options: LeadOption[], scope: TimeScope, story: Set<string>): number {
  if (options.length === 0) return 0;
  const calendar = isCalendarPeriod(scope);
  const strongest = (keep: (o: LeadOption) => boolean) => options.reduce((m, o) => (keep(o) ? Math.max(m, o.strength) : m), 0);
  const current = calendar ? 0 : strongest((o) => !looksBack(o.quote));
  const bar = ANSWERING_SHARE * (current > 0 ? current : strongest(() => true));
  const inPeriod = (o: LeadOption) => !scope.window || inWindow(o.date, scope.window);
  const eligible = options
    .map((_, i) => i)
    .filter((i) => {
      const o = options[i]!;
      return (i === 0 || o.fits) && o.strength >= bar && inPeriod(o) && o.date !== null;
    });
  if (calendar) {
    // From the period itself before its later reports; then by strength.
    const inPeriodItself = eligible.filter((i) => scope.period !== undefined && inWindow(options[i]!.date, scope.period));
    return inPeriodItself[0] ?? eligible[0] ?? 0;
  }
  const onStory = eligible.filter((i) => story.has(options[i]!.articleId));
  const storyPool = onStory.length > 0 ? onStory : eligible;
  // A newer article's background sentence ("had originally offered 27 dlrs") tells an older
  // state: it leads only when no option in the pool speaks of the present.
  const speaking = storyPool.filter((i) => !looksBack(options[i]!.quote));
  const pool = speaking.length > 0 ? speaking : storyPool;
  if (pool.length === 0) return 0;
  return pool.reduce((a, i) => (options[i]!.date! > options[a]!.date! ? i : a), pool[0]!);
}

/** The articles on the question's story among the passages the answer is chosen from (story.ts). */
export function storyOf(scope: TimeScope, passages: RankedPassage[]): Set<string> {
  return new Set(storyMembers(passages, (p) => p.signals.proximity ?? 0, storyShare(scope.latest)).map((p) => p.articleId));
}

/**
 * The reading with the candidate that should lead for the question's time moved first (see
 * `leadIndex`), so that the answer quotes it: the newest article on a story often states the
 * current figure in a sentence the reader ranks below an older, fuller report. How likely the
 * reading is to answer at all (`pAnswer`) does not change; written answers read the passages in
 * this order too.
 */
export function readingInTimeOrder(reading: Reading, context: RecencyContext): Reading {
  const candidates = reading.candidates;
  if (candidates.length < 2) return reading;
  const asksForItem = reading.question.kind !== 'other';
  const options = candidates.map((c) => ({
    date: c.passage.date,
    articleId: c.passage.articleId,
    quote: c.text,
    strength: c.probability,
    fits: !asksForItem || c.features.kindItem === 1,
  }));
  const lead = leadIndex(options, context.scope, storyOf(context.scope, context.passages));
  if (lead === 0) return reading;
  return { ...reading, candidates: [candidates[lead]!, ...candidates.filter((_, i) => i !== lead)] };
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
  const story = storyOf(scope, passages);
  const citations = answer.citations;
  const strengths = citations.map((c, i) => strength(c, i));

  // Written answers cite by number inside their prose: their order stays, only the note applies.
  // A lead already chosen over the reader's candidates (`readingInTimeOrder`) stays first.
  let first = 0;
  if (answer.mode === 'extractive' && !context.leadChosen) {
    first = leadIndex(
      citations.map((c, i) => ({ date: c.date, articleId: c.articleId, quote: c.quote, strength: strengths[i]!, fits: true })),
      scope,
      story,
    );
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
