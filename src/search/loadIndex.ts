import fs from 'node:fs';
import path from 'node:path';
import { Bm25Index } from './bm25.ts';
import {
  CURRENT_FILE,
  FILES,
  INDEX_FORMAT_VERSION,
  type Manifest,
  type StoredArticle,
} from './indexLayout.ts';
import { passageNumberOf, VectorIndex } from './vectorIndex.ts';

export class IndexError extends Error {
  override name = 'IndexError';
}

const REINDEX_HINT = 'Run `npm run index` to build it again.';

/** Bodies recently read, so a question's few passages do not each hit the disk. */
const BODY_CACHE_SIZE = 256;

/**
 * A loaded, read-only index generation. Vectors and the lexical index live in memory; article
 * bodies stay on disk and are read on demand, so memory does not grow with the corpus text. The
 * body file is held open, so a generation removed from disk while still in use (a later re-index
 * cleans up old generations) goes on answering until `close()`.
 */
export class LoadedIndex {
  private readonly bodyCache = new Map<number, string>();
  private bodiesFd: number | undefined;

  constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    readonly articles: StoredArticle[],
    /** (articleIndex, start, end) per passage */
    private readonly passageTriples: Uint32Array,
    /** Stable id per passage, strictly ascending (see Manifest.nextPassageId). */
    private readonly passageIds: Uint32Array,
    readonly lexical: Bm25Index,
    readonly vectors: VectorIndex,
  ) {
    this.bodiesFd = fs.openSync(path.join(dir, FILES.bodies), 'r');
  }

  /** The generation's folder name (`gen-*`). */
  get generation(): string {
    return path.basename(this.dir);
  }

  get passageCount(): number {
    return this.passageTriples.length / 3;
  }

  passage(p: number): { article: StoredArticle; articleIndex: number; start: number; end: number } {
    if (!Number.isInteger(p) || p < 0 || p >= this.passageCount) throw new RangeError(`no passage ${p}`);
    const articleIndex = this.passageTriples[p * 3]!;
    return {
      article: this.articles[articleIndex]!,
      articleIndex,
      start: this.passageTriples[p * 3 + 1]!,
      end: this.passageTriples[p * 3 + 2]!,
    };
  }

  /** The stable id of passage number `p`: the same passage keeps it across re-indexes. */
  passageId(p: number): number {
    if (!Number.isInteger(p) || p < 0 || p >= this.passageCount) throw new RangeError(`no passage ${p}`);
    return this.passageIds[p]!;
  }

  /** The passage number of a stable id in this generation, or undefined when it is not indexed here. */
  passageNumber(id: number): number | undefined {
    return Number.isInteger(id) ? passageNumberOf(this.passageIds, id) : undefined;
  }

  /** The article text all offsets refer to, exactly as indexed. */
  body(articleIndex: number): string {
    const cached = this.bodyCache.get(articleIndex);
    if (cached !== undefined) {
      this.bodyCache.delete(articleIndex);
      this.bodyCache.set(articleIndex, cached);
      return cached;
    }
    const article = this.articles[articleIndex];
    if (!article) throw new RangeError(`no article ${articleIndex}`);
    if (this.bodiesFd === undefined) throw new Error(`index generation ${this.dir} is closed`);
    const buffer = Buffer.alloc(article.bodyLength);
    fs.readSync(this.bodiesFd, buffer, 0, article.bodyLength, article.bodyOffset);
    const body = buffer.toString('utf8');
    this.bodyCache.set(articleIndex, body);
    if (this.bodyCache.size > BODY_CACHE_SIZE) this.bodyCache.delete(this.bodyCache.keys().next().value!);
    return body;
  }

  /** Releases the body file; call when no question is using this generation any more. */
  close(): void {
    if (this.bodiesFd !== undefined) fs.closeSync(this.bodiesFd);
    this.bodiesFd = undefined;
  }
}

/** Names the generation CURRENT points at, or throws when there is no index. */
export function currentGeneration(indexDir: string): string {
  let name: string;
  try {
    name = fs.readFileSync(path.join(indexDir, CURRENT_FILE), 'utf8').trim();
  } catch {
    throw new IndexError(`No index found in ${indexDir}. ${REINDEX_HINT}`);
  }
  if (!/^gen-[\w-]+$/.test(name)) throw new IndexError(`The index in ${indexDir} is damaged (CURRENT is unreadable). ${REINDEX_HINT}`);
  return name;
}

export function readManifest(genDir: string): Manifest {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(genDir, FILES.manifest), 'utf8')) as Manifest;
  } catch (err) {
    throw new IndexError(`The index in ${genDir} is damaged (manifest: ${(err as Error).message}). ${REINDEX_HINT}`);
  }
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) {
    throw new IndexError(
      `The index in ${genDir} has format version ${String(manifest.formatVersion)}; this version of coverage-bot reads version ${INDEX_FORMAT_VERSION}. ${REINDEX_HINT}`,
    );
  }
  const counts = [manifest.articleCount, manifest.passageCount, manifest.nextPassageId, manifest.vectorGraph?.elements, manifest.vectorGraph?.deleted, manifest.vectorGraph?.churn];
  if (!counts.every((n) => Number.isSafeInteger(n) && n! >= 0) || !Array.isArray(manifest.articles)) {
    throw new IndexError(`The index in ${genDir} is damaged (manifest: counts or article list missing). ${REINDEX_HINT}`);
  }
  return manifest;
}

/**
 * Loads the current index. `expectedModel` (the resolved EMBEDDING_MODEL) must be the model the
 * index was built with: vectors from two models are not comparable, so a mismatch is an error.
 */
export function loadIndex(indexDir: string, expectedModel?: string): LoadedIndex {
  return loadGeneration(indexDir, currentGeneration(indexDir), expectedModel);
}

/** Loads one generation by name (as CURRENT named it when the caller read it). */
export function loadGeneration(indexDir: string, generation: string, expectedModel?: string): LoadedIndex {
  const genDir = path.join(indexDir, generation);
  const manifest = readManifest(genDir);
  if (expectedModel !== undefined && manifest.model !== expectedModel) {
    throw new IndexError(
      `The index in ${indexDir} was built with embedding model "${manifest.model}", but EMBEDDING_MODEL is "${expectedModel}". ` +
        'Re-index with `npm run index` (or set EMBEDDING_MODEL back).',
    );
  }
  try {
    const articles = JSON.parse(fs.readFileSync(path.join(genDir, FILES.articles), 'utf8')) as StoredArticle[];
    const { triples, ids } = readPassageTable(genDir, manifest);
    const lexical = Bm25Index.load(genDir);
    const vectorFile = path.join(genDir, FILES.vectors);
    if (!fs.existsSync(vectorFile)) throw new Error('vector file is missing');
    const vectors = VectorIndex.load(vectorFile, manifest.dimension, ids);
    if (
      articles.length !== manifest.articleCount ||
      lexical.docCount !== manifest.passageCount ||
      vectors.elements !== manifest.vectorGraph.elements ||
      manifest.vectorGraph.elements !== manifest.passageCount + manifest.vectorGraph.deleted
    ) {
      throw new Error('files disagree on the number of articles or passages');
    }
    const bodies = fs.statSync(path.join(genDir, FILES.bodies)).size;
    const last = articles.at(-1);
    if (last && last.bodyOffset + last.bodyLength !== bodies) throw new Error('article text file has the wrong size');
    return new LoadedIndex(genDir, manifest, articles, triples, ids, lexical, vectors);
  } catch (err) {
    if (err instanceof IndexError) throw err;
    throw new IndexError(`The index in ${genDir} is damaged (${(err as Error).message}). ${REINDEX_HINT}`);
  }
}

/**
 * The passage table of a generation: (article, start, end) triples and stable ids, checked
 * against the manifest (sizes, ids strictly ascending and below nextPassageId).
 */
export function readPassageTable(genDir: string, manifest: Manifest): { triples: Uint32Array; ids: Uint32Array } {
  const raw = fs.readFileSync(path.join(genDir, FILES.passages));
  if (raw.byteLength !== manifest.passageCount * 12) throw new Error('passage table has the wrong size');
  const triples = new Uint32Array(new Uint8Array(raw).buffer);
  const rawIds = fs.readFileSync(path.join(genDir, FILES.passageIds));
  if (rawIds.byteLength !== manifest.passageCount * 4) throw new Error('passage id table has the wrong size');
  const ids = new Uint32Array(new Uint8Array(rawIds).buffer);
  for (let p = 0; p < ids.length; p++) {
    if ((p > 0 && ids[p]! <= ids[p - 1]!) || ids[p]! >= manifest.nextPassageId) throw new Error('passage ids are out of order');
  }
  return { triples, ids };
}
