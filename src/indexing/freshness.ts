import type { Article } from '../corpus/article.ts';
import { hasChanges, planIndex } from './buildIndex.ts';
import { count } from '../plural.ts';

export type IndexStatus = { state: 'fresh' } | { state: 'missing' | 'stale'; reason: string };

/** Whether the index matches the corpus articles and the embedding model, and if not, why. */
export function indexStatus(indexDir: string, articles: Article[], modelId: string): IndexStatus {
  const { previous, fullReason, changes } = planIndex(indexDir, articles, modelId, { incremental: true });
  if (!previous) return { state: 'missing', reason: fullReason ?? 'there is no index yet' };
  if (fullReason) return { state: 'stale', reason: fullReason };
  if (hasChanges(changes)) {
    const { added, changed, removed } = changes;
    return { state: 'stale', reason: `${added.length + changed.length} new or changed, ${count(removed.length, 'removed article')}` };
  }
  return { state: 'fresh' };
}
