import path from 'node:path';

/**
 * How an index folder is laid out. The folder holds generations (`gen-*`), each a complete
 * index, and a `CURRENT` file naming the one in use. A build writes a new generation, then
 * replaces `CURRENT` by rename: readers see the old index or the new one, never half of one.
 */
export const INDEX_FORMAT_VERSION = 2;

export const CURRENT_FILE = 'CURRENT';
export const FILES = {
  manifest: 'manifest.json',
  articles: 'articles.json',
  bodies: 'bodies.txt',
  passages: 'passages.u32',
  /** Each passage's stable id (ascending, Uint32), which is also its label in the vector graph. */
  passageIds: 'passage-ids.u32',
  vectors: 'vectors.hnsw',
} as const;

/** Taken by every process that writes an index generation (or the corpus, for `npm run add`). */
export const LOCK_FILE = 'index.lock';

export interface ManifestArticle {
  id: string;
  contentHash: string;
}

export interface Manifest {
  formatVersion: number;
  /** Resolved model identity: a hub id, or a local folder's absolute path. */
  model: string;
  dimension: number;
  builtAt: string;
  chunking: { maxChars: number; overlapSentences: number };
  /**
   * Version of how a passage becomes the text that is embedded (passage splitting, search text).
   * An index with another recipe is re-embedded in full.
   */
  textRecipe: number;
  articleCount: number;
  passageCount: number;
  /**
   * Passage ids are stable across incremental re-indexes: an unchanged passage keeps its id, a
   * new one gets `nextPassageId` and up, so an id never names two different passages.
   */
  nextPassageId: number;
  /**
   * hnswlib graph: its parameters; its elements, of which `deleted` are holes (removed passages
   * whose slot no new passage has reused yet); and `churn`, the passages removed since the graph
   * was last built from scratch (it is rebuilt from its stored vectors when churn grows too large).
   */
  vectorGraph: { m: number; efConstruction: number; elements: number; deleted: number; churn: number };
  /** In index order; each article's passages are contiguous and in the same order. */
  articles: ManifestArticle[];
}

/** Article metadata as stored; the body is read from `bodies.txt` at [bodyOffset, +bodyLength) bytes. */
export interface StoredArticle {
  id: string;
  title: string;
  date: string | null;
  url: string | null;
  source: string | null;
  origin: string;
  contentHash: string;
  bodyOffset: number;
  bodyLength: number;
}

export function generationPath(indexDir: string, generation: string): string {
  return path.join(indexDir, generation);
}
