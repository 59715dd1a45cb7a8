import type { Span } from '../indexing/sentences.ts';
import type { RetrievedPassage } from '../search/types.ts';
import { answerItems } from './reader/answerTypes.ts';
import { read, type Reading, type ReaderResources, type ScoredCandidate } from './reader/reader.ts';
import { answerSpan } from './reader/span.ts';
import type { Answer, Citation } from './types.ts';

export type { TermWeight } from './reader/question.ts';

export interface ExtractiveOptions {
  /** At most this many quotes are shown. */
  maxQuotes: number;
  /**
   * Abstain when the reader's P(answers) is below this (MIN_ANSWER_CONFIDENCE); undefined: the
   * threshold the training script chose (model.json). README "Abstention" says what it costs.
   */
  minConfidence?: number;
  /**
   * A further quote is shown only when its own probability of answering is at least this share of
   * the first quote's: a second article confirming, not a sentence that merely shares words.
   */
  furtherQuoteShare: number;
  /**
   * A quote is one sentence, joined by a neighbour when it needs one (it opens with "He", "This",
   * ...; or the question asks for a name, a date or an amount that only the next sentence holds),
   * as long as the quote stays within this many characters.
   */
  maxQuoteChars: number;
}

export const DEFAULT_EXTRACTIVE: ExtractiveOptions = { maxQuotes: 3, furtherQuoteShare: 0.25, maxQuoteChars: 400 };

export const ABSTAIN_TEXT = "The coverage doesn't answer that: none of the indexed articles says.";

/** A further quote must have at least this share of words that are not the question's. */
const MIN_FURTHER_NOVELTY = 0.5;

const ANAPHOR = /^["“'‘(]?(he|she|it|they|this|these|that|those|his|her|its|their|there|such|the latter|the former|both|however|but)\b/i;

/**
 * The extractive answer: the reader's best sentence, quoted verbatim, and further quotes only
 * when they add something (another article that answers too). Abstains when the reader's
 * P(answers) is below the threshold. Pure: the same question and passages give the same answer.
 */
export function extractiveAnswer(
  question: string,
  passages: RetrievedPassage[],
  resources: ReaderResources,
  options: ExtractiveOptions = DEFAULT_EXTRACTIVE,
): Answer {
  return composeAnswer(read(question, passages, resources), options);
}

export function composeAnswer(reading: Reading, options: ExtractiveOptions = DEFAULT_EXTRACTIVE): Answer {
  const question = reading.question.text;
  const best = reading.candidates[0];
  if (!best) return abstention(question);
  const confidence = reading.pAnswer;
  const threshold = options.minConfidence ?? reading.variant.minConfidence;
  if (confidence < threshold) return { ...abstention(question), confidence };

  const chosen: Array<{ c: ScoredCandidate; start: number; end: number; quote: string; answer?: Span }> = [];
  for (const c of reading.candidates) {
    if (chosen.length >= options.maxQuotes) break;
    if (chosen.length > 0) {
      // Further quotes: probable enough on their own, holding what the question asks for when it
      // asks for something, and saying more than the question (not a sentence restating it).
      if (c.probability < options.furtherQuoteShare * confidence) break;
      if (reading.question.kind !== 'other' && !c.features.kindItem) continue;
      if ((c.features.novelty ?? 1) < MIN_FURTHER_NOVELTY) continue;
    }
    const span = quoteSpan(reading, c, options.maxQuoteChars);
    const start = c.passage.start + span.start;
    const end = c.passage.start + span.end;
    const quote = c.passage.text.slice(span.start, span.end);
    if (chosen.some((o) => o.quote === quote)) continue;
    let answer: Span | undefined;
    if (chosen.length === 0 && confidence >= (reading.variant.spanMinProbability[reading.question.kind] ?? Infinity)) {
      const sentenceStart = c.sentences[c.i]!.start;
      const found = answerSpan(reading.question, c.text);
      if (found) answer = { start: c.passage.start + sentenceStart + found.start, end: c.passage.start + sentenceStart + found.end };
    }
    chosen.push({ c, start, end, quote, answer });
  }

  const citations: Citation[] = chosen.map((x, i) => ({
    n: i + 1,
    quote: x.quote,
    articleId: x.c.passage.articleId,
    title: x.c.passage.title,
    date: x.c.passage.date,
    url: x.c.passage.url,
    passageId: x.c.passage.passageId,
    start: x.start,
    end: x.end,
    score: round(x.c.probability),
    ...(x.answer ? { answerStart: x.answer.start, answerEnd: x.answer.end } : {}),
  }));
  return {
    question,
    abstained: false,
    answer: citations.map((c) => `“${c.quote}” [${c.n}]`).join('\n'),
    citations,
    mode: 'extractive',
    droppedQuotes: 0,
    confidence,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The passage-relative span quoted for a chosen sentence: the sentence, with the one or two before
 * it when it opens by pointing back ("He", "This"), and with the one after it when the question
 * asks for a name, date or amount that only the next sentence has, or the sentence ends in a colon.
 */
function quoteSpan(reading: Reading, c: ScoredCandidate, maxChars: number): Span {
  const { sentences, i, passage } = c;
  const span = { start: sentences[i]!.start, end: sentences[i]!.end };
  const text = (s: Span) => passage.text.slice(s.start, s.end);
  for (let back = i - 1; back >= Math.max(0, i - 2); back--) {
    const prev = sentences[back]!;
    if (!ANAPHOR.test(text(span)) || span.end - prev.start > maxChars) break;
    span.start = prev.start;
  }
  const next = sentences[i + 1];
  if (next && next.end - span.start <= maxChars) {
    const q = reading.question;
    const wantsNext =
      /:\s*$/.test(text(span)) ||
      (q.kind !== 'other' && !c.features.kindItem && answerItems(q.kind, text(next), q.lowerWords).length > 0);
    if (wantsNext) span.end = next.end;
  }
  return span;
}

export function abstention(question: string, note?: string): Answer {
  return { question, abstained: true, answer: ABSTAIN_TEXT, citations: [], mode: 'extractive', droppedQuotes: 0, ...(note ? { note } : {}) };
}
