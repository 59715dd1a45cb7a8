import type { ArticleSummary } from '../corpus/article.ts';
import type { Embedder } from '../indexing/embedder.ts';
import type { LoadedIndex } from '../search/loadIndex.ts';
import { Retriever, type RankedPassage } from '../search/retriever.ts';
import { wordRarity } from '../search/wordRarity.ts';
import { splitSentences } from '../indexing/sentences.ts';
import type { AskOptions, Coverage, CoverageStats, LatestArticle, SourcePassage } from './coverage.ts';
import { abstention, composeAnswer, DEFAULT_EXTRACTIVE, type ExtractiveOptions } from './extractive.ts';
import { combineFollowUp } from './followUp.ts';
import { defaultLeadModel, type LeadModel } from './lead/leadModel.ts';
import { defaultReaderModel, type ReaderModel } from './reader/model.ts';
import { read, type Reading, type ReaderResources } from './reader/reader.ts';
import type { RetrievedPassage } from '../search/types.ts';
import { validateQuestion } from './question.ts';
import { applyRecency, readingInTimeOrder, timeProblemAnswer } from './recency.ts';
import { coverageDays, timeScope, withoutDates } from '../search/timeScope.ts';
import type { Answer } from './types.ts';
import { verifyCitations } from './verify.ts';

/** How many articles "the newest on a topic" lists by default. */
const LATEST_ARTICLES = 5;
/** How many retrieved passages the answer is chosen from. */
export const PASSAGES_PER_ANSWER = 8;

/**
 * How much a question word weighs: by how rare it is in English and in this coverage (the
 * corpus' own statistics alone mislead while it is small). Words the coverage lacks count as seen once.
 */
export function termWeightFor(index: LoadedIndex): (term: string) => number {
  const rareIdf = index.lexical.idfForDocumentFrequency(1);
  wordRarity('the'); // loads the word-frequency table now, not during the first question (~0.4 s)
  return (term: string) => wordRarity(term) + (index.lexical.idf(term) || rareIdf);
}

export interface CoverageLogger {
  error(obj: object, msg: string): void;
}

/** Writes an answer from passages (e.g. a language model); gets the extractive answer to fall back on. */
export interface AnswerWriter {
  write(question: string, passages: RetrievedPassage[], fallback: Answer): Promise<Answer>;
}

export interface CoverageOptions {
  index: LoadedIndex;
  embedder: Embedder;
  log: CoverageLogger;
  writer?: AnswerWriter;
  extractive?: ExtractiveOptions;
  /** The reader's fitted model (default: the committed src/answer/reader/model.json). */
  readerModel?: ReaderModel;
  /** Which candidate leads for the question's time (default: the committed src/answer/lead/model.json). */
  leadModel?: LeadModel;
  /**
   * For evaluation only: sees every question's ranked passages, at least `depth` of them (the
   * answer is still chosen from the first PASSAGES_PER_ANSWER).
   */
  observe?: { depth: number; retrieved(question: string, passages: RankedPassage[]): void };
}

/**
 * The answering pipeline: question -> passages -> answer -> verified citations. Every citation
 * is checked against the indexed article text right before it leaves, whoever wrote it.
 */
export function createCoverage(options: CoverageOptions): Coverage {
  const { index, embedder, log, writer } = options;
  const retriever = new Retriever(index);
  retriever.prepareDates(); // every question is read against its time of asking
  const articleIndexById = new Map(index.articles.map((a, i) => [a.id, i]));
  const resources: ReaderResources = { termWeight: termWeightFor(index), words: embedder.words, model: options.readerModel ?? defaultReaderModel() };
  // Read now, so that a missing or broken model file stops the start, not every question.
  const leadModel = options.leadModel ?? defaultLeadModel();
  // The coverage's first and last days, and its article dates in order (to count a period's articles).
  const { sortedDays, span } = coverageDays(index.articles);
  // Undated articles may be from any time: with any of them, no period is known to be empty.
  const undated = index.articles.length - sortedDays.length;
  const articlesIn = (from: string, to: string) => undated + lowerBound(sortedDays, to, true) - lowerBound(sortedDays, from, false);
  const bodyOf = (articleId: string) => {
    const i = articleIndexById.get(articleId);
    return i === undefined ? undefined : index.body(i);
  };

  /** Shows an answer only if every quote in it is verbatim; otherwise something safer. */
function showable(answer: Answer, extractive: Answer): Answer {
    const { rejected } = verifyCitations(answer.citations, bodyOf);
    if (rejected.length === 0) return answer;
    // Extractive quotes are sliced from the text by offset, so this signals a bug or a changed
    // index. The answer text embeds its quotes, so it cannot be patched: replace it whole.
    log.error({ rejected: rejected.map((c) => ({ articleId: c.articleId, start: c.start, end: c.end })) }, 'citation failed verification');
    const dropped = answer.droppedQuotes + rejected.length;
    if (answer !== extractive && verifyCitations(extractive.citations, bodyOf).rejected.length === 0) {
      return { ...extractive, droppedQuotes: dropped };
    }
    return { ...abstention(answer.question, 'Quotes could not be verified against the coverage.'), droppedQuotes: dropped };
  }

  return {
    // `now` is the time of asking (default: the clock); `previousQuestion` makes this a follow-up.
    async ask(rawQuestion: string, askOptions?: AskOptions): Promise<Answer> {
      const question = validateQuestion(rawQuestion);
      // A follow-up is searched with the previous question's subject filled in, and its quotes
      // are chosen for the follow-up itself (src/answer/followUp.ts).
      const previousQuestion = askOptions?.previousQuestion?.replace(/\s+/g, ' ').trim();
      const followUp = previousQuestion ? combineFollowUp(previousQuestion, question) : undefined;
      const searchText = followUp?.question ?? question;
      const focus = followUp?.focus ?? question;
      const scope = timeScope(searchText, askOptions?.now ?? new Date(), span);
      const problem = timeProblemAnswer(question, scope, span, articlesIn);
      if (problem) return problem;
      const [vector] = await embedder.embed([searchText]);
      const depth = Math.max(PASSAGES_PER_ANSWER, options.observe?.depth ?? 0);
      const ranked = retriever.retrieve(searchText, vector!, depth, scope);
      options.observe?.retrieved(searchText, ranked);
      const passages = ranked.slice(0, PASSAGES_PER_ANSWER);
      const extractiveOptions = options.extractive ?? DEFAULT_EXTRACTIVE;
      // The reader reads the question without the time it is about: the time scope has chosen the
      // passages by date, and answering sentences rarely repeat the question's date. The sentence
      // that leads is then chosen for the question's time (recency.ts).
      const answerFor = (focusText: string) => {
        const timed = readingInTimeOrder(read(withoutDates(focusText), passages, resources), { scope, passages }, leadModel);
        return { reading: timed, answer: { ...composeAnswer(timed, extractiveOptions), question: focusText } };
      };
      let { reading, answer: extractive } = answerFor(focus);
      if (extractive.abstained && followUp?.fallbackFocus) ({ reading, answer: extractive } = answerFor(followUp.fallbackFocus));
      // A language model reads the follow-up and the question it follows as they were asked, and
      // the passages in the reader's order: the one answering best first.
      const writtenFor = followUp ? `${question} (a follow-up to: ${previousQuestion})` : question;
      const answer = writer ? await writer.write(writtenFor, byReading(passages, reading), extractive) : extractive;
      const shown = applyRecency(showable(answer, extractive), { scope, passages });
      if (!followUp) return shown;
      return { ...shown, question, followUp: { previousQuestion: previousQuestion!, searchedAs: followUp.question } };
    },
    async latest(topic: string, askOptions?: AskOptions & { limit?: number }): Promise<LatestArticle[]> {
      const question = validateQuestion(topic);
      const scope = { ...timeScope(question, askOptions?.now ?? new Date(), span), latest: 'explicit' as const };
      const articles = retriever.newest(question, askOptions?.limit ?? LATEST_ARTICLES, scope);
      return articles.map((p) => {
        const body = bodyOf(p.articleId) ?? '';
        const first = splitSentences(body.slice(0, 2000))[0]; // the opening is enough for its first sentence
        return { articleId: p.articleId, title: p.title, date: p.date, url: p.url, firstSentence: first ? body.slice(first.start, first.end) : '' };
      });
    },

    /** `passageId` is the stable id citations carry; undefined when this index lacks it. */
    sourcePassage(passageId: number): SourcePassage | undefined {
      const row = index.passageNumber(passageId);
      if (row === undefined) return undefined;
      const { article, articleIndex, start, end } = index.passage(row);
      return {
        passageId,
        articleId: article.id,
        title: article.title,
        date: article.date,
        url: article.url,
        start,
        end,
        text: index.body(articleIndex).slice(start, end),
      };
    },

    articles(): ArticleSummary[] {
      return index.articles.map(({ id, title, date, url, source }) => ({ id, title, date, url, source }));
    },

    stats(): CoverageStats {
      const m = index.manifest;
      return { articles: m.articleCount, passages: m.passageCount, model: m.model, dimension: m.dimension, builtAt: m.builtAt };
    },
  };
}

/** Index of the first day after `day` (`after`) or the first not before it, in sorted `days`. */
function lowerBound(days: string[], day: string, after: boolean): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after ? days[mid]! <= day : days[mid]! < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Passages ordered by their best sentence's reader score (ties and unread passages keep retrieval order). */
export function byReading<P extends RetrievedPassage>(passages: P[], reading: Reading): P[] {
  const best = new Map<P, number>();
  for (const c of reading.candidates) if (!best.has(c.passage as P)) best.set(c.passage as P, c.logit);
  return passages
    .map((p, i) => ({ p, i, s: best.get(p) ?? -Infinity }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.p);
}
