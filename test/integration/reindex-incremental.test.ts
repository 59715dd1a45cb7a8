import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchArticle, generateBenchCorpus, writeBenchArticle } from '../../scripts/bench-corpus.ts';
import { createCoverage } from '../../src/answer/coverageService.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import { buildIndex, planIndex } from '../../src/indexing/buildIndex.ts';
import type { Embedder } from '../../src/indexing/embedder.ts';
import { lockHolder } from '../../src/indexing/indexLock.ts';
import { splitPassages } from '../../src/indexing/passages.ts';
import { formatReindexSummary, reindex, type ReindexOptions } from '../../src/indexing/reindex.ts';
import { passageSearchText } from '../../src/indexing/searchText.ts';
import { CURRENT_FILE, FILES } from '../../src/search/indexLayout.ts';
import { loadIndex, type LoadedIndex } from '../../src/search/loadIndex.ts';
import { HNSW_EF_CONSTRUCTION, HNSW_M } from '../../src/search/vectorIndex.ts';
import { OFFLINE_MODEL, tempDir } from '../support/paths.ts';
import { offlineEmbedder } from '../support/seedIndex.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

let dir: string;

beforeAll(() => {
  dir = tempDir('coverage-reindex-');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A corpus of `count` generated articles and an index folder for it, not built yet. */
function setup(name: string, count: number): ReindexOptions & { corpusDir: string; indexDir: string } {
  const corpusDir = path.join(dir, name, 'corpus');
  const indexDir = path.join(dir, name, 'index');
  generateBenchCorpus(corpusDir, count);
  return { corpusDir, indexDir, config: { corpusDir, indexDir, embeddingModel: OFFLINE_MODEL }, log: silent, embedder: offlineEmbedder };
}

const generations = (indexDir: string) => fs.readdirSync(indexDir).filter((f) => f.startsWith('gen-')).sort();
const current = (indexDir: string) => fs.readFileSync(path.join(indexDir, CURRENT_FILE), 'utf8').trim();
const file = (corpusDir: string, i: number) => path.join(corpusDir, `${benchArticle(i).id}.md`);

/** Every passage as "articleId start-end", with its stable id. */
function passagesOf(index: LoadedIndex): Map<string, number> {
  const out = new Map<string, number>();
  for (let p = 0; p < index.passageCount; p++) {
    const { article, start, end } = index.passage(p);
    out.set(`${article.id} ${start}-${end}`, index.passageId(p));
  }
  return out;
}

describe('incremental re-index', () => {
  it('embeds everything the first time and nothing when nothing changed', async () => {
    const o = setup('unchanged', 6);
    const first = await reindex(o);
    expect(first).toMatchObject({ upToDate: false, fullReason: 'there is no index yet', articles: 6, reusedPassages: 0 });
    expect(first.embeddedPassages).toBe(first.passages);
    expect(first.added).toHaveLength(6);
    // A first build's summary gives the counts, not a list of every article id.
    expect(formatReindexSummary(first)).toMatch(/^Indexed 6 articles, \d+ passages, with .*\n.*\nEmbedded all \d+ passages: there is no index yet\.$/);

    const before = generations(o.indexDir);
    const second = await reindex(o);
    expect(second).toMatchObject({ upToDate: true, embeddedPassages: 0, articles: 6, passages: first.passages, added: [], changed: [], removed: [] });
    expect(formatReindexSummary(second)).toMatch(/^Index is up to date: nothing to embed \(6 articles/);
    expect(generations(o.indexDir)).toEqual(before);
    expect(lockHolder(o.indexDir)).toBeUndefined();
  });

  it('embeds only added and changed articles, drops removed ones, and matches a full build', async () => {
    const o = setup('changes', 10);
    await reindex(o);
    const old = loadIndex(o.indexDir);
    const oldPassages = passagesOf(old);

    writeBenchArticle(o.corpusDir, { ...benchArticle(100), body: 'The harbour council approved a budget of 12 million euros for the new pier on Tuesday.' });
    fs.appendFileSync(file(o.corpusDir, 3), '\nA late correction: the figures above were revised on Friday.\n');
    fs.rmSync(file(o.corpusDir, 5));
    const summary = await reindex(o);

    expect(summary).toMatchObject({
      upToDate: false,
      added: [benchArticle(100).id],
      changed: [benchArticle(3).id],
      removed: [benchArticle(5).id],
      unchanged: 8,
      articles: 10,
    });
    expect(summary.fullReason).toBeUndefined();
    const articles = loadCorpus(o.corpusDir).articles;
    const expectedEmbedded = articles
      .filter((a) => a.id === benchArticle(100).id || a.id === benchArticle(3).id)
      .reduce((n, a) => n + splitPassages(a.body).length, 0);
    expect(summary.embeddedPassages).toBe(expectedEmbedded);
    expect(summary.reusedPassages).toBe(summary.passages - expectedEmbedded);
    expect(formatReindexSummary(summary)).toMatch(
      /Embedded \d+ new passages?, reused \d+\.\nAdded \(1\): 2020\/article-00100\nChanged \(1\): 2020\/article-00003\nRemoved \(1\): 2020\/article-00005\nUnchanged: 8/,
    );

    // The same passages, text and lexical scores as an index built from scratch.
    const incremental = loadIndex(o.indexDir);
    const fullDir = path.join(dir, 'changes', 'full-index');
    await buildIndex({ articles, embedder: await offlineEmbedder(), indexDir: fullDir });
    const full = loadIndex(fullDir);
    expect([...passagesOf(incremental).keys()].sort()).toEqual([...passagesOf(full).keys()].sort());
    const byId = new Map(articles.map((a) => [a.id, a]));
    for (let p = 0; p < incremental.passageCount; p++) {
      const { article, articleIndex, start, end } = incremental.passage(p);
      expect(incremental.body(articleIndex)).toBe(byId.get(article.id)!.body);
      expect(article.contentHash).toBe(byId.get(article.id)!.contentHash);
      expect(end).toBeGreaterThan(start);
    }
    for (const query of ['oil crisis embargo', 'harbour pier budget', 'report number 7']) {
      const hits = (index: LoadedIndex) =>
        index.lexical.search(query, 10).map((h) => {
          const { article, start } = index.passage(h.doc);
          return `${article.id}@${start}:${h.score.toFixed(4)}`;
        });
      expect(hits(incremental)).toEqual(hits(full));
    }

    // Each passage's stored vector is its own embedding: searching with it finds the passage.
    const embedder = await offlineEmbedder();
    for (let p = 0; p < incremental.passageCount; p++) {
      const { article, articleIndex, start, end } = incremental.passage(p);
      const [vector] = await embedder.embed([passageSearchText(article, incremental.body(articleIndex).slice(start, end))]);
      const top = incremental.vectors.search(vector!, 1)[0]!;
      expect(top.similarity).toBeGreaterThan(0.999);
      const found = incremental.passage(top.doc);
      expect(`${found.article.id} ${found.start}`).toBe(`${article.id} ${start}`);
    }

    // Unchanged passages keep their ids; new ones get ids never used before.
    const ids = passagesOf(incremental);
    for (const [key, id] of ids) {
      if (key.startsWith(benchArticle(100).id) || key.startsWith(benchArticle(3).id)) expect(id).toBeGreaterThanOrEqual(old.manifest.nextPassageId);
      else expect(id).toBe(oldPassages.get(key));
    }

    // And it answers from the new article, not from the removed one.
    const coverage = createCoverage({ index: incremental, embedder, log: silent });
    const answer = await coverage.ask('What budget did the harbour council approve for the pier?');
    expect(answer.citations[0]?.articleId).toBe(benchArticle(100).id);
    expect(answer.citations[0]?.quote).toMatch(/12 million euros/);
    expect(incremental.articles.some((a) => a.id === benchArticle(5).id)).toBe(false);
  });

  it('reuses the slots of deleted vectors, and rebuilds the graph when too many are deleted', async () => {
    const o = setup('graph', 12);
    await reindex(o);
    const start = loadIndex(o.indexDir).manifest;
    expect(start.vectorGraph).toMatchObject({ elements: start.passageCount, deleted: 0 });

    fs.appendFileSync(file(o.corpusDir, 2), '\nOne more sentence for a changed article.\n');
    await reindex(o);
    const changed = loadIndex(o.indexDir).manifest;
    // The old passages of article 2 became holes, then its new passages filled them.
    expect(changed.vectorGraph.elements).toBe(changed.passageCount + changed.vectorGraph.deleted);
    expect(changed.vectorGraph.elements).toBeLessThanOrEqual(start.passageCount + 1);

    for (const i of [0, 1, 3, 4, 5, 6, 7, 8]) fs.rmSync(file(o.corpusDir, i));
    await reindex(o);
    const index = loadIndex(o.indexDir);
    expect(index.manifest.vectorGraph).toEqual({ m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCTION, elements: index.passageCount, deleted: 0, churn: 0 });
    const embedder = await offlineEmbedder();
    const coverage = createCoverage({ index, embedder, log: silent });
    const answer = await coverage.ask('Which report of the benchmark corpus is number 10?');
    expect(answer.citations.map((c) => c.articleId)).toContain(benchArticle(10).id);
  });

  it('embeds everything again when the model, the passage settings or the format changed, or when asked to', async () => {
    const o = setup('settings', 3);
    await reindex(o);
    const articles = loadCorpus(o.corpusDir).articles;
    const model = (await offlineEmbedder()).modelId;
    expect(planIndex(o.indexDir, articles, model, { incremental: true }).fullReason).toBeUndefined();
    expect(planIndex(o.indexDir, articles, 'Xenova/all-MiniLM-L6-v2', { incremental: true }).fullReason).toMatch(/the embedding model changed \(was .*glove/);
    expect(planIndex(o.indexDir, articles, model, { incremental: true, chunking: { maxChars: 300, overlapSentences: 1 } }).fullReason).toBe(
      'the passage settings changed',
    );

    const full = await reindex({ ...o, full: true });
    expect(full).toMatchObject({ upToDate: false, fullReason: 'a full re-index was asked for', reusedPassages: 0 });

    const manifestFile = path.join(o.indexDir, current(o.indexDir), FILES.manifest);
    fs.writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifestFile, 'utf8')), formatVersion: 1 }));
    const rebuilt = await reindex(o);
    expect(rebuilt.fullReason).toMatch(/^the current index cannot be used: .*format version 1/);
    expect(loadIndex(o.indexDir).manifest.articleCount).toBe(3);
  });

  it('a re-index that fails leaves the index as it was and releases the lock', async () => {
    const o = setup('failing', 4);
    await reindex(o);
    const before = current(o.indexDir);
    writeBenchArticle(o.corpusDir, benchArticle(50));
    const real = await offlineEmbedder();
    const broken: Embedder = { modelId: real.modelId, dimension: real.dimension, embed: async () => Promise.reject(new Error('model crashed')) };
    await expect(reindex({ ...o, embedder: async () => broken })).rejects.toThrow('model crashed');
    expect(current(o.indexDir)).toBe(before);
    expect(generations(o.indexDir)).toEqual([before]);
    expect(lockHolder(o.indexDir)).toBeUndefined();
    expect((await reindex(o)).added).toEqual([benchArticle(50).id]);
  });

  it('refuses a second re-index in the same process while one runs', async () => {
    const o = setup('twice', 3);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = reindex({ ...o, embedder: async () => (await gate, offlineEmbedder()) });
    await new Promise((r) => setTimeout(r, 50));
    await expect(reindex(o)).rejects.toThrow(/Another re-index is running \(pid \d+ since .*\)/);
    release();
    expect((await first).articles).toBe(3);
  });

  it('lists articles it could not read, with the reason, and indexes the rest', async () => {
    const o = setup('skipped', 2);
    fs.writeFileSync(path.join(o.corpusDir, 'no-title.md'), '---\ndate: 2025-01-01\n---\nText without a title.\n');
    const summary = await reindex(o);
    expect(summary.articles).toBe(2);
    expect(summary.skipped).toEqual([{ origin: path.join(o.corpusDir, 'no-title.md'), reason: 'missing title' }]);
    expect(formatReindexSummary(summary)).toMatch(/Skipped 1 article:\n {2}.*no-title\.md: missing title/);
  });
});
