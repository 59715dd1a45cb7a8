import type { ArticleSummary } from '../corpus/article.ts';
import type { Embedder } from '../indexing/embedder.ts';
import type { LoadedIndex } from '../search/loadIndex.ts';
import { Retriever, type RankedPassage } from '../search/retriever.ts';
import { wordRarity } from '../search/wordRarity.ts';
import type { AskOptions, Coverage, CoverageStats, SourcePassage } from './coverage.ts';
import { abstention, composeAnswer, DEFAULT_EXTRACTIVE, type ExtractiveOptions } from './extractive.ts';
import { defaultReaderModel, type ReaderModel } from './reader/model.ts';
import { read, type Reading, type ReaderResources } from './reader/reader.ts';
import type { RetrievedPassage } from '../search/types.ts';
import { validateQuestion } from './question.ts';
import type { Answer } from './types.ts';
import { verifyCitations } from './verify.ts';

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
  const articleIndexById = new Map(index.articles.map((a, i) => [a.id, i]));
  const resources: ReaderResources = { termWeight: termWeightFor(index), words: embedder.words, model: options.readerModel ?? defaultReaderModel() };
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
    // `options` (time of asking, follow-up context) are accepted here; the stages that use them read them.
    async ask(rawQuestion: string, _options?: AskOptions): Promise<Answer> {
      const question = validateQuestion(rawQuestion);
      const [vector] = await embedder.embed([question]);
      const depth = Math.max(PASSAGES_PER_ANSWER, options.observe?.depth ?? 0);
      const ranked = retriever.retrieve(question, vector!, depth);
      options.observe?.retrieved(question, ranked);
      const passages = ranked.slice(0, PASSAGES_PER_ANSWER);
      const reading = read(question, passages, resources);
      const extractive = composeAnswer(reading, options.extractive ?? DEFAULT_EXTRACTIVE);
      // A written answer reads the passages in the reader's order: the one answering best first.
      const answer = writer ? await writer.write(question, byReading(passages, reading), extractive) : extractive;
      return showable(answer, extractive);
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

/** Passages ordered by their best sentence's reader score (ties and unread passages keep retrieval order). */
export function byReading<P extends RetrievedPassage>(passages: P[], reading: Reading): P[] {
  const best = new Map<P, number>();
  for (const c of reading.candidates) if (!best.has(c.passage as P)) best.set(c.passage as P, c.logit);
  return passages
    .map((p, i) => ({ p, i, s: best.get(p) ?? -Infinity }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.p);
}
