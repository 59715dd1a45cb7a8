/**
 * `npm run train-reader -- [--squad-questions FILE] [--squad-corpus FILE] [--news FILE.jsonl]
 *   [--written FILE.jsonl] [--written-weight N] [--folds 5] [--out FILE] [--no-vectors] [--index-dir DIR]`
 *
 * Fits the reader (src/answer/reader/) and writes its model as JSON (default
 * src/answer/reader/model.json). Every training question goes through the real retrieval (the
 * passages the bot would read); each candidate sentence is labelled by whether it holds an
 * accepted answer. Prints the cross-validated figures (folds split by article) and the
 * abstention trade-off. Data (defaults): ../shared/eval/squad/questions-train.jsonl over
 * ../shared/eval/squad/corpus.jsonl, and eval/reuters-train.jsonl (news questions written for
 * this project, the way readers ask) over ../shared/eval/news/reuters-1987.jsonl; each set's
 * answerable questions are also asked without their article, as questions to decline. The dev
 * sets are never read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { termWeightFor, PASSAGES_PER_ANSWER } from '../src/answer/coverageService.ts';
import { contentWords } from '../src/answer/reader/question.ts';
import { readForTraining, trainReader, TRAINING_NOW, type ReadQuestion, type TrainReport } from '../src/answer/reader/training.ts';
import { DEFAULT_MODEL_PATH } from '../src/answer/reader/model.ts';
import { exitWithError, parseCommandLine, startup } from '../src/cli/runtime.ts';
import { loadCorpus } from '../src/corpus/load.ts';
import type { Article } from '../src/corpus/article.ts';
import { containsAnswer, readQuestions, type EvalQuestion } from '../src/eval/questions.ts';
import { buildIndex } from '../src/indexing/buildIndex.ts';
import { loadEmbedder, type Embedder } from '../src/indexing/embedder.ts';
import { indexStatus } from '../src/indexing/freshness.ts';
import { loadIndex } from '../src/search/loadIndex.ts';
import { Retriever } from '../src/search/retriever.ts';
import { coverageDays, dayAsTime, timeScope } from '../src/search/timeScope.ts';
import { EmbeddedWords } from './train-reader/embeddedWords.ts';

/**
 * The default threshold is the highest at which at most this share of each training set's
 * answerable questions is abstained (out of fold). 5%: the operating point chosen on the dev
 * sets' trade-off curves (README "Reader quality"); at 8% it would be 0.15, which abstained on a
 * fifth of reuters-dev's answerable questions to decline a fifth of its unanswerable ones.
 */
const MAX_WRONGLY_ABSTAINED = 0.05;
/** Every this-many answerable question is also asked of the coverage without its article. */
const GONE_EVERY = 3;
/**
 * How much a hand-written news question counts against a SQuAD one: they are few
 * (hundreds against thousands) but the closest to how readers ask.
 */
const DEFAULT_WRITTEN_WEIGHT = 5;

const USAGE =
  'Usage: npm run train-reader -- [--squad-questions FILE] [--squad-corpus FILE] [--news FILE.jsonl] [--written FILE.jsonl] [--written-weight N] [--folds 5] [--out FILE] [--no-vectors] [--index-dir DIR]';

async function main(): Promise<void> {
  const parsed = parseCommandLine(USAGE, {
    options: {
      'squad-questions': { type: 'string' },
      'squad-corpus': { type: 'string' },
      news: { type: 'string' },
      written: { type: 'string' },
      'written-weight': { type: 'string' },
      folds: { type: 'string' },
      out: { type: 'string' },
      'no-vectors': { type: 'boolean' },
      'index-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (!parsed) return;
  const v = parsed.values;
  const squadQuestions = v['squad-questions'] ?? '../shared/eval/squad/questions-train.jsonl';
  const squadCorpus = v['squad-corpus'] ?? '../shared/eval/squad/corpus.jsonl';
  const news = v.news ?? '../shared/eval/news/reuters-1987.jsonl';
  const written = v.written ?? 'eval/reuters-train.jsonl';
  const writtenWeight = Number(v['written-weight'] ?? DEFAULT_WRITTEN_WEIGHT);
  const folds = Number(v.folds ?? 5);
  const out = v.out ?? DEFAULT_MODEL_PATH;
  const indexRoot = v['index-dir'] ?? 'data/eval';
  const { config } = startup();
  const embedder = await loadEmbedder(config.embeddingModel);
  const words = v['no-vectors'] ? undefined : (embedder.words ?? new EmbeddedWords(embedder));

  const data: ReadQuestion[] = [];
  const sets: string[] = [];
  if (squadQuestions !== 'none') {
    const articles = loadCorpus(squadCorpus).articles;
    const questions = readQuestions(squadQuestions);
    // A SQuAD paragraph id is "squad11dev:<article>:<n>": folds keep an article's paragraphs together.
    const group = (q: EvalQuestion) => (q.doc_id ?? q.id).split(':').slice(0, 2).join(':');
    const squadIndex = path.join(indexRoot, 'squad-index');
    data.push(...(await readSet('squad', articles, squadIndex, questions, group, embedder, words)));
    // The same questions asked of a coverage without their article: the right reply is to abstain.
    const gone = questions.filter((q, i) => q.answers !== null && i % GONE_EVERY === 0);
    data.push(...(await readSet('squad-without-article', articles, squadIndex, gone, group, embedder, words, (q) => (id) => id.startsWith(`${group(q)}:`))));
    sets.push(`${squadQuestions} (${questions.length} questions) over ${squadCorpus}`);
  }
  if (written !== 'none' && news !== 'none') {
    // Questions written by hand, the way readers ask, over the archive (eval/README.md); their
    // articles are not those of the dev sets.
    const articles = loadCorpus(news).articles;
    const questions = readQuestions(written);
    const newsIndex = path.join(indexRoot, 'reuters-index');
    const group = (q: EvalQuestion) => q.doc_id ?? q.id;
    data.push(...(await readSet('written', articles, newsIndex, questions, group, embedder, words)));
    const gone = questions.filter((q) => q.answers !== null);
    data.push(...(await readSet('written-without-article', articles, newsIndex, gone, group, embedder, words, (q) => (id) => id === q.doc_id)));
    sets.push(`${written} (${questions.length} questions written for this project) over ${news}, weighted ${writtenWeight}x`);
  }
  if (data.length === 0) throw new Error('No training questions.');

  const trainedWith =
    `npm run train-reader -- ${process.argv.slice(2).join(' ')}`.trim() + ` (model ${path.basename(embedder.modelId)}; data: ${sets.join('; ')})`;
  const setWeights = { written: writtenWeight, 'written-without-article': writtenWeight };
  const { model, reports } = trainReader(data, { folds, vectors: words !== undefined, maxWronglyAbstained: MAX_WRONGLY_ABSTAINED, trainedWith, setWeights, spanSet: 'written' });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(model, null, 1)}\n`);
  for (const r of reports) process.stdout.write(formatReport(r, folds));
  process.stdout.write(`\nwrote ${out}\n`);
}

/** Retrieves and reads every question of one set through the index of its corpus (built when missing). */
async function readSet(
  set: string,
  articles: Article[],
  indexDir: string,
  questions: EvalQuestion[],
  group: (q: EvalQuestion) => string,
  embedder: Embedder,
  words: EmbeddedWords | import('../src/indexing/wordVectors.ts').WordVectors | undefined,
  /** Leave out the passages of the question's own article (ids it accepts): the question becomes unanswerable. */
  without?: (q: EvalQuestion) => (articleId: string) => boolean,
): Promise<ReadQuestion[]> {
  if (indexStatus(indexDir, articles, embedder.modelId).state !== 'fresh') {
    process.stderr.write(`building the ${set} index in ${indexDir}\n`);
    await buildIndex({ articles, embedder, indexDir });
  }
  const index = loadIndex(indexDir, embedder.modelId);
  const retriever = new Retriever(index);
  retriever.prepareDates();
  // Retrieved as the bot retrieves (coverageService.ts): within the question's time scope, read
  // against a fixed day after any coverage here (or the question's own \`now\`), so refits agree.
  const { span } = coverageDays(index.articles);
  const scopeOf = (q: EvalQuestion) => timeScope(q.question, (q.now ? dayAsTime(q.now) : undefined) ?? TRAINING_NOW, span);
  const termWeight = termWeightFor(index);
  const out: ReadQuestion[] = [];
  const t0 = performance.now();
  for (let i = 0; i < questions.length; i += 64) {
    const batch = questions.slice(i, i + 64);
    const vectors = await embedder.embed(batch.map((q) => q.question));
    const retrieved = batch.map((q, j) => {
      if (!without) return retriever.retrieve(q.question, vectors[j]!, PASSAGES_PER_ANSWER, scopeOf(q));
      const own = without(q);
      const others = retriever.retrieve(q.question, vectors[j]!, PASSAGES_PER_ANSWER * 5, scopeOf(q)).filter((p) => !own(p.articleId));
      return others.slice(0, PASSAGES_PER_ANSWER);
    });
    if (words instanceof EmbeddedWords) {
      const needed = new Set<string>();
      batch.forEach((q, j) => {
        for (const w of contentWords(q.question)) needed.add(w.surface);
        for (const p of retrieved[j]!) for (const w of contentWords(p.text)) needed.add(w.surface);
      });
      await words.prefetch(needed);
    }
    batch.forEach((q, j) => {
      // Without its article a question is unanswerable only if no other retrieved article holds
      // an answer too (news repeats a story); one that still does is left out, not mislabelled.
      if (without && q.answers && retrieved[j]!.some((p) => q.answers!.some((a) => containsAnswer(p.text, a)))) return;
      const asked = without ? { ...q, id: `${q.id}:without-article`, answers: null } : q;
      out.push(readForTraining(asked, group(q), set, retrieved[j]!, termWeight, words));
    });
    if ((i / 64) % 20 === 0) process.stderr.write(`${set}: ${out.length}/${questions.length} read (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  return out;
}

const pct = (x: number | null) => (x === null ? '   —' : `${(x * 100).toFixed(1)}%`.padStart(6));

function spanRule(r: TrainReport): string {
  const kinds = Object.keys(r.spanMinProbability);
  if (kinds.length === 0) return 'for no kind of question (none had 3 in 4 right spans in right sentences)';
  return kinds.map((k) => `for ${k} questions (${pct(r.spanPrecision[k]!).trim()} right in right sentences)`).join(', ') + ', from the chosen threshold; for other kinds never';
}

function formatReport(r: TrainReport, folds: number): string {
  const lines = [`\n${r.variant} reader: ${r.questions} questions, ${r.candidates} candidate sentences; ${folds}-fold cross-validation split by article`];
  for (const [set, s] of Object.entries(r.bySet)) {
    lines.push(`  ${set}: ${s.answerable} answerable, ${s.unanswerable} unanswerable; right sentence first ${pct(s.first)}, in first 3 ${pct(s.top3)} (no threshold)`);
    lines.push('    threshold  answered (1st)  answered (top 3)  answerable abstained  unanswerable abstained');
    for (const c of s.curve.filter((_, i) => i % 2 === 1 || Math.abs(_.threshold - r.suggestedMinConfidence) < 1e-9)) {
      const mark = Math.abs(c.threshold - r.suggestedMinConfidence) < 1e-9 ? '  <- chosen' : '';
      lines.push(`    ${c.threshold.toFixed(2).padStart(9)}  ${pct(c.answeredFirst).padStart(14)}  ${pct(c.answeredTop3).padStart(16)}  ${pct(c.wronglyAbstained).padStart(20)}  ${pct(c.unanswerableAbstained).padStart(22)}${mark}`);
    }
  }
  lines.push(`  chosen MIN_ANSWER_CONFIDENCE ${r.suggestedMinConfidence} (highest with <= ${pct(MAX_WRONGLY_ABSTAINED).trim()} of answerable questions abstained in every training set, out of fold); answer spans marked ${spanRule(r)}`);
  return `${lines.join('\n')}\n`;
}

main().catch(exitWithError);
