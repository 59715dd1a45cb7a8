/**
 * `npm run train-lead -- [--time FILE.jsonl] [--news FILE.jsonl] [--corpus FILE] [--time-weight N]
 *   [--options N] [--l2 X] [--folds 5] [--out FILE] [--index-dir DIR]`
 *
 * Fits the lead model (src/answer/lead/): which of the reader's candidate sentences leads the
 * answer for the question's time. Every question goes through the real pipeline as the bot runs
 * it (time scope, retrieval, the committed reader); each candidate is labelled by whether it holds
 * an accepted answer. Data (defaults): eval/time-train.jsonl (time questions written for this
 * project: latest, dated, relative, with their own `now`) and eval/reuters-train.jsonl (reader
 * questions, mostly without time words: the lead must not bury an older article that alone
 * answers), over ../shared/eval/news/reuters-1987.jsonl. Prints cross-validated figures (folds
 * split by story) against the reader's own order. The dev sets are never read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { termWeightFor, PASSAGES_PER_ANSWER } from '../src/answer/coverageService.ts';
import { LEAD_FEATURES, leadFeatures, DEFAULT_LEAD_MODEL_PATH, READER_PREFIX, scopeClass, type LeadModel, type ScopeClass } from '../src/answer/lead/leadModel.ts';
import { chooseShares, crossValidate, fitLead, type LeadFigures, type LeadQuestion } from '../src/answer/lead/training.ts';
import { leadOptions, storyOf } from '../src/answer/recency.ts';
import { defaultReaderModel } from '../src/answer/reader/model.ts';
import { read } from '../src/answer/reader/reader.ts';
import { TRAINING_NOW } from '../src/answer/reader/training.ts';
import { exitWithError, parseCommandLine, startup } from '../src/cli/runtime.ts';
import { loadCorpus } from '../src/corpus/load.ts';
import { containsAnswer, readQuestions, type EvalQuestion } from '../src/eval/questions.ts';
import { buildIndex } from '../src/indexing/buildIndex.ts';
import { loadEmbedder } from '../src/indexing/embedder.ts';
import { indexStatus } from '../src/indexing/freshness.ts';
import { loadIndex } from '../src/search/loadIndex.ts';
import { Retriever } from '../src/search/retriever.ts';
import { coverageDays, dayAsTime, timeScope, withoutDates } from '../src/search/timeScope.ts';

/** How many of the reader's best candidates the lead is chosen among. */
const DEFAULT_OPTIONS = 12;
/**
 * How much a time question counts against a reader question: they are fewer (hundreds against a
 * thousand) and they are what the lead is for.
 */
const DEFAULT_TIME_WEIGHT = 3;
const DEFAULT_L2 = 1;

const USAGE =
  'Usage: npm run train-lead -- [--time FILE.jsonl] [--news FILE.jsonl] [--corpus FILE] [--time-weight N] [--options N] [--l2 X] [--folds 5] [--out FILE] [--index-dir DIR]';

interface TimeQuestion extends EvalQuestion {
  kind?: string;
  stale?: string[];
  stale_doc_ids?: string[];
  date?: string;
}

async function main(): Promise<void> {
  const parsed = parseCommandLine(USAGE, {
    options: {
      time: { type: 'string' },
      news: { type: 'string' },
      corpus: { type: 'string' },
      'time-weight': { type: 'string' },
      options: { type: 'string' },
      l2: { type: 'string' },
      folds: { type: 'string' },
      out: { type: 'string' },
      'index-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (!parsed) return;
  const v = parsed.values;
  const timeFile = v.time ?? 'eval/time-train.jsonl';
  const newsFile = v.news ?? 'eval/reuters-train.jsonl';
  const corpus = v.corpus ?? '../shared/eval/news/reuters-1987.jsonl';
  const timeWeight = Number(v['time-weight'] ?? DEFAULT_TIME_WEIGHT);
  const optionCount = Number(v.options ?? DEFAULT_OPTIONS);
  const l2 = Number(v.l2 ?? DEFAULT_L2);
  const folds = Number(v.folds ?? 5);
  const out = v.out ?? DEFAULT_LEAD_MODEL_PATH;
  for (const [name, value] of Object.entries({ 'time-weight': timeWeight, options: optionCount, l2, folds })) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  }

  const { config } = startup();
  const embedder = await loadEmbedder(config.embeddingModel);
  const articles = loadCorpus(corpus).articles;
  const indexDir = path.join(v['index-dir'] ?? 'data/eval', 'reuters-index');
  if (indexStatus(indexDir, articles, embedder.modelId).state !== 'fresh') {
    process.stderr.write(`building the news index in ${indexDir}\n`);
    await buildIndex({ articles, embedder, indexDir });
  }
  const index = loadIndex(indexDir, embedder.modelId);
  const retriever = new Retriever(index);
  retriever.prepareDates();
  const { span } = coverageDays(index.articles);
  const resources = { termWeight: termWeightFor(index), words: embedder.words, model: defaultReaderModel() };

  // `none` leaves a set out.
  const timeQuestions = timeFile === 'none' ? [] : (readQuestions(timeFile) as TimeQuestion[]);
  const newsQuestions = newsFile === 'none' ? [] : (readQuestions(newsFile) as TimeQuestion[]).filter((q) => q.answers !== null);
  const storyGroup = storiesOf(timeQuestions);
  const data: LeadQuestion[] = [];
  const readSet = async (set: string, questions: TimeQuestion[], weight: number, group: (q: TimeQuestion) => string) => {
    for (const q of questions) {
      if (!q.answers) continue;
      const scope = timeScope(q.question, (q.now ? dayAsTime(q.now) : undefined) ?? TRAINING_NOW, span);
      if (scope.problem) continue;
      const [vector] = await embedder.embed([q.question]);
      const passages = retriever.retrieve(q.question, vector!, PASSAGES_PER_ANSWER, scope);
      const reading = read(withoutDates(q.question), passages, resources);
      const options = leadOptions(reading, optionCount);
      if (options.length < 2) continue;
      const features = leadFeatures(options, scope, storyOf(scope, passages));
      const holds = (text: string, values: string[] | undefined) => (values ?? []).some((a) => containsAnswer(text, a));
      data.push({
        id: q.id,
        group: group(q),
        set,
        kind: q.kind ?? 'none',
        scopeClass: scopeClass(scope),
        weight,
        options: options.map((o, i) => ({ features: features[i]!, right: holds(o.quote, q.answers!), stale: holds(o.quote, q.stale) })),
      });
    }
    process.stderr.write(`${set}: ${questions.length} questions read\n`);
  };
  await readSet('time', timeQuestions, timeWeight, (q) => storyGroup.get(q.id)!);
  await readSet('news', newsQuestions, 1, (q) => q.doc_id ?? q.id);

  // With the time measures, the reader's own measures of each sentence: the reader was fitted
  // mostly on SQuAD, and news questions about a story's time weigh them differently.
  const readerNames = [...new Set(data.flatMap((q) => q.options.flatMap((o) => Object.keys(o.features).filter((k) => k.startsWith(READER_PREFIX)))))].sort();
  const featureNames = [...LEAD_FEATURES, ...readerNames];
  const { shares: minShare, merits } = chooseShares(data, folds, l2, featureNames);
  const cv = crossValidate(data, folds, l2, featureNames, minShare);
  const model: LeadModel = {
    version: 1,
    trainedWith:
      `npm run train-lead -- ${process.argv.slice(2).join(' ')}`.trim() +
      ` (model ${path.basename(embedder.modelId)}; data: ${timeFile} (${timeQuestions.length} time questions, weighted ${timeWeight}x) and ${newsFile} (${newsQuestions.length} answerable) over ${corpus})`,
    options: optionCount,
    minShare,
    model: fitLead(data, l2, featureNames),
    crossValidation: { figures: cv, meritByShare: merits },
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(model, null, 1)}\n`);
  process.stdout.write(formatFigures(cv, folds));
  process.stdout.write('\nlead among candidates answering at least this share of the best (mean of right - stale over the kinds, out of fold):\n');
  for (const [c, m] of Object.entries(merits)) {
    process.stdout.write(`  ${c.padEnd(9)} ${Object.entries(m).map(([share, v]) => `${share} ${(100 * v).toFixed(1)}`).join(', ')}; chosen ${minShare[c as ScopeClass]}\n`);
  }
  process.stdout.write(`\nweights (standardised): ${featureNames.map((f, i) => `${f} ${model.model.weights[i]!.toFixed(2)}`).join(', ')}\nwrote ${out}\n`);
}

/** Time questions on one story (linked by the articles they name) share a group. */
function storiesOf(questions: TimeQuestion[]): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string) => parent.set(find(a), find(b));
  for (const q of questions) for (const d of [q.doc_id, ...(q.stale_doc_ids ?? [])]) if (d) union(`q:${q.id}`, d);
  return new Map(questions.map((q) => [q.id, find(`q:${q.id}`)]));
}

const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`.padStart(6);

function formatFigures(cv: Record<string, LeadFigures>, folds: number): string {
  const lines = [`lead model, ${folds}-fold cross-validation split by story: first quote right / stale, reader's order -> with the lead model`];
  for (const [key, f] of Object.entries(cv).sort()) {
    lines.push(`  ${key.padEnd(16)} n=${String(f.questions).padStart(4)}  right ${pct(f.readerRight, f.questions)} -> ${pct(f.leadRight, f.questions)}   stale ${pct(f.readerStale, f.questions)} -> ${pct(f.leadStale, f.questions)}   (a right option: ${pct(f.anyRight, f.questions)})`);
  }
  return `${lines.join('\n')}\n`;
}

main().catch(exitWithError);
