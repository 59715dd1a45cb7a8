/**
 * `npm run eval -- --questions FILE.jsonl [--corpus DIR|FILE.jsonl] [--index DIR] [--json] [--curve] [--details FILE]`
 *
 * Answers every question through the real answering pipeline and scores it: answered correctly
 * (an accepted answer inside one of the first three quotes), Recall@k / MRR of the first passage
 * holding an answer (and of the gold article when questions carry `doc_id`), abstention on
 * answerable and unanswerable questions, and whether every shown quote is the source text at its
 * offsets (checked against the corpus files when a corpus is given).
 *
 * Index: see scripts/eval/evalIndex.ts (`--corpus` alone: a temporary index; `--index`: built
 * there when missing or out of date, `--rebuild` forces it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_EXTRACTIVE } from '../src/answer/extractive.ts';
import { defaultReaderModel } from '../src/answer/reader/model.ts';
import { exitWithError, parseCommandLine, UsageError } from '../src/cli/runtime.ts';
import { openEvalIndex } from './eval/evalIndex.ts';
import { evaluate } from '../src/eval/evaluate.ts';
import { abstentionCurve, summarize } from '../src/eval/metrics.ts';
import { readQuestions } from '../src/eval/questions.ts';
import { formatCurve, formatSummary } from '../src/eval/report.ts';
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

  const { config, embedder, index, articles, buildMs, dispose } = await openEvalIndex({
    corpus: values.corpus,
    index: values.index,
    rebuild: values.rebuild,
    quiet: values.json,
  });
  try {
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
      index: values.index ?? (values.corpus !== undefined ? null : config.indexDir),
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
    dispose();
  }
}

/** The threshold the committed reader model chose for this embedder (with or without word vectors). */
function readerThreshold(embedder: { words?: unknown }): number {
  const model = defaultReaderModel();
  return (embedder.words && model.vectors ? model.vectors : model.lexical).minConfidence;
}

main().catch(exitWithError);
