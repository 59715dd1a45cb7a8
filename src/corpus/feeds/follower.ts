import { createHash } from 'node:crypto';
import { decodeText } from '../import/decode.ts';
import { parseFeed, type FeedItem } from '../import/feed.ts';
import { fetchLimited, ImportProblem, type FetchLimits } from '../import/fetch.ts';
import type { FeedImportRequest } from '../../cli/feed-import.ts';
import { importFeedItems, type FeedItemImport, type FeedItemOutcome } from '../import/importer.ts';
import { normalizeUrl } from '../import/store.ts';
import { acquireIndexLock, IndexLockedError } from '../../indexing/indexLock.ts';
import type { ReindexSummary } from '../../indexing/reindex.ts';
import { allFeeds } from './followed.ts';
import { FeedStateStore, type FeedState } from './state.ts';

/**
 * Follows the outlet's feeds while the bot runs: each feed is polled every `intervalMs` with a
 * conditional request (ETag / Last-Modified), new items are imported with the importer of
 * `npm run add`, items that changed in the feed are fetched again and replace the article they
 * were (a correction), and then the index is brought up to date in its own process; the running
 * coverage switches to it as it does after /reindex.
 *
 * Polite and robust: one request per feed per poll (never a second while one is open), a
 * User-Agent naming the project, the importer's size and time limits, exponential backoff after
 * failures and Retry-After on 429/503. A failing feed is logged as a warning at most once an
 * hour and never holds up the other feeds or the bot. State survives a restart (state.ts).
 */
export interface FeedFollowerOptions {
  config: { corpusDir: string; indexDir: string; feeds: string[]; feedPollMinutes: number; feedStateDir: string };
  log: {
    debug(obj: object, msg: string): void;
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
  };
  /** Brings the index up to date after an import (the bot: the re-index in a child process). */
  reindex(): Promise<ReindexSummary>;
  limits: FetchLimits;
  /** Imports items into the corpus (the bot: in a child process, importProcess.ts); default in this process. */
  importItems?: (request: FeedImportRequest) => Promise<{ outcomes: FeedItemOutcome[] }>;
  now?: () => number;
}

/** What /about shows of a feed. */
export interface FeedStatus {
  url: string;
  lastSuccessAt: string | null;
  /** Articles in the corpus that came from (or were found in) this feed. */
  articles: number;
  failures: number;
  lastError: string | null;
}

export const FEED_USER_AGENT = 'coverage-bot/0.1 (feed follower; polls each feed at most once per FEED_POLL_MINUTES)';
const WARN_EVERY_MS = 60 * 60_000;
const MAX_BACKOFF_MS = 6 * 60 * 60_000;
const MAX_RETRY_AFTER_MS = 24 * 60 * 60_000;
/** An item whose import failed is tried again on this many polls, then only when it changes. */
const ITEM_ATTEMPTS = 3;
/** Items remembered per feed (a feed shows its latest; older ones drop out). */
const MAX_ITEMS = 2_000;

export class FeedFollower {
  private readonly state: FeedStateStore;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly controller = new AbortController();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  /** Imports and re-indexes, one at a time. */
  private corpusWork: Promise<unknown> = Promise.resolve();
  /** The corpus changed but its re-index failed: tried again once this time (ms) has come. */
  private reindexRetryAt: number | undefined;
  private stopped = false;

  constructor(private readonly options: FeedFollowerOptions) {
    this.now = options.now ?? Date.now;
    this.state = FeedStateStore.open(options.config.feedStateDir, (message) => options.log.warn({}, message));
  }

  private get intervalMs(): number {
    return this.options.config.feedPollMinutes * 60_000;
  }

  /** The feeds followed now: FEEDS, then the local list (read again at every tick). */
  feeds(): string[] {
    return allFeeds(this.options.config.feeds, this.options.config.feedStateDir);
  }

  /** Polls the feeds that are due now, then keeps looking (every interval, at most every 30 s). */
  start(): void {
    const every = Math.min(this.intervalMs, 30_000);
    const loop = () => {
      if (this.stopped) return;
      this.tick().catch((err: unknown) => this.options.log.warn({ err: { message: (err as Error)?.message } }, 'feed poll round failed; trying again at the next'));
      this.timer = setTimeout(loop, every);
      this.timer.unref();
    };
    loop();
  }

  /** Stops polling and ends open requests; resolves when the work under way has stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.controller.abort();
    await Promise.allSettled([...this.inFlight.values()]);
    await this.corpusWork.catch(() => {});
  }

  /** Starts a poll of every due feed that has none open; resolves when those polls are done. */
  async tick(): Promise<void> {
    if (this.reindexRetryAt !== undefined && this.reindexRetryAt <= this.now()) {
      this.reindexRetryAt = undefined;
      void this.serially(() => this.runReindex());
    }
    const started: Promise<void>[] = [];
    for (const url of this.feeds()) {
      if (this.inFlight.has(url)) continue; // one request per feed at a time, however slow
      const next = this.state.peek(url)?.nextPollAt;
      if (next !== undefined && Date.parse(next) > this.now()) continue;
      const poll = this.poll(url).finally(() => this.inFlight.delete(url));
      this.inFlight.set(url, poll);
      started.push(poll);
    }
    await Promise.all(started);
  }

  status(): FeedStatus[] {
    return this.feeds().map((url) => {
      const s = this.state.peek(url);
      const ids = new Set(Object.values(s?.items ?? {}).flatMap((i) => (i.articleId ? [i.articleId] : [])));
      return { url, lastSuccessAt: s?.lastSuccessAt ?? null, articles: ids.size, failures: s?.failures ?? 0, lastError: s?.lastError ?? null };
    });
  }

  private async poll(url: string): Promise<void> {
    const s = this.state.feed(url);
    s.lastPollAt = new Date(this.now()).toISOString();
    const headers: Record<string, string> = {};
    if (s.etag) headers['if-none-match'] = s.etag;
    if (s.lastModified) headers['if-modified-since'] = s.lastModified;
    try {
      const fetched = await fetchLimited(url, this.options.limits, { headers, userAgent: FEED_USER_AGENT, signal: this.controller.signal });
      if (fetched.status === 304) {
        this.options.log.debug({ feed: url }, 'feed not modified');
        this.succeeded(url, s);
        return;
      }
      const feed = parseFeed(decodeText(fetched.bytes, fetched.charset));
      const { work, keys } = this.changedItems(url, s, feed.items);
      let settled = true;
      if (work.length > 0) {
        const outcome = await this.serially(() => this.importItems(url, feed.title, s, work, keys));
        if (outcome === 'busy') return; // not a failure of the feed: the whole feed is read again next time
        settled = outcome === 'settled';
      }
      // Validators are kept only once every item is settled, so a 304 never hides an item to retry.
      s.etag = settled ? (fetched.headers.get('etag') ?? undefined) : undefined;
      s.lastModified = settled ? (fetched.headers.get('last-modified') ?? undefined) : undefined;
      this.succeeded(url, s);
    } catch (err) {
      if (this.stopped) return;
      // Anything else that went wrong with this feed is its failure too: the others and the bot go on.
      this.failed(url, s, err instanceof ImportProblem ? err : new ImportProblem(`unexpected error: ${(err as Error)?.message ?? String(err)}`));
    } finally {
      this.saveState();
    }
  }

  /** Items not seen before, items that changed since (corrections), and failed ones still to retry. */
  private changedItems(feedUrl: string, s: FeedState, items: FeedItem[]): { work: FeedItemImport[]; keys: string[] } {
    const work: FeedItemImport[] = [];
    const keys: string[] = [];
    for (const item of items) {
      const key = itemKey(item, feedUrl);
      if (key === undefined) continue;
      const seen = s.items[key];
      const fingerprint = itemFingerprint(item);
      if (seen && seen.fingerprint === fingerprint && (seen.articleId || (seen.attempts ?? 0) >= ITEM_ATTEMPTS)) continue;
      if (keys.includes(key)) continue; // the same item twice in one feed
      const replaces = seen?.articleId && seen.fingerprint !== fingerprint ? seen.articleId : undefined;
      work.push({ item, replaces });
      keys.push(key);
    }
    return { work, keys };
  }

  /**
   * Imports under the index lock (no other import or re-index changes the corpus meanwhile),
   * then re-indexes. 'busy' when the lock stayed taken; 'retry' when some item is to be tried again.
   */
  private async importItems(url: string, title: string | null, s: FeedState, work: FeedItemImport[], keys: string[]): Promise<'settled' | 'retry' | 'busy'> {
    let lock;
    try {
      lock = await acquireIndexLock(this.options.config.indexDir, { waitMs: 60_000, command: 'feed follower' });
    } catch (err) {
      if (!(err instanceof IndexLockedError)) throw err;
      this.options.log.info({ feed: url, holder: err.owner }, 'a re-index kept the corpus busy; the feed is read again at the next poll');
      return 'busy';
    }
    let outcomes;
    try {
      const request = { feed: { url, title }, items: work, corpusDir: this.options.config.corpusDir, limits: this.options.limits };
      const importItems = this.options.importItems ?? ((r: FeedImportRequest) => importFeedItems(r.feed, r.items, r));
      outcomes = (await importItems(request)).outcomes;
    } finally {
      lock.release();
    }
    let retry = false;
    const counts = { imported: 0, corrected: 0, unchanged: 0, alreadyInCorpus: 0, skipped: 0 };
    outcomes.forEach((outcome, i) => {
      const key = keys[i]!;
      const { item } = work[i]!;
      const fingerprint = itemFingerprint(item);
      if (outcome.status === 'skipped') {
        const attempts = (s.items[key]?.fingerprint === fingerprint ? (s.items[key]?.attempts ?? 0) : 0) + 1;
        s.items[key] = { fingerprint, problem: outcome.reason, attempts };
        if (attempts < ITEM_ATTEMPTS) retry = true;
        counts.skipped++;
        this.options.log.info({ feed: url, item: item.link ?? item.title, reason: outcome.reason, attempts }, 'feed item not imported');
        return;
      }
      delete s.items[key];
      s.items[key] = { fingerprint, articleId: outcome.articleId }; // re-inserted: newest last
      if (outcome.status === 'imported') counts.imported++;
      else if (outcome.status === 'replaced') counts.corrected++;
      else if (outcome.status === 'unchanged') counts.unchanged++;
      else counts.alreadyInCorpus++;
      if (outcome.status === 'imported' || outcome.status === 'replaced') {
        this.options.log.info({ feed: url, articleId: outcome.articleId, title: item.title }, outcome.status === 'imported' ? 'feed article imported' : 'feed article corrected');
      }
    });
    pruneItems(s);
    this.options.log.info({ feed: url, ...counts }, 'feed items processed');
    if (counts.imported + counts.corrected > 0) await this.runReindex();
    return retry ? 'retry' : 'settled';
  }

  private async runReindex(): Promise<void> {
    try {
      const summary = await this.options.reindex();
      const { added, changed, removed } = summary;
      this.options.log.info({ added: added.length, changed: changed.length, removed: removed.length, passages: summary.passages }, 'index updated after feed import');
    } catch (err) {
      // The one running (it took the lock after this import was written) includes the new articles.
      if (err instanceof IndexLockedError) return;
      if (!this.stopped) this.reindexRetryAt = this.now() + this.intervalMs;
      this.options.log.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'the re-index after a feed import failed; trying again after the poll interval');
    }
  }

  /** A state that cannot be written (disk full, permissions) is warned about; polling goes on from memory. */
  private saveState(): void {
    try {
      this.state.save();
    } catch (err) {
      this.options.log.warn({ file: this.state.file, reason: (err as Error).message }, 'the feed state could not be written');
    }
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.corpusWork.then(work, work);
    this.corpusWork = run.catch(() => {});
    return run;
  }

  private succeeded(url: string, s: FeedState): void {
    if (s.failures > 0) this.options.log.info({ feed: url, failures: s.failures }, 'feed answering again');
    s.failures = 0;
    s.lastError = undefined;
    s.lastWarnedAt = undefined;
    s.lastSuccessAt = new Date(this.now()).toISOString();
    s.nextPollAt = new Date(this.now() + this.intervalMs).toISOString();
  }

  private failed(url: string, s: FeedState, err: ImportProblem): void {
    s.failures++;
    s.lastError = err.message;
    const backoff = Math.min(this.intervalMs * 2 ** Math.min(s.failures - 1, 20), Math.max(MAX_BACKOFF_MS, this.intervalMs));
    const status = err.http?.status;
    const retryAfter = status === 429 || status === 503 ? retryAfterMs(err.http?.retryAfter ?? null, this.now()) : undefined;
    const delay = Math.min(Math.max(backoff, retryAfter ?? 0), MAX_RETRY_AFTER_MS);
    s.nextPollAt = new Date(this.now() + delay).toISOString();
    const details = { feed: url, reason: err.message, failures: s.failures, nextPollAt: s.nextPollAt };
    if (s.lastWarnedAt === undefined || this.now() - Date.parse(s.lastWarnedAt) >= WARN_EVERY_MS) {
      s.lastWarnedAt = new Date(this.now()).toISOString();
      this.options.log.warn(details, 'feed poll failed (warned at most once an hour while it keeps failing)');
    } else {
      this.options.log.debug(details, 'feed poll failed');
    }
  }
}

/** An item's identity across polls: its link (without #fragment and utm_*), else its guid. */
function itemKey(item: FeedItem, feedUrl: string): string | undefined {
  if (item.link) {
    try {
      return normalizeUrl(new URL(item.link, feedUrl).toString());
    } catch {
      // an unusable link: fall back to the guid
    }
  }
  return item.guid ?? (item.title ? `title:${item.title}` : undefined);
}

function itemFingerprint(item: FeedItem): string {
  return createHash('sha256')
    .update(JSON.stringify([item.title, item.link, item.date, item.updated, item.summary, item.content]))
    .digest('hex')
    .slice(0, 32);
}

function pruneItems(s: FeedState): void {
  const keys = Object.keys(s.items);
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_ITEMS))) delete s.items[key];
}

/** Retry-After as milliseconds from now: seconds, or an HTTP date. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
