import type { QuestionResult } from './evaluate.ts';

export interface EvalSummary {
  questions: number;
  answerable: number;
  unanswerable: number;
  /** Answerable questions with an accepted answer in one of the first three shown quotes. */
  answeredCorrectly: number | null;
  /** Answerable questions whose first shown quote holds an accepted answer. */
  answeredFirstQuote: number | null;
  /** Same, in any shown quote. */
  answeredCorrectlyAnyQuote: number | null;
  /** Answerable questions answered with quotes none of which holds an accepted answer. */
  wrongQuotesShown: number | null;
  /** Answerable questions the bot abstained on. */
  wronglyAbstained: number | null;
  /** Unanswerable questions the bot abstained on. */
  abstainedUnanswerable: number | null;
  /** First passage containing an accepted answer, over answerable questions. */
  answerPassage: RankMetrics | null;
  /** First passage of the gold article (`doc_id`), over questions that name one. */
  goldPassage: RankMetrics | null;
  quotesShown: number;
  /** Shown quotes equal to the source at their offsets (must be 1). */
  quotesVerbatim: number | null;
  meanQuotesPerAnswer: number | null;
  meanQuoteChars: number | null;
  latencyMs: { p50: number; p95: number; mean: number };
  /** Per question `kind` (time sets), what the first shown quote was. */
  firstQuoteByKind: Record<string, FirstQuoteMetrics>;
}

/** Over the questions of one kind: the first quote holds the right value, a stale one, is from the gold article. */
export interface FirstQuoteMetrics {
  n: number;
  right: number;
  stale: number;
  goldArticle: number;
}

export interface RankMetrics {
  n: number;
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrr: number;
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function rankMetrics(ranks: Array<number | null>): RankMetrics | null {
  if (ranks.length === 0) return null;
  const at = (k: number) => ranks.filter((r) => r !== null && r <= k).length / ranks.length;
  return {
    n: ranks.length,
    recallAt1: at(1),
    recallAt5: at(5),
    recallAt10: at(10),
    mrr: ranks.reduce<number>((s, r) => s + (r === null ? 0 : 1 / r), 0) / ranks.length,
  };
}

export function summarize(results: QuestionResult[]): EvalSummary {
  const answerable = results.filter((r) => r.answerable);
  const unanswerable = results.filter((r) => !r.answerable);
  const shown = results.filter((r) => !r.abstained);
  const quotes = results.reduce((n, r) => n + r.quotes, 0);
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const withGold = results.filter((r) => r.hasGold);
  return {
    questions: results.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    answeredCorrectly: ratio(answerable.filter((r) => r.correct).length, answerable.length),
    answeredFirstQuote: ratio(answerable.filter((r) => r.correctFirst).length, answerable.length),
    answeredCorrectlyAnyQuote: ratio(answerable.filter((r) => r.correctAnyQuote).length, answerable.length),
    wrongQuotesShown: ratio(answerable.filter((r) => r.wrongQuotes).length, answerable.length),
    wronglyAbstained: ratio(answerable.filter((r) => r.abstained).length, answerable.length),
    abstainedUnanswerable: ratio(unanswerable.filter((r) => r.abstained).length, unanswerable.length),
    answerPassage: rankMetrics(answerable.map((r) => r.answerRank)),
    goldPassage: rankMetrics(withGold.map((r) => r.goldRank)),
    quotesShown: quotes,
    quotesVerbatim: ratio(results.reduce((n, r) => n + r.verbatimQuotes, 0), quotes),
    meanQuotesPerAnswer: ratio(quotes, shown.length),
    meanQuoteChars: ratio(results.reduce((n, r) => n + r.quoteChars, 0), quotes),
    latencyMs: {
      p50: percentile(ms, 50),
      p95: percentile(ms, 95),
      mean: ms.length ? ms.reduce((a, b) => a + b, 0) / ms.length : 0,
    },
    firstQuoteByKind: firstQuoteByKind(results),
  };
}

function firstQuoteByKind(results: QuestionResult[]): Record<string, FirstQuoteMetrics> {
  const out: Record<string, FirstQuoteMetrics> = {};
  for (const kind of [...new Set(results.map((r) => r.kind).filter((k): k is string => k !== undefined))].sort()) {
    const of = results.filter((r) => r.kind === kind);
    const share = (f: (r: QuestionResult) => boolean) => of.filter(f).length / of.length;
    out[kind] = { n: of.length, right: share((r) => r.firstQuoteRight), stale: share((r) => r.firstQuoteStale), goldArticle: share((r) => r.firstQuoteGold) };
  }
  return out;
}

/** One point of the abstention trade-off: what a threshold would do. */
export interface CurvePoint {
  threshold: number;
  /** Answerable questions answered correctly (first three quotes) at this threshold. */
  answeredCorrectly: number | null;
  /** ... with the answer in the first quote. */
  answeredFirstQuote: number | null;
  wronglyAbstained: number | null;
  abstainedUnanswerable: number | null;
}

/**
 * The abstention trade-off from answers given with the threshold off: a question is abstained at
 * threshold t when its confidence is below t (or it had nothing to quote).
 */
export function abstentionCurve(unthresholded: QuestionResult[], thresholds: number[]): CurvePoint[] {
  const answerable = unthresholded.filter((r) => r.answerable);
  const unanswerable = unthresholded.filter((r) => !r.answerable);
  const abstains = (r: QuestionResult, t: number) => r.abstained || r.confidence === null || r.confidence < t;
  return thresholds.map((t) => ({
    threshold: t,
    answeredCorrectly: ratio(answerable.filter((r) => !abstains(r, t) && r.correct).length, answerable.length),
    answeredFirstQuote: ratio(answerable.filter((r) => !abstains(r, t) && r.correctFirst).length, answerable.length),
    wronglyAbstained: ratio(answerable.filter((r) => abstains(r, t)).length, answerable.length),
    abstainedUnanswerable: ratio(unanswerable.filter((r) => abstains(r, t)).length, unanswerable.length),
  }));
}
