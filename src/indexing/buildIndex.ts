import fs from 'node:fs';
import { fsyncDir, fsyncFile, writeFileDurably } from '../durableFs.ts';
import path from 'node:path';
import type { Article } from '../corpus/article.ts';
import { Bm25Index } from '../search/bm25.ts';
import {
  CURRENT_FILE,
  FILES,
  INDEX_FORMAT_VERSION,
  type Manifest,
  type ManifestArticle,
  type StoredArticle,
} from '../search/indexLayout.ts';
import { currentGeneration, readManifest, readPassageTable } from '../search/loadIndex.ts';
import { BackgroundGraph, HNSW_EF_CONSTRUCTION, HNSW_M, VectorGraph } from '../search/vectorIndex.ts';
import type { Embedder } from './embedder.ts';
import { DEFAULT_CHUNKING, splitPassages, type ChunkingOptions } from './passages.ts';
import { passageSearchText } from './searchText.ts';

/**
 * How a passage becomes the text that is embedded: bump it when passage splitting
 * (sentences.ts, passages.ts) or passageSearchText changes, so the next re-index embeds
 * everything again instead of mixing old and new vectors.
 */
export const TEXT_RECIPE = 1;

/**
 * When the passages removed since the vector graph was built from scratch pass this share of its
 * elements, the graph is rebuilt from its own stored vectors (no embedding): reused slots slowly
 * cost recall (measured: self-recall@10 from 1.0 to 0.995 after churning 17% of the graph 25
 * times over without a rebuild). Adding articles alone never triggers it.
 */
const MAX_CHURN_SHARE = 0.2;

export interface BuildProgress {
  phase: 'splitting' | 'embedding' | 'writing';
  done: number;
  total: number;
}

/** A model that is loaded only when something needs embedding. */
export interface LazyEmbedder {
  /** The identity recorded in the manifest (see modelIdentity). */
  readonly modelId: string;
  load(): Promise<Embedder>;
}

export interface BuildOptions {
  articles: Article[];
  embedder: Embedder | LazyEmbedder;
  indexDir: string;
  /**
   * Embed only new and changed articles, reusing the current generation's vectors for the rest,
   * and write nothing when nothing changed. Without it every passage is embedded again.
   */
  incremental?: boolean;
  chunking?: ChunkingOptions;
  batchSize?: number;
  onProgress?: (p: BuildProgress) => void;
  /** Last check before CURRENT is switched; throwing abandons the new generation. */
  beforeSwitch?: () => void;
}

/** What a build found changed between the current index and the corpus (article ids). */
export interface IndexChanges {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
}

export interface BuildResult {
  /** True when the index already matched the corpus: nothing was embedded or written. */
  upToDate: boolean;
  /** Why every passage was embedded again, when it was (no index yet, another model, full build). */
  fullReason?: string;
  changes: IndexChanges;
  manifest: Manifest;
  generationDir: string;
  bytesOnDisk: number;
  embeddedPassages: number;
  reusedPassages: number;
  timings: { totalMs: number; embedMs: number };
}

/** What a build will do, decided from the current manifest alone (no model, no vectors). */
export interface IndexPlan {
  /** The current generation, when there is a readable one. */
  previous?: { generation: string; manifest: Manifest };
  /** Set when everything must be embedded again, and why. */
  fullReason?: string;
  changes: IndexChanges;
}

export function planIndex(
  indexDir: string,
  articles: Article[],
  modelId: string,
  options: { incremental?: boolean; chunking?: ChunkingOptions } = {},
): IndexPlan {
  const chunking = options.chunking ?? DEFAULT_CHUNKING;
  let previous: IndexPlan['previous'];
  let fullReason: string | undefined;
  try {
    const generation = currentGeneration(indexDir);
    previous = { generation, manifest: readManifest(path.join(indexDir, generation)) };
  } catch (err) {
    fullReason = fs.existsSync(path.join(indexDir, CURRENT_FILE)) ? `the current index cannot be used: ${(err as Error).message}` : 'there is no index yet';
  }
  const changes = diffArticles(previous?.manifest.articles ?? [], articles);
  if (previous && !options.incremental) fullReason = 'a full re-index was asked for';
  fullReason ??= previous && incompatibility(previous.manifest, modelId, chunking);
  return { previous, fullReason, changes };
}

/** Articles added, changed (other content hash) and removed between an index and the corpus. */
export function diffArticles(indexed: ManifestArticle[], articles: Article[]): IndexChanges {
  const hashes = new Map(indexed.map((a) => [a.id, a.contentHash]));
  const present = new Set(articles.map((a) => a.id));
  const changes: IndexChanges = { added: [], changed: [], removed: [], unchanged: 0 };
  for (const a of articles) {
    const hash = hashes.get(a.id);
    if (hash === undefined) changes.added.push(a.id);
    else if (hash !== a.contentHash) changes.changed.push(a.id);
    else changes.unchanged++;
  }
  for (const a of indexed) if (!present.has(a.id)) changes.removed.push(a.id);
  return changes;
}

export function hasChanges(c: IndexChanges): boolean {
  return c.added.length + c.changed.length + c.removed.length > 0;
}

/** Why vectors of an existing index cannot be reused with these settings, if they cannot. */
function incompatibility(m: Manifest, modelId: string, chunking: ChunkingOptions): string | undefined {
  if (m.model !== modelId) return `the embedding model changed (was ${m.model})`;
  if (m.chunking.maxChars !== chunking.maxChars || m.chunking.overlapSentences !== chunking.overlapSentences) {
    return 'the passage settings changed';
  }
  if (m.textRecipe !== TEXT_RECIPE) return 'the way passages are split or embedded changed';
  if (m.vectorGraph.m !== HNSW_M || m.vectorGraph.efConstruction !== HNSW_EF_CONSTRUCTION) return 'the vector graph settings changed';
  return undefined;
}

/**
 * Builds a complete index in a new generation folder, then points CURRENT at it with an atomic
 * rename. Until that rename the previous index stays in use; a crash leaves only a stray
 * `gen-*` folder, removed by the next re-index (removeLeftovers). Incremental builds copy the unchanged articles'
 * passages and vectors from the current generation and embed only the rest.
 *
 * Two builds must not run at once in one index folder: callers that may (CLI, bot) hold the
 * index lock (see reindex.ts).
 */
export async function buildIndex(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const { articles, indexDir } = options;
  const chunking = options.chunking ?? DEFAULT_CHUNKING;
  const batchSize = options.batchSize ?? 32;
  const report = options.onProgress ?? (() => {});

  fs.mkdirSync(indexDir, { recursive: true });
  const plan = planIndex(indexDir, articles, options.embedder.modelId, { incremental: options.incremental, chunking });
  const { previous, changes } = plan;
  if (previous && !plan.fullReason && !hasChanges(changes)) {
    return {
      upToDate: true,
      changes,
      manifest: previous.manifest,
      generationDir: path.join(indexDir, previous.generation),
      bytesOnDisk: 0,
      embeddedPassages: 0,
      reusedPassages: previous.manifest.passageCount,
      timings: { totalMs: performance.now() - started, embedMs: 0 },
    };
  }
  const embedder = 'embed' in options.embedder ? options.embedder : await options.embedder.load();
  let fullReason = plan.fullReason;
  if (previous && !fullReason && previous.manifest.dimension !== embedder.dimension) {
    fullReason = `the embedding model's dimension changed (was ${previous.manifest.dimension})`;
  }

  const builtAt = new Date();
  const generation = `gen-${builtAt.getTime()}-${process.pid}`;
  const genDir = path.join(indexDir, generation);
  fs.mkdirSync(genDir);
  let background: BackgroundGraph | undefined;

  try {
    report({ phase: 'splitting', done: 0, total: articles.length });
    let layout: Layout | undefined;
    if (previous && !fullReason) {
      try {
        layout = reuseLayout(path.join(indexDir, previous.generation), previous.manifest, articles);
      } catch (err) {
        fullReason = `the current index cannot be reused (${(err as Error).message})`;
      }
    }
    layout ??= freshLayout(articles, previous?.manifest.nextPassageId ?? 0);
    const { ordered, triples, ids, graph } = layout;
    let nextId = layout.nextId;
    const firstNew = layout.reused;

    // Passages of new and changed articles, appended after the reused ones with fresh ids.
    for (let a = layout.articlesReused; a < ordered.length; a++) {
      for (const span of splitPassages(ordered[a]!.body, chunking)) {
        triples.push(a, span.start, span.end);
        ids.push(nextId++);
      }
    }
    const passageCount = ids.length;
    const searchText = (p: number): string => {
      const article = ordered[triples[p * 3]!]!;
      return passageSearchText(article, article.body.slice(triples[p * 3 + 1]!, triples[p * 3 + 2]!));
    };

    // A new graph is built on its own thread while this one embeds and indexes lexically; a
    // reused one (incremental build) changes here.
    if (!graph) background = new BackgroundGraph(embedder.dimension, passageCount);
    graph?.reserve(passageCount - firstNew);
    let pendingVectors: Float32Array[] = [];
    let pendingFrom = firstNew;
    let embedMs = 0;
    // Embedding starts now: progress shown from here measures the model's rate from the first batch.
    if (passageCount > firstNew) report({ phase: 'embedding', done: 0, total: passageCount - firstNew });
    for (let from = firstNew; from < passageCount; from += batchSize) {
      const to = Math.min(passageCount, from + batchSize);
      const texts: string[] = [];
      for (let p = from; p < to; p++) texts.push(searchText(p));
      const t0 = performance.now();
      const batch = await embedder.embed(texts);
      embedMs += performance.now() - t0;
      if (graph) batch.forEach((v, i) => graph.add(v, ids[from + i]!));
      else pendingVectors.push(...batch);
      // Handed over in large messages: one per batch of 32 would cost more than it carries.
      if (background && (pendingVectors.length >= 2048 || to === passageCount)) {
        background.add(pendingVectors, ids.slice(pendingFrom, to));
        pendingVectors = [];
        pendingFrom = to;
      }
      report({ phase: 'embedding', done: to - firstNew, total: passageCount - firstNew });
    }
    const finalGraph = graph && graph.churn > MAX_CHURN_SHARE * graph.elements ? compact(graph, ids) : graph;

    report({ phase: 'writing', done: 0, total: 1 });
    finalGraph?.save(path.join(genDir, FILES.vectors));
    const lexicalTexts = function* () {
      for (let p = 0; p < passageCount; p++) yield searchText(p);
    };
    Bm25Index.build(lexicalTexts()).save(genDir);
    fs.writeFileSync(path.join(genDir, FILES.passages), new Uint8Array(Uint32Array.from(triples).buffer));
    fs.writeFileSync(path.join(genDir, FILES.passageIds), new Uint8Array(Uint32Array.from(ids).buffer));
    writeArticles(genDir, ordered);
    const graphCounts = finalGraph
      ? { elements: finalGraph.elements, deleted: finalGraph.deleted, churn: finalGraph.churn }
      : { elements: await background!.save(path.join(genDir, FILES.vectors)), deleted: 0, churn: 0 };
    background = undefined;

    const manifest: Manifest = {
      formatVersion: INDEX_FORMAT_VERSION,
      model: embedder.modelId,
      dimension: embedder.dimension,
      builtAt: builtAt.toISOString(),
      chunking,
      textRecipe: TEXT_RECIPE,
      articleCount: ordered.length,
      passageCount,
      nextPassageId: nextId,
      vectorGraph: {
        m: HNSW_M,
        efConstruction: HNSW_EF_CONSTRUCTION,
        ...graphCounts,
      },
      articles: ordered.map((a) => ({ id: a.id, contentHash: a.contentHash })),
    };
    // Every file reaches the disk before the manifest, and the manifest before CURRENT names the
    // generation: a generation without a manifest is incomplete by definition.
    for (const f of fs.readdirSync(genDir)) fsyncFile(path.join(genDir, f));
    writeFileDurably(path.join(genDir, FILES.manifest), JSON.stringify(manifest, null, 1));
    fsyncDir(genDir);
    options.beforeSwitch?.();
    switchCurrent(indexDir, generation);
    removeLeftovers(indexDir);
    report({ phase: 'writing', done: 1, total: 1 });

    return {
      upToDate: false,
      fullReason,
      changes,
      manifest,
      generationDir: genDir,
      bytesOnDisk: folderSize(genDir),
      embeddedPassages: passageCount - firstNew,
      reusedPassages: firstNew,
      timings: { totalMs: performance.now() - started, embedMs },
    };
  } catch (err) {
    await background?.abandon();
    fs.rmSync(genDir, { recursive: true, force: true });
    throw err;
  }
}

/** Where a build starts: articles in index order, the passages kept so far, and the graph. */
interface Layout {
  /** Reused articles first (they keep their passages), then new and changed ones. */
  ordered: Article[];
  articlesReused: number;
  /** (article, start, end) of the reused passages, in order. */
  triples: number[];
  ids: number[];
  reused: number;
  nextId: number;
  /** The previous generation's graph to change; none when a new one is built. */
  graph?: VectorGraph;
}

function freshLayout(articles: Article[], firstId: number): Layout {
  // Ids continue after the previous index's, so an id never names two passages; they restart
  // only when the 32-bit range would run out.
  const start = firstId > 2 ** 31 ? 0 : firstId;
  return { ordered: [...articles], articlesReused: 0, triples: [], ids: [], reused: 0, nextId: start };
}

/**
 * Keeps the previous generation's unchanged articles in their order with their passages, ids and
 * vectors; marks the vectors of removed and changed articles deleted.
 */
function reuseLayout(prevDir: string, prev: Manifest, articles: Article[]): Layout {
  if (prev.nextPassageId > 2 ** 32 - 2 ** 28) throw new Error('passage ids are running out');
  const { triples: prevTriples, ids: prevIds } = readPassageTable(prevDir, prev);
  const graph = VectorGraph.read(path.join(prevDir, FILES.vectors), prev.dimension, prev.vectorGraph);
  if (graph.elements !== prev.vectorGraph.elements) throw new Error(`the vector graph in ${prevDir} does not match its manifest`);
  // Each article's passages are contiguous: ranges[a] = [first passage, end).
  const ranges = prev.articles.map(() => [0, 0] as [number, number]);
  for (let p = prevTriples.length / 3 - 1; p >= 0; p--) {
    const range = ranges[prevTriples[p * 3]!]!;
    if (range[1] === 0) range[1] = p + 1;
    range[0] = p;
  }
  const current = new Map(articles.map((a) => [a.id, a]));
  const ordered: Article[] = [];
  const triples: number[] = [];
  const ids: number[] = [];
  prev.articles.forEach((pa, i) => {
    const [from, to] = ranges[i]!;
    const article = current.get(pa.id);
    if (article?.contentHash === pa.contentHash) {
      const a = ordered.push(article) - 1;
      for (let p = from; p < to; p++) {
        if (prevTriples[p * 3] !== i) throw new Error(`the passages of ${pa.id} are not contiguous`);
        triples.push(a, prevTriples[p * 3 + 1]!, prevTriples[p * 3 + 2]!);
        ids.push(prevIds[p]!);
      }
    } else {
      for (let p = from; p < to; p++) graph.remove(prevIds[p]!);
    }
  });
  const articlesReused = ordered.length;
  const kept = new Set(ordered.map((a) => a.id));
  for (const a of articles) if (!kept.has(a.id)) ordered.push(a);
  return { ordered, articlesReused, triples, ids, reused: ids.length, nextId: prev.nextPassageId, graph };
}

/** A new graph of the live vectors only (read back from the old graph, not embedded again). */
function compact(graph: VectorGraph, ids: number[]): VectorGraph {
  const fresh = VectorGraph.create(graph.dimension, ids.length);
  for (const id of ids) fresh.add(graph.vector(id), id);
  return fresh;
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
  } finally {
    fs.closeSync(fd);
  }
  fs.writeFileSync(path.join(genDir, FILES.articles), JSON.stringify(stored));
}

/** Replaces CURRENT atomically: write a temporary file, flush it, rename it over the old one. */
function switchCurrent(indexDir: string, generation: string): void {
  const tmp = path.join(indexDir, `${CURRENT_FILE}.${process.pid}.tmp`);
  writeFileDurably(tmp, `${generation}\n`);
  fs.renameSync(tmp, path.join(indexDir, CURRENT_FILE));
  fsyncDir(indexDir);
}

/**
 * Removes what interrupted builds left behind: generations that are neither the one CURRENT
 * names, nor the newest complete one before it (a running bot may still be answering from it),
 * nor being written by a live process; and `CURRENT.<pid>.tmp` files of dead processes. Run by
 * every re-index under the lock, whether or not it builds, and by a build after it switched.
 * Returns the names removed.
 */
export function removeLeftovers(indexDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(indexDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const current = namedByCurrent(indexDir);
  const gens = names
    .filter((name) => name.startsWith('gen-') && name !== current)
    .map((name) => ({ name, complete: fs.existsSync(path.join(indexDir, name, FILES.manifest)) }))
    .sort((a, b) => generationTime(b.name) - generationTime(a.name));
  // With CURRENT naming no generation on disk the index is damaged: complete generations stay
  // for whoever repairs it; only unfinished ones go.
  const damaged = current !== undefined && !names.includes(current);
  const currentTime = current === undefined ? Infinity : generationTime(current);
  const previous = gens.find((g) => g.complete && generationTime(g.name) < currentTime);
  const removed: string[] = [];
  for (const g of gens) {
    if (g === previous || (damaged && g.complete)) continue;
    if (isAlive(generationPid(g.name))) continue; // another build is writing it
    fs.rmSync(path.join(indexDir, g.name), { recursive: true, force: true });
    removed.push(g.name);
  }
  // CURRENT.<pid>.tmp of a build killed while switching.
  for (const name of names) {
    const m = /^CURRENT\.(\d+)\.tmp$/.exec(name);
    if (m && !isAlive(Number(m[1]))) {
      fs.rmSync(path.join(indexDir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

/** The generation CURRENT names, if there is a readable CURRENT. */
function namedByCurrent(indexDir: string): string | undefined {
  try {
    const name = fs.readFileSync(path.join(indexDir, CURRENT_FILE), 'utf8').trim();
    return /^gen-[\w-]+$/.test(name) ? name : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function generationTime(name: string): number {
  return Number(name.split('-')[1]) || 0;
}

function generationPid(name: string): number {
  return Number(name.split('-')[2]) || 0;
}

/** Whether a process with this pid exists on this machine (not counting this process). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function folderSize(dir: string): number {
  return fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
}
