import { splitSentences, type Span } from '../indexing/sentences.ts';
import type { RetrievedPassage } from '../search/types.ts';
import { tokenize } from '../search/tokenize.ts';
import type { Answer, Citation } from './types.ts';

/** How informative a (tokenized) term is; unknown terms should weigh the most. */
export type TermWeight = (term: string) => number;

export interface ExtractiveOptions {
  /** At most this many quotes are shown. */
  maxQuotes: number;
  /** Other quotes must score at least this share of the best one. */
  relativeCutoff: number;
  /**
   * Abstain when the answer's confidence (see `answerConfidence`) is below this. Calibrated on
   * the held-out SQuAD sets: see eval/README.md and README "Abstention".
   */
  minConfidence: number;
  /**
   * A quote is one sentence, joined by a neighbour when it needs one (it opens with "He", "This",
   * ...; or the question asks who/when/how many and only the neighbour names someone, a time or
   * a number), as long as the quote stays within this many characters.
   */
  maxQuoteChars: number;
}

export const DEFAULT_EXTRACTIVE: ExtractiveOptions = { maxQuotes: 3, relativeCutoff: 0.75, minConfidence: 0.3, maxQuoteChars: 400 };

/**
 * How sure the extractive answer is that the coverage answers the question: a logistic model
 * over four measures of how well the quoted passage matches the question, all lexical so the
 * calibration does not depend on the embedding model:
 *   coverage   share of the question's weighted terms in the best sentence and its neighbours
 *   passage    share of them in that sentence's passage and its title
 *   missing    weight of the most important question term the passage lacks (a name the
 *              coverage never mentions is the typical sign of a question it cannot answer)
 *   phrase     share of the question's adjacent term pairs that are adjacent in the passage
 * Fitted by logistic regression on the held-out SQuAD set A (answerable vs article removed).
 */
export const CONFIDENCE_MODEL = { bias: -4.01, coverage: 3.89, passage: 3.83, missing: -2.32, phrase: 2.85 };

export const ABSTAIN_TEXT = "The coverage doesn't answer that: none of the indexed articles says.";

/** How sentences are scored: coverage of the question, with its neighbours, and the passage's rank. */
const SENTENCE_WEIGHT = 0.6;
const CONTEXT_WEIGHT = 0.4;
/** A sentence of the first passage is preferred to an equal one of a later passage. */
const RANK_PENALTY = 0.02;
/** Bonus for a sentence that holds what the question asks for (a time, a number, a name). */
const ANSWER_TYPE_BONUS = 0.2;
/** Bonus for the passage's retrieval score relative to the best passage's. */
const RETRIEVAL_WEIGHT = 0.6;

interface Candidate {
  passage: RetrievedPassage;
  sentences: Span[];
  /** Index of the sentence in `sentences`. */
  i: number;
  coverage: number;
  score: number;
}

/** What the question asks for, told by its wh-word. */
type AnswerType = 'time' | 'number' | 'name' | 'other';

const YEAR_OR_DATE =
  /\b(1[0-9]{3}|20[0-9]{2})s?\b|\b(jan(uary)?|feb(ruary)?|march|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|oct(ober)?|nov(ember)?|dec(ember)?)\.?\s+\d{1,2}\b|\b\d{1,2}(st|nd|rd|th)?\s+(century|centuries)\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow)\b/i;
const NUMBER = /\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|half)\b/i;
const ANAPHOR = /^["“'‘(]?(he|she|it|they|this|these|that|those|his|her|its|their|there|such|the latter|the former|both|however|but)\b/i;

export function answerType(question: string): AnswerType {
  const q = question.toLowerCase();
  if (/\bhow (many|much|long|far|old|large|big|tall|high|often)\b|\bwhat (percentage|percent|number|amount|proportion|share)\b/.test(q)) return 'number';
  if (/\bwhen\b|\bwhat (year|month|day|date|decade|century|time)\b|\bwhich (year|month|day|date|decade|century)\b|\bin what (year|month|decade|century)\b/.test(q)) return 'time';
  if (/\b(who|whom|whose)\b/.test(q)) return 'name';
  return 'other';
}

/** Capitalised words that are not the first word of the text and not in the question. */
function newNames(text: string, questionWords: Set<string>): boolean {
  for (const m of text.matchAll(/(?<=[\p{L}\p{N},;:'"’”)] +)\p{Lu}[\p{L}'’-]+/gu)) {
    if (!questionWords.has(m[0].toLowerCase().replace(/['’]s$/, ''))) return true;
  }
  return false;
}

/** True when `text` has what a question of this type asks for, beyond what the question says. */
function holdsAnswerType(type: AnswerType, text: string, questionWords: Set<string>): boolean {
  switch (type) {
    case 'time':
      return YEAR_OR_DATE.test(text);
    case 'number':
      return NUMBER.test(text);
    case 'name':
      return newNames(text, questionWords);
    default:
      return false;
  }
}

/**
 * Picks the sentences of the retrieved passages that best answer the question and quotes them
 * verbatim. Pure: the same question and passages always give the same answer.
 */
export function extractiveAnswer(
  question: string,
  passages: RetrievedPassage[],
  termWeight: TermWeight,
  options: ExtractiveOptions = DEFAULT_EXTRACTIVE,
): Answer {
  return extractiveDetails(question, passages, termWeight, options).answer;
}

/** The extractive answer with what its confidence was computed from (for calibration). */
export function extractiveDetails(
  question: string,
  passages: RetrievedPassage[],
  termWeight: TermWeight,
  options: ExtractiveOptions = DEFAULT_EXTRACTIVE,
): { answer: Answer; features?: ConfidenceFeatures } {
  const questionTerms = [...new Set(tokenize(question))];
  const totalWeight = questionTerms.reduce((sum, t) => sum + termWeight(t), 0);
  const coverage = (text: string): number => {
    if (totalWeight === 0) return 0;
    const present = new Set(tokenize(text));
    return questionTerms.reduce((sum, t) => sum + (present.has(t) ? termWeight(t) : 0), 0) / totalWeight;
  };
  const type = answerType(question);
  const questionWords = new Set(question.toLowerCase().match(/[\p{L}\p{N}'’-]+/gu)?.map((w) => w.replace(/['’]s$/, '')) ?? []);
  const topScore = Math.max(0, ...passages.map((p) => p.score));

  const candidates: Candidate[] = [];
  passages.forEach((passage, rank) => {
    const sentences = splitSentences(passage.text);
    const retrieval = topScore > 0 ? Math.max(0, passage.score) / topScore : 0;
    sentences.forEach((s, i) => {
      const text = passage.text.slice(s.start, s.end);
      // A sentence often answers with words of the question in its neighbours ("the readout ...
      // continued. \"... dialogue\""), so the sentence is also judged with the ones around it.
      const context = passage.text.slice(sentences[Math.max(0, i - 1)]!.start, sentences[Math.min(sentences.length - 1, i + 1)]!.end);
      const sentenceCoverage = coverage(text);
      const contextCoverage = coverage(context);
      const typed = holdsAnswerType(type, text, questionWords) ? ANSWER_TYPE_BONUS : 0;
      candidates.push({
        passage,
        sentences,
        i,
        coverage: contextCoverage,
        score:
          SENTENCE_WEIGHT * sentenceCoverage +
          CONTEXT_WEIGHT * contextCoverage +
          typed +
          RETRIEVAL_WEIGHT * retrieval -
          RANK_PENALTY * rank,
      });
    });
  });
  candidates.sort((a, b) => b.score - a.score);

  const best = candidates[0];
  if (!best) return { answer: abstention(question) };
  const features = confidenceFeatures(question, best.passage, best.coverage, termWeight);
  const confidence = answerConfidence(features);
  if (confidence < options.minConfidence) return { answer: { ...abstention(question), confidence }, features };

  const chosen: Array<{ passage: RetrievedPassage; start: number; end: number; quote: string }> = [];
  for (const c of candidates) {
    if (chosen.length >= options.maxQuotes || c.score < best.score * options.relativeCutoff) break;
    const span = quoteSpan(c, type, questionWords, options.maxQuoteChars);
    const start = c.passage.start + span.start;
    const end = c.passage.start + span.end;
    const quote = c.passage.text.slice(span.start, span.end);
    const overlaps = chosen.some(
      (o) => (o.passage.articleId === c.passage.articleId && o.start < end && start < o.end) || o.quote === quote,
    );
    if (!overlaps) chosen.push({ passage: c.passage, start, end, quote });
  }

  const citations: Citation[] = chosen.map((c, i) => ({
    n: i + 1,
    quote: c.quote,
    articleId: c.passage.articleId,
    title: c.passage.title,
    date: c.passage.date,
    url: c.passage.url,
    passageId: c.passage.passageId,
    start: c.start,
    end: c.end,
  }));
  const answer: Answer = {
    question,
    abstained: false,
    answer: citations.map((c) => `“${c.quote}” [${c.n}]`).join('\n'),
    citations,
    mode: 'extractive',
    droppedQuotes: 0,
    confidence,
  };
  return { answer, features };
}

export interface ConfidenceFeatures {
  coverage: number;
  passage: number;
  missing: number;
  phrase: number;
}

/** The measures `answerConfidence` weighs, for the best sentence (`coverage`) and its passage. */
export function confidenceFeatures(
  question: string,
  passage: Pick<RetrievedPassage, 'title' | 'text'>,
  coverage: number,
  termWeight: TermWeight,
): ConfidenceFeatures {
  const sequence = tokenize(question);
  const terms = [...new Set(sequence)];
  const total = terms.reduce((sum, t) => sum + termWeight(t), 0);
  if (total === 0) return { coverage: 0, passage: 0, missing: 1, phrase: 0 };
  const tokens = tokenize(passage.text);
  const present = new Set([...tokens, ...tokenize(passage.title)]);
  let covered = 0;
  let missing = 0;
  for (const t of terms) {
    const w = termWeight(t) / total;
    if (present.has(t)) covered += w;
    else missing = Math.max(missing, w);
  }
  const pairs = new Set<string>();
  for (let i = 1; i < sequence.length; i++) pairs.add(`${sequence[i - 1]} ${sequence[i]}`);
  const found = new Set<string>();
  for (let i = 1; i < tokens.length; i++) {
    const pair = `${tokens[i - 1]} ${tokens[i]}`;
    if (pairs.has(pair)) found.add(pair);
  }
  return { coverage, passage: covered, missing, phrase: pairs.size === 0 ? 0 : found.size / pairs.size };
}

/** Probability-like confidence (0-1) from the features, by CONFIDENCE_MODEL. */
export function answerConfidence(f: ConfidenceFeatures, model = CONFIDENCE_MODEL): number {
  const z = model.bias + model.coverage * f.coverage + model.passage * f.passage + model.missing * f.missing + model.phrase * f.phrase;
  return 1 / (1 + Math.exp(-z));
}

/**
 * The passage-relative span quoted for a chosen sentence: the sentence, with the one or two before
 * it when it opens by pointing back ("He", "This"), and with the one after it when the question asks
 * for a time, number or name that only the next sentence has, or the sentence ends in a colon.
 */
function quoteSpan(c: Candidate, type: AnswerType, questionWords: Set<string>, maxChars: number): Span {
  const { sentences, i, passage } = c;
  const span = { start: sentences[i]!.start, end: sentences[i]!.end };
  const text = (s: Span) => passage.text.slice(s.start, s.end);
  // Up to two sentences back, while the quote still opens by pointing back ("He ...").
  for (let back = i - 1; back >= Math.max(0, i - 2); back--) {
    const prev = sentences[back]!;
    if (!ANAPHOR.test(text(span)) || span.end - prev.start > maxChars) break;
    span.start = prev.start;
  }
  const next = sentences[i + 1];
  if (next && next.end - span.start <= maxChars) {
    const wantsNext =
      /:\s*$/.test(text(span)) ||
      (type !== 'other' && !holdsAnswerType(type, text(span), questionWords) && holdsAnswerType(type, text(next), questionWords));
    if (wantsNext) span.end = next.end;
  }
  return span;
}

export function abstention(question: string, note?: string): Answer {
  return { question, abstained: true, answer: ABSTAIN_TEXT, citations: [], mode: 'extractive', droppedQuotes: 0, ...(note ? { note } : {}) };
}
