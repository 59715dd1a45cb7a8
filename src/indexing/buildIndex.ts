import fs from 'node:fs';
import path from 'node:path';
import type { Article } from '../corpus/article.ts';
import { Bm25Index } from '../search/bm25.ts';
import {
  CURRENT_FILE,
  FILES,
  INDEX_FORMAT_VERSION,
  type Manifest,
  type StoredArticle,
} from '../search/indexLayout.ts';
import { VectorIndex } from '../search/vectorIndex.ts';
import type { Embedder } from './embedder.ts';
import { DEFAULT_CHUNKING, splitPassages, type ChunkingOptions } from './passages.ts';
import { passageSearchText } from './searchText.ts';

export interface BuildProgress {
  phase: 'splitting' | 'embedding' | 'writing';
  done: number;
  total: number;
}

export interface BuildOptions {
  articles: Article[];
  embedder: Embedder;
  indexDir: string;
  chunking?: ChunkingOptions;
  batchSize?: number;
  onProgress?: (p: BuildProgress) => void;
}

export interface BuildResult {
  manifest: Manifest;
  generationDir: string;
  bytesOnDisk: number;
  timings: { totalMs: number; embedMs: number };
}

/**
 * Builds a complete index in a new generation folder, then points CURRENT at it with an atomic
 * rename. Until that rename the previous index stays in use; a crash leaves only a stray
 * `gen-*` folder, removed by the next build.
 */
export async function buildIndex(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const { articles, embedder, indexDir } = options;
  const chunking = options.chunking ?? DEFAULT_CHUNKING;
  const batchSize = options.batchSize ?? 32;
  const report = options.onProgress ?? (() => {});

  fs.mkdirSync(indexDir, { recursive: true });
  const builtAt = new Date();
  const generation = `gen-${builtAt.getTime()}-${process.pid}`;
  const genDir = path.join(indexDir, generation);
  fs.mkdirSync(genDir);

  try {
    // Passages as (article, start, end) triples; their text is always a slice of the body.
    report({ phase: 'splitting', done: 0, total: articles.length });
    const triples: number[] = [];
    articles.forEach((article, a) => {
      for (const span of splitPassages(article.body, chunking)) triples.push(a, span.start, span.end);
    });
    const passageCount = triples.length / 3;
    const searchText = (p: number): string => {
      const article = articles[triples[p * 3]!]!;
      return passageSearchText(article, article.body.slice(triples[p * 3 + 1]!, triples[p * 3 + 2]!));
    };

    const vectors = VectorIndex.create(embedder.dimension, passageCount);
    let embedMs = 0;
    for (let from = 0; from < passageCount; from += batchSize) {
      const to = Math.min(passageCount, from + batchSize);
      const texts: string[] = [];
      for (let p = from; p < to; p++) texts.push(searchText(p));
      const t0 = performance.now();
      const batch = await embedder.embed(texts);
      embedMs += performance.now() - t0;
      batch.forEach((v, i) => vectors.add(v, from + i));
      report({ phase: 'embedding', done: to, total: passageCount });
    }

    report({ phase: 'writing', done: 0, total: 1 });
    vectors.save(path.join(genDir, FILES.vectors));
    const lexicalTexts = function* () {
      for (let p = 0; p < passageCount; p++) yield searchText(p);
    };
    Bm25Index.build(lexicalTexts()).save(genDir);
    fs.writeFileSync(path.join(genDir, FILES.passages), new Uint8Array(Uint32Array.from(triples).buffer));
    writeArticles(genDir, articles);

    const manifest: Manifest = {
      formatVersion: INDEX_FORMAT_VERSION,
      model: embedder.modelId,
      dimension: embedder.dimension,
      builtAt: builtAt.toISOString(),
      chunking,
      articleCount: articles.length,
      passageCount,
      articles: articles.map((a) => ({ id: a.id, contentHash: a.contentHash })),
    };
    // The manifest is written last: a generation without one is incomplete by definition.
    fs.writeFileSync(path.join(genDir, FILES.manifest), JSON.stringify(manifest, null, 1));
    fsyncDir(genDir);
    switchCurrent(indexDir, generation);
    removeOldGenerations(indexDir, generation);
    report({ phase: 'writing', done: 1, total: 1 });

    return {
      manifest,
      generationDir: genDir,
      bytesOnDisk: folderSize(genDir),
      timings: { totalMs: performance.now() - started, embedMs },
    };
  } catch (err) {
    fs.rmSync(genDir, { recursive: true, force: true });
    throw err;
  }
}

function writeArticles(genDir: string, articles: Article[]): void {
  const stored: StoredArticle[] = [];
  const fd = fs.openSync(path.join(genDir, FILES.bodies), 'w');
  let offset = 0;
  try {
    for (const a of articles) {
      const bytes = Buffer.from(a.body, 'utf8');
      fs.writeSync(fd, bytes);
      stored.push({
        id: a.id,
        title: a.title,
        date: a.date,
        url: a.url,
        source: a.source,
        origin: a.origin,
        contentHash: a.contentHash,
        bodyOffset: offset,
        bodyLength: bytes.length,
      });
      offset += bytes.length;
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.writeFileSync(path.join(genDir, FILES.articles), JSON.stringify(stored));
}

/** Replaces CURRENT atomically: write a temporary file, flush it, rename it over the old one. */
function switchCurrent(indexDir: string, generation: string): void {
  const tmp = path.join(indexDir, `${CURRENT_FILE}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, `${generation}\n`);
  const fd = fs.openSync(tmp, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, path.join(indexDir, CURRENT_FILE));
  fsyncDir(indexDir);
}

/**
 * Keeps the new generation and the newest complete one before it (a running bot may still be
 * answering from it). Removes older ones, and leftovers of builds whose process has died.
 */
function removeOldGenerations(indexDir: string, current: string): void {
  const gens = fs
    .readdirSync(indexDir)
    .filter((name) => name.startsWith('gen-') && name !== current)
    .map((name) => ({ name, complete: fs.existsSync(path.join(indexDir, name, FILES.manifest)) }))
    .sort((a, b) => generationTime(b.name) - generationTime(a.name));
  const previous = gens.find((g) => g.complete);
  for (const g of gens) {
    if (g === previous) continue;
    if (!g.complete && isAlive(generationPid(g.name))) continue; // another build is writing it
    fs.rmSync(path.join(indexDir, g.name), { recursive: true, force: true });
  }
}

function generationTime(name: string): number {
  return Number(name.split('-')[1]) || 0;
}

function generationPid(name: string): number {
  return Number(name.split('-')[2]) || 0;
}

function isAlive(pid: number): boolean {
  if (pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
  }
}

function folderSize(dir: string): number {
  return fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
}
