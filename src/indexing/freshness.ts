import path from 'node:path';
import type { Article } from '../corpus/article.ts';
import { currentGeneration, IndexError, readManifest } from '../search/loadIndex.ts';

export type IndexStatus = { state: 'fresh' } | { state: 'missing' | 'stale'; reason: string };

/** Whether the index matches the corpus articles and the embedding model, and if not, why. */
export function indexStatus(indexDir: string, articles: Article[], modelId: string): IndexStatus {
  let manifest;
  try {
    manifest = readManifest(path.join(indexDir, currentGeneration(indexDir)));
  } catch (err) {
    if (err instanceof IndexError) return { state: 'missing', reason: err.message };
    throw err;
  }
  if (manifest.model !== modelId) return { state: 'stale', reason: `built with model ${manifest.model}` };
  const indexed = new Map(manifest.articles.map((a) => [a.id, a.contentHash]));
  const changed = articles.filter((a) => indexed.get(a.id) !== a.contentHash).length;
  const present = new Set(articles.map((a) => a.id));
  const removed = manifest.articles.filter((a) => !present.has(a.id)).length;
  if (changed > 0 || removed > 0) return { state: 'stale', reason: `${changed} new or changed, ${removed} removed article(s)` };
  return { state: 'fresh' };
}
