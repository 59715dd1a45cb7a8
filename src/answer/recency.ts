import type { RankedPassage } from '../search/retriever.ts';
import { storyMembers, storyShare } from '../search/story.ts';
import { inWindow, readableDay, type CoverageSpan, type TimeScope } from '../search/timeScope.ts';
import { defaultLeadModel, isCalendarPeriod, leadIndex, type LeadModel, type LeadOption } from './lead/leadModel.ts';
import { abstention } from './extractive.ts';
import type { Reading } from './reader/reader.ts';
import type { Answer, Citation } from './types.ts';

/**
 * News changes: the answer's quotes are put in time order for the question.
 *
 * - Before the answer is composed, the reader's candidate sentence that should lead for the
 *   question's time is moved first (`readingInTimeOrder`): the lead model (src/answer/lead/)
 *   scores the reader's best candidates by how strongly they answer and how their articles'
 *   dates stand to the story's newest and to the question's period, and the best leads.
 * - Once the answer is chosen, quotes from other days are labelled with their date ("Earlier, on
 *   March 3": `applyRecency`).
 * - An answer whose first quote is older than the newest article on the story says so
 *   ("As of April 8, 1987; the coverage of this story runs to April 20, 1987.").
 * - A question about a day that does not exist, or a time after the time of asking, or a period
 *   the coverage has no article from, gets a plain answer with the coverage's range.
 *
 * Which sentences answer, and how strongly, is the reader's business: this module only reorders
 * and labels what it was given, and never drops or changes a quote.
 */

export interface RecencyContext {
  scope: TimeScope;
  /** The passages the answer was chosen from, as retrieved (with their signals). */
  passages: RankedPassage[];
}

/** The articles on the question's story among the passages the answer is chosen from (story.ts). */
export function storyOf(scope: TimeScope, passages: RankedPassage[]): Set<string> {
  return new Set(storyMembers(passages, (p) => p.signals.proximity ?? 0, storyShare(scope.latest)).map((p) => p.articleId));
}

/**
 * The reading with the candidate that should lead for the question's time moved first (the
 * lead model's choice, `leadIndex`), so that the answer quotes it: the newest article on a story
 * often states the current figure in a sentence the reader ranks below an older, fuller report.
 * How likely the reading is to answer at all (`pAnswer`) does not change; written answers read
 * the passages in this order too.
 */
export function readingInTimeOrder(reading: Reading, context: RecencyContext, model: LeadModel = defaultLeadModel()): Reading {
  const candidates = reading.candidates;
  if (candidates.length < 2) return reading;
  const lead = leadIndex(leadOptions(reading, model.options), context.scope, storyOf(context.scope, context.passages), model);
  if (lead === 0) return reading;
  return { ...reading, candidates: [candidates[lead]!, ...candidates.filter((_, i) => i !== lead)] };
}

/** The reader's candidates as lead options, in the reader's order (the lead model's inputs). */
export function leadOptions(reading: Reading, count = reading.candidates.length): LeadOption[] {
  const asksForItem = reading.question.kind !== 'other';
  return reading.candidates.slice(0, count).map((c) => ({
    date: c.passage.date,
    articleId: c.passage.articleId,
    quote: c.text,
    strength: c.probability,
    fits: !asksForItem || c.features.kindItem === 1,
    reader: c.features,
  }));
}

/**
 * The answer with its quotes labelled with their dates against the first one ("Earlier, on
 * March 3"), and an "as of" note when the first quote is older than the story's newest article.
 * The order stays: an extractive answer is composed from a reading already in time order
 * (`readingInTimeOrder`), and a written one cites by number inside its prose.
 */
export function applyRecency(answer: Answer, context: RecencyContext): Answer {
  const { scope, passages } = context;
  if (answer.abstained || answer.citations.length === 0) return answer;
  const story = storyOf(scope, passages);
  const citations = answer.citations;
  const lead = citations[0]!;
  const relabelled: Citation[] =
    answer.mode === 'extractive'
      ? citations.map((c, i) => {
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
  if (!lead.date || isCalendarPeriod(scope)) return undefined;
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
