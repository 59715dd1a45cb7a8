import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { loadCorpus, type SkippedArticle } from '../corpus/load.ts';
import { buildIndex, removeLeftovers, type BuildProgress, type IndexChanges } from './buildIndex.ts';
import { loadEmbedder, modelIdentity, type Embedder } from './embedder.ts';
import { CURRENT_FILE, LOCK_FILE } from '../search/indexLayout.ts';
import { IndexError } from '../search/loadIndex.ts';
import { acquireIndexLock, IndexLockedError, type IndexLock, type LockOwner } from './indexLock.ts';
import { count } from '../plural.ts';

/**
 * Brings the index up to date with the corpus, under the index lock: the one re-index that the
 * CLI (`npm run index`, `npm start`, `npm run add`) and the bot's /reindex all run.
 */
export interface ReindexOptions {
  config: Pick<Config, 'corpusDir' | 'indexDir' | 'embeddingModel'>;
  log: { warn(obj: object, msg: string): void };
  /** Embed every passage again instead of only new and changed articles. */
  full?: boolean;
  /** How long to wait for a re-index already running; 0 (the default) refuses at once. */
  waitMs?: number;
  onWait?: (holder: LockOwner) => void;
  onProgress?: (p: BuildProgress) => void;
  /** Loads the embedding model, called only if something needs embedding (pass a memoised one to share it). */
  embedder?: () => Promise<Embedder>;
  /** Named in the lock file, so a refused caller sees what is running. */
  command?: string;
  /** A lock the caller already holds (`npm run add` imports and re-indexes under one lock). */
  lock?: IndexLock;
}

export interface ReindexSummary extends IndexChanges {
  /** The index already matched the corpus: nothing was embedded or written. */
  upToDate: boolean;
  /** Why every passage was embedded again, when it was. */
  fullReason?: string;
  skipped: SkippedArticle[];
  articles: number;
  passages: number;
  embeddedPassages: number;
  reusedPassages: number;
  model: string;
  dimension: number;
  indexDir: string;
  /** The generation in use afterwards (`gen-*`). */
  generation: string;
  bytesOnDisk: number;
  /** What interrupted re-indexes had left in the index folder and this run removed (`gen-*`, temporary files). */
  leftoversRemoved: string[];
  timings: { totalMs: number; embedMs: number };
}

/** The re-index running in this process, if any: a second one is refused without waiting. */
let running: LockOwner | undefined;

export async function reindex(options: ReindexOptions): Promise<ReindexSummary> {
  const { config } = options;
  if (running) throw new IndexLockedError(running, path.join(config.indexDir, LOCK_FILE), 0);
  const started = performance.now();
  const lock =
    options.lock ??
    (await acquireIndexLock(config.indexDir, {
      waitMs: options.waitMs ?? 0,
      onWait: options.onWait,
      command: options.command ?? 're-index',
    }));
  running = lock.owner;
  try {
    // Under the lock no other build is writing here: what a killed run left goes now, even if
    // nothing needs building.
    const leftoversRemoved = removeLeftovers(config.indexDir);
    const { articles, skipped } = loadCorpus(config.corpusDir);
    for (const s of skipped) options.log.warn({ file: s.origin, reason: s.reason }, 'article skipped');
    const result = await buildIndex({
      articles,
      indexDir: config.indexDir,
      incremental: !options.full,
      embedder: {
        modelId: modelIdentity(config.embeddingModel),
        load: options.embedder ?? (() => loadEmbedder(config.embeddingModel)),
      },
      onProgress: options.onProgress,
      beforeSwitch: () => {
        if (!lock.held()) throw new IndexError(`Lost the index lock in ${config.indexDir} to another process; this re-index was not used.`);
      },
    });
    const m = result.manifest;
    return {
      ...result.changes,
      upToDate: result.upToDate,
      fullReason: result.fullReason,
      skipped,
      articles: m.articleCount,
      passages: m.passageCount,
      embeddedPassages: result.embeddedPassages,
      reusedPassages: result.reusedPassages,
      model: m.model,
      dimension: m.dimension,
      indexDir: config.indexDir,
      generation: path.basename(result.generationDir),
      bytesOnDisk: result.bytesOnDisk,
      leftoversRemoved,
      timings: { totalMs: performance.now() - started, embedMs: result.timings.embedMs },
    };
  } finally {
    running = undefined;
    if (!options.lock) lock.release();
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/**
 * The summary as text: counts, then the articles added, changed and removed (at most
 * `maxListed` ids each) and every skipped article with its reason.
 */
export function formatReindexSummary(s: ReindexSummary, options: { maxListed?: number; maxSkipped?: number } = {}): string {
  const { maxListed = 20, maxSkipped = Infinity } = options;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const lines: string[] = [];
  if (s.upToDate) {
    lines.push(`Index is up to date: nothing to embed (${count(s.articles, 'article')}, ${count(s.passages, 'passage')}; checked in ${seconds(s.timings.totalMs)}).`);
  } else {
    lines.push(
      `Indexed ${count(s.articles, 'article')}, ${count(s.passages, 'passage')}, with ${s.model} (${s.dimension} dimensions)`,
      `  in ${seconds(s.timings.totalMs)} (model: ${seconds(s.timings.embedMs)}); ${formatBytes(s.bytesOnDisk)} on disk at ${s.indexDir}`,
      s.fullReason
        ? `Embedded all ${count(s.embeddedPassages, 'passage')}: ${s.fullReason}.`
        : `Embedded ${count(s.embeddedPassages, 'new passage')}, reused ${s.reusedPassages}.`,
    );
    const list = (label: string, ids: string[]) => {
      if (ids.length === 0) return;
      const shown = ids.slice(0, maxListed).join(', ');
      lines.push(`${label} (${ids.length}): ${shown}${ids.length > maxListed ? `, and ${ids.length - maxListed} more` : ''}`);
    };
    // A first build adds every article: the count above says it all, a list of ids would not.
    const firstBuild = s.changed.length === 0 && s.removed.length === 0 && s.unchanged === 0;
    if (!firstBuild) {
      list('Added', s.added);
      list('Changed', s.changed);
      list('Removed', s.removed);
      lines.push(`Unchanged: ${s.unchanged}`);
    }
  }
  const leftovers = s.leftoversRemoved?.filter((name) => name.startsWith('gen-')) ?? [];
  if (leftovers.length > 0) {
    lines.push(`Removed ${count(leftovers.length, 'index generation')} left by an interrupted re-index: ${leftovers.join(', ')}`);
  }
  if (s.skipped.length > 0) {
    lines.push(`Skipped ${count(s.skipped.length, 'article')}:`, ...s.skipped.slice(0, maxSkipped).map((k) => `  ${k.origin}: ${k.reason}`));
    if (s.skipped.length > maxSkipped) lines.push(`  and ${s.skipped.length - maxSkipped} more`);
  }
  return lines.join('\n');
}

/**
 * `npm start`: brings the index up to date before serving. If another re-index is running and an
 * index exists, starts with that index (the running bot switches when the other one finishes);
 * with no index at all, waits for the other re-index.
 */
export async function reindexAtStart(options: ReindexOptions & { log: { info(obj: object, msg: string): void } }): Promise<void> {
  const { config, log } = options;
  const hasIndex = fs.existsSync(path.join(config.indexDir, CURRENT_FILE));
  try {
    const summary = await reindex({ ...options, waitMs: hasIndex ? 0 : 30 * 60_000 });
    if (!summary.upToDate) {
      const { added, changed, removed } = summary;
      log.info({ added: added.length, changed: changed.length, removed: removed.length, passages: summary.passages }, 'index updated');
    }
  } catch (err) {
    if (!(err instanceof IndexLockedError) || !hasIndex) throw err;
    log.warn({ holder: err.owner }, 'another re-index is running: starting with the current index, switching when it is done');
  }
}
