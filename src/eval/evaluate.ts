import { createCoverage } from '../answer/coverageService.ts';
import { DEFAULT_EXTRACTIVE, type ExtractiveOptions } from '../answer/extractive.ts';
import type { Answer } from '../answer/types.ts';
import type { Embedder } from '../indexing/embedder.ts';
import type { LoadedIndex } from '../search/loadIndex.ts';
import type { RankedPassage } from '../search/retriever.ts';
import { dayAsTime } from '../search/timeScope.ts';
import { containsAnswer, type EvalQuestion } from './questions.ts';

/** How deep the ranking is read for Recall@k and MRR. */
export const RANK_DEPTH = 10;
/** Quotes that count for "answered in the first three quotes". */
export const TOP_QUOTES = 3;

/** What happened to one question. */
export interface QuestionResult {
  id: string;
  question: string;
  answerable: boolean;
  abstained: boolean;
  /** The reader's P(answers) (what the abstention threshold is applied to). */
  confidence: number | null;
  /** Answerable, not abstained, and one of the first TOP_QUOTES shown quotes holds an accepted answer. */
  correct: boolean;
  /** Same, in the first shown quote. */
  correctFirst: boolean;
  /** Same, over every shown quote. */
  correctAnyQuote: boolean;
  /** Answerable, not abstained, and no shown quote holds an accepted answer. */
  wrongQuotes: boolean;
  /** 1-based rank of the first retrieved passage that contains an accepted answer (null: not in the top RANK_DEPTH). */
  answerRank: number | null;
  /** The question names the article that holds its answer (`doc_id`). */
  hasGold: boolean;
  /** 1-based rank of the first passage of the gold article (null: not in the top RANK_DEPTH, or no `doc_id`). */
  goldRank: number | null;
  /** The question's `kind`, when it has one. */
  kind?: string;
  /** The first shown quote holds an accepted answer. */
  firstQuoteRight: boolean;
  /** The first shown quote holds a superseded (`stale`) value and no accepted answer. */
  firstQuoteStale: boolean;
  /** The first shown quote is from the gold article (`doc_id`). */
  firstQuoteGold: boolean;
  quotes: number;
  /** Shown quotes that are exactly the source text at their offsets. */
  verbatimQuotes: number;
  quoteChars: number;
  ms: number;
}

export interface EvalRun {
  results: QuestionResult[];
  /** Same questions with the abstention threshold off (for the trade-off curve), when asked for. */
  unthresholded?: QuestionResult[];
}

export interface EvaluateOptions {
  index: LoadedIndex;
  embedder: Embedder;
  questions: EvalQuestion[];
  /** The source text of an article by id, to check quotes against (default: the index's own copy). */
  sourceOf?: (articleId: string) => string | undefined;
  extractive?: ExtractiveOptions;
  /** Also answer every question with the threshold off, for the abstention trade-off curve. */
  curve?: boolean;
}

const silentLog = { error() {} };

/** Answers every question through the real answering pipeline and records what it showed. */
export async function evaluate(options: EvaluateOptions): Promise<EvalRun> {
  const { index, embedder, questions } = options;
  const articleIndex = new Map(index.articles.map((a, i) => [a.id, i]));
  const sourceOf =
    options.sourceOf ??
    ((id: string) => {
      const i = articleIndex.get(id);
      return i === undefined ? undefined : index.body(i);
    });

  const run = async (extractive: ExtractiveOptions): Promise<QuestionResult[]> => {
    let ranked: RankedPassage[] = [];
    const coverage = createCoverage({
      index,
      embedder,
      log: silentLog,
      extractive,
      observe: { depth: RANK_DEPTH, retrieved: (_q, passages) => (ranked = passages) },
    });
    const results: QuestionResult[] = [];
    for (const q of questions) {
      ranked = [];
      const t0 = performance.now();
      const answer = await coverage.ask(q.question, q.now ? { now: dayAsTime(q.now) } : undefined);
      const ms = performance.now() - t0;
      results.push(score(q, answer, ranked.slice(0, RANK_DEPTH), sourceOf, ms));
    }
    return results;
  };

  const extractive = options.extractive ?? DEFAULT_EXTRACTIVE;
  const results = await run(extractive);
  const unthresholded = options.curve ? await run({ ...extractive, minConfidence: 0 }) : undefined;
  return { results, unthresholded };
}

export function score(
  q: EvalQuestion,
  answer: Answer,
  ranked: RankedPassage[],
  sourceOf: (articleId: string) => string | undefined,
  ms = 0,
): QuestionResult {
  const accepted = q.answers ?? [];
  const holdsAnswer = (text: string) => accepted.some((a) => containsAnswer(text, a));
  const answerRank = accepted.length > 0 ? ranked.findIndex((p) => holdsAnswer(p.text)) + 1 || null : null;
  const goldRank = q.doc_id !== undefined ? ranked.findIndex((p) => p.articleId === q.doc_id) + 1 || null : null;
  const quotes = answer.citations;
  const verbatimQuotes = quotes.filter((c) => {
    const body = sourceOf(c.articleId);
    return body !== undefined && c.quote.length > 0 && body.slice(c.start, c.end) === c.quote;
  }).length;
  const answerable = q.answers !== null;
  const first = answer.abstained ? undefined : quotes[0];
  const firstQuoteRight = first !== undefined && holdsAnswer(first.quote);
  return {
    ...(q.kind !== undefined ? { kind: q.kind } : {}),
    firstQuoteRight,
    firstQuoteStale: first !== undefined && !firstQuoteRight && (q.stale ?? []).some((s) => containsAnswer(first.quote, s)),
    firstQuoteGold: first !== undefined && q.doc_id !== undefined && first.articleId === q.doc_id,
    id: q.id,
    question: q.question,
    answerable,
    abstained: answer.abstained,
    confidence: answer.confidence ?? null,
    correct: answerable && !answer.abstained && quotes.slice(0, TOP_QUOTES).some((c) => holdsAnswer(c.quote)),
    correctFirst: answerable && !answer.abstained && quotes.length > 0 && holdsAnswer(quotes[0]!.quote),
    correctAnyQuote: answerable && !answer.abstained && quotes.some((c) => holdsAnswer(c.quote)),
    wrongQuotes: answerable && !answer.abstained && !quotes.some((c) => holdsAnswer(c.quote)),
    answerRank,
    hasGold: q.doc_id !== undefined,
    goldRank,
    quotes: quotes.length,
    verbatimQuotes,
    quoteChars: quotes.reduce((n, c) => n + c.quote.length, 0),
    ms,
  };
}
