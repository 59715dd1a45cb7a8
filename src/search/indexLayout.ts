import path from 'node:path';

/**
 * How an index folder is laid out. The folder holds generations (`gen-*`), each a complete
 * index, and a `CURRENT` file naming the one in use. A build writes a new generation, then
 * replaces `CURRENT` by rename: readers see the old index or the new one, never half of one.
 */
export const INDEX_FORMAT_VERSION = 1;

export const CURRENT_FILE = 'CURRENT';
export const FILES = {
  manifest: 'manifest.json',
  articles: 'articles.json',
  bodies: 'bodies.txt',
  passages: 'passages.u32',
  vectors: 'vectors.hnsw',
} as const;

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
  articleCount: number;
  passageCount: number;
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
