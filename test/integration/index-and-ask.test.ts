import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coverage } from '../../src/answer/coverage.ts';
import { QuestionError } from '../../src/answer/question.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import { containsAnswer, readQuestions } from '../../src/eval/questions.ts';
import { buildIndex } from '../../src/indexing/buildIndex.ts';
import { loadEmbedder, ModelError } from '../../src/indexing/embedder.ts';
import { indexStatus } from '../../src/indexing/freshness.ts';
import { CURRENT_FILE, FILES } from '../../src/search/indexLayout.ts';
import { IndexError, loadIndex } from '../../src/search/loadIndex.ts';
import { CORPUS_DIR, SEED_DEV_QUESTIONS, tempDir } from '../support/paths.ts';
import { buildSeedCoverage, offlineEmbedder } from '../support/seedIndex.ts';

let dir: string;
let indexDir: string;
let coverage: Coverage;

beforeAll(async () => {
  dir = tempDir();
  indexDir = path.join(dir, 'index');
  coverage = await buildSeedCoverage(indexDir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A copy of the built index to damage without touching the shared one. */
function copyOfIndex(): { copy: string; gen: string } {
  const copy = path.join(tempDir(), 'index');
  fs.cpSync(indexDir, copy, { recursive: true });
  return { copy, gen: path.join(copy, fs.readFileSync(path.join(copy, CURRENT_FILE), 'utf8').trim()) };
}

describe('the seed dev questions', () => {
  // KNOWN SHORTFALL of the trained reader (README "Reader quality"): dev-5 is answered with the
  // "Both sides expressed…" sentence, not the one saying what dialogue. it.fails until it is not.
  const knownShortfalls = new Set(['dev-5']);
  for (const q of readQuestions(SEED_DEV_QUESTIONS)) {
    (knownShortfalls.has(q.id) ? it.fails : it)(`${q.id}: ${q.question}`, async () => {
      const answer = await coverage.ask(q.question);
      if (q.answers === null) {
        expect(answer.abstained).toBe(true);
        expect(answer.citations).toEqual([]);
        expect(answer.answer).toMatch(/coverage doesn't answer/);
      } else {
        expect(answer.abstained).toBe(false);
        const quotes = answer.citations.map((c) => c.quote);
        expect(quotes.some((quote) => q.answers!.some((a) => containsAnswer(quote, a)))).toBe(true);
      }
    });
  }
});

describe('answers', () => {
  it('cite quotes that are the article body sliced at their offsets, with title and date', async () => {
    const body = loadCorpus(CORPUS_DIR).articles[0]!.body;
    const answer = await coverage.ask('When did the presidents of the US and Russia talk?');
    expect(answer.citations.length).toBeGreaterThan(0);
    for (const c of answer.citations) {
      expect(body.slice(c.start, c.end)).toBe(c.quote);
      expect(c.title).toMatch(/Rubio and Lavrov/);
      expect(c.date).toBe('2025-02-15');
      expect(answer.answer).toContain(`[${c.n}]`);
    }
  });

  it('finds dates and names the embedding model does not know', async () => {
    const answer = await coverage.ask('What happened on Feb. 14?');
    expect(answer.citations[0]!.quote).toMatch(/Feb\. 14/);
  });

  it('refuses empty and over-long questions with a clear message', async () => {
    await expect(coverage.ask('   ')).rejects.toThrow(/question is empty/);
    await expect(coverage.ask('why '.repeat(500))).rejects.toThrow(QuestionError);
    await expect(coverage.ask('x'.repeat(2000))).rejects.toThrow(/too long \(2000 characters; at most 1000\)/);
  });

  it('gives the full source passage for a citation, and nothing for an unknown one', async () => {
    const answer = await coverage.ask('Who did Marco Rubio speak with on the phone?');
    const source = coverage.sourcePassage(answer.citations[0]!.passageId)!;
    expect(source.text).toContain(answer.citations[0]!.quote);
    expect(coverage.sourcePassage(99999)).toBeUndefined();
    expect(coverage.sourcePassage(-1)).toBeUndefined();
  });

  it('reports what is indexed', () => {
    expect(coverage.stats()).toMatchObject({ articles: 1, passages: expect.any(Number), dimension: 100 });
    expect(coverage.articles()[0]).toMatchObject({ title: expect.stringMatching(/Rubio/), date: '2025-02-15', url: null });
  });
});

describe('index problems are clear errors', () => {
  it('a missing index says to run the indexer', () => {
    expect(() => loadIndex(path.join(dir, 'nowhere'))).toThrow(/No index found in .*nowhere\. Run `npm run index`/);
  });

  it('an index built with another model says to re-index', async () => {
    const e = await offlineEmbedder();
    expect(() => loadIndex(indexDir, 'Xenova/all-MiniLM-L6-v2')).toThrow(/built with embedding model ".*glove-6b-100d", but EMBEDDING_MODEL is "Xenova\/all-MiniLM-L6-v2"\. Re-index/);
    expect(indexStatus(indexDir, loadCorpus(CORPUS_DIR).articles, 'other-model').state).toBe('stale');
    expect(indexStatus(indexDir, loadCorpus(CORPUS_DIR).articles, e.modelId).state).toBe('fresh');
  });

  it('an index of another format version says to re-index', () => {
    const { copy, gen } = copyOfIndex();
    const manifestFile = path.join(gen, FILES.manifest);
    fs.writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifestFile, 'utf8')), formatVersion: 99 }));
    expect(() => loadIndex(copy)).toThrow(/format version 99; this version of coverage-bot reads version 2\. Run `npm run index`/);
  });

  it.each([
    ['a truncated vector file', (gen: string) => fs.truncateSync(path.join(gen, FILES.vectors), 100)],
    ['a missing lexical index', (gen: string) => fs.rmSync(path.join(gen, 'bm25-docs.u32'))],
    ['a manifest that is not JSON', (gen: string) => fs.writeFileSync(path.join(gen, FILES.manifest), '{"formatVers')],
    ['a short passage table', (gen: string) => fs.truncateSync(path.join(gen, FILES.passages), 5)],
    ['a short article text file', (gen: string) => fs.truncateSync(path.join(gen, FILES.bodies), 10)],
  ])('%s is reported as a damaged index', (_name, damage) => {
    const { copy, gen } = copyOfIndex();
    damage(gen);
    expect(() => loadIndex(copy)).toThrow(IndexError);
    expect(() => loadIndex(copy)).toThrow(/is damaged .*Run `npm run index`/);
  });
});

describe('embedding model', () => {
  it('a model folder that does not exist is a clear error, not a download attempt', async () => {
    await expect(loadEmbedder('./models/does-not-exist')).rejects.toThrow(ModelError);
    await expect(loadEmbedder('/no/such/model')).rejects.toThrow(/Embedding model folder not found or incomplete: \/no\/such\/model/);
  });

  it('reads the dimension from the model', async () => {
    expect((await offlineEmbedder()).dimension).toBe(100);
  });
});

describe('rebuilding', () => {
  it('switches to the new index and keeps the previous generation for readers still using it', async () => {
    const { copy } = copyOfIndex();
    const before = fs.readFileSync(path.join(copy, CURRENT_FILE), 'utf8').trim();
    const old = loadIndex(copy);
    await buildIndex({ articles: loadCorpus(CORPUS_DIR).articles, embedder: await offlineEmbedder(), indexDir: copy });
    const after = fs.readFileSync(path.join(copy, CURRENT_FILE), 'utf8').trim();
    expect(after).not.toBe(before);
    expect(fs.existsSync(path.join(copy, before))).toBe(true);
    expect(old.body(0).length).toBeGreaterThan(0);
    expect(loadIndex(copy).dir).toBe(path.join(copy, after));
  });
});
