import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coverage } from '../../src/answer/coverage.ts';
import { readReaderModel } from '../../src/answer/reader/model.ts';
import { runScript } from '../support/cli.ts';
import { createCoverage } from '../../src/answer/coverageService.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import { buildIndex } from '../../src/indexing/buildIndex.ts';
import { EMBEDDED_MODEL_ID, loadEmbedder, type Embedder } from '../../src/indexing/embedder.ts';
import { loadIndex } from '../../src/search/loadIndex.ts';
import { CORPUS_DIR, REPO_ROOT, tempDir } from '../support/paths.ts';

let dir: string;
let seed: Coverage;
let news: Coverage;

// Articles written for this test: a bond "series" and a plant sale, to ask about what they do not say.
const ARTICLES = [
  {
    id: 'bonds',
    title: 'World Bank prices new bond series',
    date: '1987-03-02',
    text:
      'The World Bank priced a new series of five-year bonds on Monday, the bank said.\n\n' +
      'The series, its third this year, raised 300 million dollars and was led by a group of European banks.',
  },
  {
    id: 'plant',
    title: 'Harlow Chemicals sells its Ohio plant',
    date: '1987-04-10',
    text:
      'Harlow Chemicals Inc said it agreed to sell its Ohio plant to Benton Industries.\n\n' +
      'Benton will pay 42 million dollars for the plant, which employs 300 people, Harlow said.\n\n' +
      'The sale is expected to close in June, the company added.',
  },
];

/** The coverage of a corpus as users get it by default: the embedded model, with its word vectors. */
async function coverageOf(corpus: string, indexDir: string, embedder: Embedder): Promise<Coverage> {
  await buildIndex({ articles: loadCorpus(corpus).articles, embedder, indexDir });
  return createCoverage({ index: loadIndex(indexDir, embedder.modelId), embedder, log: { error() {} } });
}

beforeAll(async () => {
  dir = tempDir();
  const embedder = await loadEmbedder(EMBEDDED_MODEL_ID);
  expect(embedder.words).toBeDefined();
  seed = await coverageOf(CORPUS_DIR, path.join(dir, 'seed-index'), embedder);
  const corpus = path.join(dir, 'news.jsonl');
  fs.writeFileSync(corpus, ARTICLES.map((a) => JSON.stringify({ ...a, url: null, source: null })).join('\n'));
  news = await coverageOf(corpus, path.join(dir, 'news-index'), embedder);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the reader on the seed article', () => {
  it('answers "Where will Trump and Putin meet?" with the Riyadh summit first, not the phone calls', async () => {
    const answer = await seed.ask('Where will Trump and Putin meet?');
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]!.quote).toContain('Riyadh');
  });

  it('declines "What did Rubio and Lavrov say about China?": the article never mentions China', async () => {
    const answer = await seed.ask('What did Rubio and Lavrov say about China?');
    expect(answer.abstained).toBe(true);
    expect(answer.citations).toEqual([]);
  });

  it('answers a paraphrase that shares few of the article\'s words', async () => {
    const answer = await seed.ask('When did the two presidents talk on the phone?');
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]!.quote).toMatch(/Feb\. 12/);
  });

  it('shows no second quote from the same article that only restates the question', async () => {
    const answer = await seed.ask('Who did Marco Rubio speak with on the phone?');
    expect(answer.citations[0]!.quote).toContain('Lavrov');
    expect(answer.citations).toHaveLength(1);
  });
});

describe('the reader on news it does not cover', () => {
  // KNOWN SHORTFALL of the reader at its default threshold (README "Reader quality"): it.fails until fixed.
  it.fails('declines an off-topic question that shares words with the coverage ("World Series" vs a bond series)', async () => {
    const answer = await news.ask('Who won the 1987 World Series?');
    expect(answer.abstained).toBe(true);
  });

  // KNOWN SHORTFALL of the lexical/word-vector reader (README "Reader quality"): it.fails until fixed.
  it.fails('declines a near miss: the plant sale is covered, its buyer\'s chief executive is not', async () => {
    const answer = await news.ask('Who is the chief executive of Benton Industries?');
    expect(answer.abstained).toBe(true);
  });

  it('answers the amount, with the amount marked', async () => {
    const answer = await news.ask('How much is Benton paying for the Ohio plant?');
    expect(answer.abstained).toBe(false);
    const first = answer.citations[0]!;
    expect(first.quote).toContain('42 million dollars');
    // Amounts are a kind whose spans the committed model marks (model.json spanMinProbability).
    expect(first.answerStart).toBeDefined();
    expect(ARTICLES[1]!.text.slice(first.answerStart, first.answerEnd)).toBe('42 million dollars');
  });

  it('marks no span for a kind of question whose spans were not right often enough in training', async () => {
    const answer = await seed.ask('Who did Marco Rubio speak with on the phone?');
    expect(answer.citations[0]!.quote).toContain('Lavrov');
    expect(answer.citations[0]!.answerStart).toBeUndefined();
  });
});

describe('npm run train-reader', () => {
  it('fits a model on a tiny set, prints cross-validated figures and writes a model the reader loads', async () => {
    const out = path.join(dir, 'model.json');
    const result = await runScript('train-reader.ts', [
      '--squad-questions', path.join(REPO_ROOT, 'eval/seed-news.jsonl'),
      '--squad-corpus', CORPUS_DIR,
      '--news', 'none',
      '--folds', '2',
      '--no-vectors',
      '--index-dir', path.join(dir, 'train'),
      '--out', out,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/lexical reader: \d+ questions, \d+ candidate sentences; 2-fold cross-validation/);
    expect(result.stdout).toMatch(/chosen MIN_ANSWER_CONFIDENCE/);
    const model = readReaderModel(out);
    expect(model.lexical.candidate.features).toContain('sentCov');
    expect(model.lexical.minConfidence).toBeGreaterThan(0);
    expect(model.vectors).toBeUndefined();
  });
});
