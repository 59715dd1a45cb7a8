/**
 * `npm run eval -- --questions FILE.jsonl [--corpus DIR|FILE.jsonl] [--index DIR] [--json] [--curve] [--details FILE]`
 *
 * Answers every question through the real answering pipeline and scores it: answered correctly
 * (an accepted answer inside one of the first three quotes), Recall@k / MRR of the first passage
 * holding an answer (and of the gold article when questions carry `doc_id`), abstention on
 * answerable and unanswerable questions, and whether every shown quote is the source text at its
 * offsets (checked against the corpus files when a corpus is given).
 *
 * Index: `--corpus` without `--index` builds a fresh index in a temporary folder; with `--index`
 * it (re)builds there when the index is missing or out of date (`--rebuild` forces it); `--index`
 * alone uses that index as it is; neither uses CORPUS_DIR / INDEX_DIR like `npm start`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_EXTRACTIVE } from '../src/answer/extractive.ts';
import { defaultReaderModel } from '../src/answer/reader/model.ts';
import { exitWithError, parseCommandLine, startup, UsageError } from '../src/cli/runtime.ts';
import { loadCorpus } from '../src/corpus/load.ts';
import { evaluate } from '../src/eval/evaluate.ts';
import { abstentionCurve, summarize } from '../src/eval/metrics.ts';
import { readQuestions } from '../src/eval/questions.ts';
import { formatCurve, formatSummary } from '../src/eval/report.ts';
import { buildIndex } from '../src/indexing/buildIndex.ts';
import { loadEmbedder } from '../src/indexing/embedder.ts';
import { indexStatus } from '../src/indexing/freshness.ts';
import { DEFAULT_CHUNKING } from '../src/indexing/passages.ts';
import { loadIndex } from '../src/search/loadIndex.ts';
import { TOKENIZER_VERSION } from '../src/search/tokenize.ts';
import { count } from '../src/plural.ts';

const USAGE =
  'Usage: npm run eval -- --questions FILE.jsonl [--corpus DIR|FILE.jsonl] [--index DIR] [--rebuild] [--json] [--curve] [--details FILE]';

const CURVE_THRESHOLDS = Array.from({ length: 21 }, (_, i) => i / 20);

async function main(): Promise<void> {
  const parsed = parseCommandLine(USAGE, {
    options: {
      questions: { type: 'string' },
      corpus: { type: 'string' },
      index: { type: 'string' },
      rebuild: { type: 'boolean' },
      json: { type: 'boolean' },
      curve: { type: 'boolean' },
      details: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (!parsed) return;
  const { values } = parsed;
  if (!values.questions) throw new UsageError(`No question file given.\n${USAGE}`);
  let questions;
  try {
    questions = readQuestions(values.questions);
  } catch (err) {
    throw new UsageError(`Cannot read the questions in ${values.questions}: ${(err as Error).message}`);
  }

  const temporary = values.corpus !== undefined && values.index === undefined;
  const indexDir = temporary ? fs.mkdtempSync(path.join(os.tmpdir(), 'coverage-eval-')) : values.index;
  const { config } = startup({ corpusDir: values.corpus, indexDir });
  try {
    const embedder = await loadEmbedder(config.embeddingModel);
    // The corpus is read whenever one is in play: quotes are then checked against the source files.
    const useCorpus = values.corpus !== undefined || values.index === undefined;
    const articles = useCorpus ? loadCorpus(config.corpusDir).articles : undefined;
    let buildMs: number | null = null;
    if (articles) {
      const status = indexStatus(config.indexDir, articles, embedder.modelId);
      // The freshness check compares articles and model; chunking and tokenizer changes count too here.
      const outdated = status.state === 'fresh' && indexOutdated(config.indexDir);
      if (values.rebuild || status.state !== 'fresh' || outdated) {
        if (!values.json) process.stderr.write(`building the index of ${count(articles.length, 'article')} in ${config.indexDir}\n`);
        const t0 = performance.now();
        await buildIndex({ articles, embedder, indexDir: config.indexDir });
        buildMs = performance.now() - t0;
      }
    }
    const index = loadIndex(config.indexDir, embedder.modelId);
    if (!articles && indexOutdated(config.indexDir)) {
      process.stderr.write('warning: the index was built with other chunking or tokenizer settings; pass --corpus to rebuild it\n');
    }
    const sources = articles ? new Map(articles.map((a) => [a.id, a.body])) : undefined;

    const minConfidence = config.minAnswerConfidence ?? readerThreshold(embedder);
    const run = await evaluate({
      index,
      embedder,
      questions,
      sourceOf: sources ? (id) => sources.get(id) : undefined,
      curve: values.curve,
      extractive: { ...DEFAULT_EXTRACTIVE, minConfidence },
    });
    const summary = summarize(run.results);
    const curve = run.unthresholded ? abstentionCurve(run.unthresholded, CURVE_THRESHOLDS) : undefined;

    if (values.details) {
      fs.writeFileSync(values.details, run.results.map((r) => JSON.stringify(r)).join('\n') + '\n');
    }
    const about = {
      questionsFile: values.questions,
      corpus: articles ? config.corpusDir : null,
      index: values.index ?? (temporary ? null : config.indexDir),
      model: index.manifest.model,
      articles: index.manifest.articleCount,
      passages: index.manifest.passageCount,
      minConfidence,
      buildMs,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ ...about, ...summary, ...(curve ? { curve } : {}) })}\n`);
    } else {
      const title = `eval ${path.basename(values.questions)} on ${count(about.articles, 'article')}, ${count(about.passages, 'passage')} (${path.basename(about.model)})`;
      process.stdout.write(`${formatSummary(summary, title)}\n`);
      if (curve) process.stdout.write(`\n${formatCurve(curve, minConfidence)}\n`);
    }
  } finally {
    if (temporary && indexDir) fs.rmSync(indexDir, { recursive: true, force: true });
  }
}

/** The threshold the committed reader model chose for this embedder (with or without word vectors). */
function readerThreshold(embedder: { words?: unknown }): number {
  const model = defaultReaderModel();
  return (embedder.words && model.vectors ? model.vectors : model.lexical).minConfidence;
}

/** True when the index was made with other chunking or another tokenizer than this code's. */
function indexOutdated(indexDir: string): boolean {
  const index = loadIndex(indexDir);
  return (
    JSON.stringify(index.manifest.chunking) !== JSON.stringify(DEFAULT_CHUNKING) ||
    index.lexical.tokenizerVersion !== TOKENIZER_VERSION
  );
}

main().catch(exitWithError);
