/**
 * `npm run bench -- [--sizes 10000,100000[,1000000]] [--questions 1000] [--dir data/bench] [--breakdown] [--json]`
 *
 * For each size: generates a synthetic news corpus of that many passages (scripts/bench/corpus.ts),
 * writes it as JSONL and loads it with the real corpus loader, builds the index with the real
 * build (EMBEDDING_MODEL), then serves questions from it in a separate process
 * (scripts/bench/serve.ts) and prints:
 *   - build: passages per second, and the share of build time spent in the model vs the rest;
 *   - query: retrieval p50/p99 (question already embedded) and whole-answer p50/p99 (embedding
 *     included), over `--questions` questions;
 *   - index load time, bytes on disk, resident memory of the serving process.
 * `--breakdown` also times the non-model build steps one by one (sentence splitting, BM25,
 * vector graph insertion with random vectors). A benchmark, not a test: numbers depend on the
 * machine and its load, which is printed with them.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import 'dotenv/config';
import { loadCorpus } from '../src/corpus/load.ts';
import { buildIndex } from '../src/indexing/buildIndex.ts';
import { loadEmbedder } from '../src/indexing/embedder.ts';
import { DEFAULT_CHUNKING, splitPassages } from '../src/indexing/passages.ts';
import { passageSearchText } from '../src/indexing/searchText.ts';
import { Bm25Index } from '../src/search/bm25.ts';
import { VectorGraph } from '../src/search/vectorIndex.ts';
import { generateArticle, questionFrom, rng, sourceTexts, vocabularyFrom, type GeneratedArticle } from './bench/corpus.ts';
import { table } from '../src/eval/report.ts';
import { DEFAULT_EMBEDDING_MODEL } from '../src/config.ts';

const REPO = path.resolve(import.meta.dirname, '..');
/** The generated corpus is written in parts of this size, as a large bulk import would be. */
const CORPUS_PART_BYTES = 64 * 2 ** 20;

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    questions: { type: 'string', default: '1000' },
    dir: { type: 'string', default: path.join(REPO, 'data/bench') },
    breakdown: { type: 'boolean' },
    json: { type: 'boolean' },
    keep: { type: 'boolean' },
  },
});
const sizes = values.sizes!.split(',').map((s) => Number(s.replace(/_/g, '')));
const questionCount = Number(values.questions);
const model = process.env.EMBEDDING_MODEL || DEFAULT_EMBEDDING_MODEL;
const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

interface SizeResult {
  passages: number;
  articles: number;
  corpusLoadMs: number;
  buildMs: number;
  embedMs: number;
  passagesPerSecond: number;
  modelShare: number;
  bytesOnDisk: number;
  breakdown?: { splitMs: number; bm25Ms: number; graphMs: number };
  serve: {
    questions: number;
    loadMs: number;
    rssModelOnlyBytes: number;
    rssLoadedBytes: number;
    rssServingBytes: number;
    maxRssBytes: number;
    embedMs: { p50: number; p99: number };
    retrievalMs: { p50: number; p99: number };
    answerMs: { p50: number; p99: number };
  };
  loadAverage: string;
}

async function main(): Promise<void> {
  fs.mkdirSync(values.dir!, { recursive: true });
  log(`model ${model}; ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${load()}`);
  const vocab = vocabularyFrom(sourceTexts(REPO));
  const embedder = await loadEmbedder(model);
  const results: SizeResult[] = [];

  for (const size of sizes) {
    // 1. Corpus: articles until the passage count reaches the size, written as bulk-import JSONL
    //    files of at most CORPUS_PART_BYTES each (one file would pass V8's string size at 1M).
    const r = rng(size);
    const articles: GeneratedArticle[] = [];
    let passages = 0;
    const corpusDir = path.join(values.dir!, `corpus-${size}`);
    fs.rmSync(corpusDir, { recursive: true, force: true });
    fs.mkdirSync(corpusDir, { recursive: true });
    let part = -1;
    let partBytes = Infinity;
    let fd = -1;
    while (passages < size) {
      const a = generateArticle(articles.length, vocab, r);
      passages += splitPassages(a.text).length;
      articles.push(a);
      const line = `${JSON.stringify(a)}\n`;
      if (partBytes + line.length > CORPUS_PART_BYTES) {
        if (fd >= 0) fs.closeSync(fd);
        fd = fs.openSync(path.join(corpusDir, `part-${String(++part).padStart(3, '0')}.jsonl`), 'w');
        partBytes = 0;
      }
      fs.writeSync(fd, line);
      partBytes += line.length;
    }
    fs.closeSync(fd);
    const questionsFile = path.join(values.dir!, `questions-${size}.jsonl`);
    const qr = rng(size + 1);
    fs.writeFileSync(
      questionsFile,
      Array.from({ length: questionCount }, (_, i) => JSON.stringify(questionFrom(articles[Math.floor(qr() * articles.length)]!, i, qr))).join('\n') + '\n',
    );
    articles.length = 0; // the loader reads them back, as a real import would

    // 2. Load and build with the real code.
    let t0 = performance.now();
    const loaded = loadCorpus(corpusDir).articles;
    const corpusLoadMs = performance.now() - t0;
    const indexDir = path.join(values.dir!, `index-${size}`);
    fs.rmSync(indexDir, { recursive: true, force: true });
    log(`${size}: ${loaded.length} articles; building (load average ${load()})`);
    let lastLog = Date.now();
    const build = await buildIndex({
      articles: loaded,
      embedder,
      indexDir,
      onProgress: (p) => {
        if (p.phase === 'embedding' && Date.now() - lastLog > 30_000) {
          lastLog = Date.now();
          log(`${size}: embedded ${p.done}/${p.total}`);
        }
      },
    });
    const { totalMs, embedMs } = build.timings;
    log(`${size}: built ${build.manifest.passageCount} passages in ${(totalMs / 1000).toFixed(1)} s (model ${(embedMs / 1000).toFixed(1)} s)`);

    // 3. Optional: the non-model steps alone.
    let breakdown: SizeResult['breakdown'];
    if (values.breakdown) {
      t0 = performance.now();
      const texts: string[] = [];
      for (const a of loaded) for (const s of splitPassages(a.body, DEFAULT_CHUNKING)) texts.push(passageSearchText(a, a.body.slice(s.start, s.end)));
      const splitMs = performance.now() - t0;
      t0 = performance.now();
      Bm25Index.build(texts);
      const bm25Ms = performance.now() - t0;
      const vr = rng(7);
      const graph = VectorGraph.create(embedder.dimension, texts.length);
      const v = new Float32Array(embedder.dimension);
      t0 = performance.now();
      for (let i = 0; i < texts.length; i++) {
        let norm = 0;
        for (let d = 0; d < v.length; d++) norm += (v[d] = vr() - 0.5) ** 2;
        for (let d = 0; d < v.length; d++) v[d]! /= Math.sqrt(norm);
        graph.add(v, i);
      }
      const graphMs = performance.now() - t0;
      breakdown = { splitMs, bm25Ms, graphMs };
    }

    // 4. Serve questions in a fresh process.
    log(`${size}: serving ${questionCount} questions (load average ${load()})`);
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(REPO, 'scripts/bench/serve.ts'), '--index', indexDir, '--questions', questionsFile, '--model', model],
      { cwd: REPO, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' }, maxBuffer: 1 << 24 },
    );
    if (child.status !== 0) throw new Error(`serve failed: ${child.stderr}`);
    const serve = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as SizeResult['serve'];

    results.push({
      passages: build.manifest.passageCount,
      articles: loaded.length,
      corpusLoadMs,
      buildMs: totalMs,
      embedMs,
      passagesPerSecond: build.manifest.passageCount / (totalMs / 1000),
      modelShare: embedMs / totalMs,
      bytesOnDisk: build.bytesOnDisk,
      breakdown,
      serve,
      loadAverage: load(),
    });
    if (!values.keep) fs.rmSync(indexDir, { recursive: true, force: true });
    fs.rmSync(corpusDir, { recursive: true, force: true });
  }

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ model, cores: os.cpus().length, results })}\n`);
    return;
  }
  process.stdout.write(`${formatBench(model, results)}\n`);
}

const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(0)} s` : x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(x < 10 ? 2 : 0)} ms`);
const mb = (x: number) => `${(x / 2 ** 20).toFixed(0)} MB`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatBench(modelName: string, results: SizeResult[]): string {
  const blocks = results.map((r) => {
    const rows: Array<[string, string]> = [
      ['articles / passages', `${r.articles} / ${r.passages}`],
      ['build: time, passages/s', `${ms(r.buildMs)}, ${r.passagesPerSecond.toFixed(0)}/s (corpus load ${ms(r.corpusLoadMs)} before it)`],
      ['build: model / rest of pipeline', `${pct(r.modelShare)} / ${pct(1 - r.modelShare)}`],
    ];
    if (r.breakdown) {
      rows.push(['  rest: split / BM25 / vector graph', `${ms(r.breakdown.splitMs)} / ${ms(r.breakdown.bm25Ms)} / ${ms(r.breakdown.graphMs)} (timed alone)`]);
    }
    rows.push(
      [`retrieval p50 / p99 (${r.serve.questions} q)`, `${ms(r.serve.retrievalMs.p50)} / ${ms(r.serve.retrievalMs.p99)}`],
      ['answer p50 / p99 (with embedding)', `${ms(r.serve.answerMs.p50)} / ${ms(r.serve.answerMs.p99)}  (embedding alone p50 ${ms(r.serve.embedMs.p50)})`],
      ['index load', ms(r.serve.loadMs)],
      ['bytes on disk', mb(r.bytesOnDisk)],
      ['RSS: model only / index loaded / serving (max)', `${mb(r.serve.rssModelOnlyBytes)} / ${mb(r.serve.rssLoadedBytes)} / ${mb(r.serve.rssServingBytes)} (${mb(r.serve.maxRssBytes)})`],
      ['load average after', r.loadAverage],
    );
    return `${r.passages} passages\n${table(rows)}`;
  });
  return [`bench with ${modelName} on ${os.cpus().length} cores`, ...blocks].join('\n\n');
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(2);
});
