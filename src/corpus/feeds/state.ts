import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir, writeFileDurably } from '../../durableFs.ts';

/**
 * What the feed follower remembers between polls and across restarts, one JSON file
 * (`FEED_STATE_DIR/state.json`): per feed its validators (ETag, Last-Modified), when it was last
 * polled and last polled successfully, its run of failures and when to try again, and what it
 * has seen of each item (a fingerprint, and the article it became).
 */
export interface FeedItemState {
  /** Changes when the item changes in the feed (title, link, dates, summary, text). */
  fingerprint: string;
  /** The corpus article of this item, once imported (or found already in the corpus). */
  articleId?: string;
  /** Why it could not be imported; with `attempts`, retried a few times, then left until it changes. */
  problem?: string;
  attempts?: number;
}

export interface FeedState {
  etag?: string;
  lastModified?: string;
  /** ISO times. */
  lastPollAt?: string;
  lastSuccessAt?: string;
  /** Not polled before this time (the interval, or a backoff after failures / Retry-After). */
  nextPollAt?: string;
  /** Consecutive failed polls, and the last reason. */
  failures: number;
  lastError?: string;
  /** The last time a failure was logged as a warning (at most one an hour). */
  lastWarnedAt?: string;
  /** By item key (its link without #fragment and utm_*, else its guid). */
  items: Record<string, FeedItemState>;
}

interface StateFile {
  version: 1;
  feeds: Record<string, FeedState>;
}

export const STATE_FILE = 'state.json';

export class FeedStateStore {
  private constructor(
    readonly file: string,
    private readonly data: StateFile,
  ) {}

  /** Reads the state; a missing file is a fresh start, an unreadable one too (with `onProblem`). */
  static open(dir: string, onProblem: (message: string) => void): FeedStateStore {
    const file = path.join(dir, STATE_FILE);
    let data: StateFile = { version: 1, feeds: {} };
    if (fs.existsSync(file)) {
      try {
        const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StateFile>;
        if (parsed.version !== 1 || typeof parsed.feeds !== 'object' || parsed.feeds === null) throw new Error('not a feed state file of this version');
        data = { version: 1, feeds: parsed.feeds };
      } catch (err) {
        onProblem(`${file} could not be read (${(err as Error).message}); starting with no feed state`);
      }
    }
    return new FeedStateStore(file, data);
  }

  feed(url: string): FeedState {
    return (this.data.feeds[url] ??= { failures: 0, items: {} });
  }

  /** Known state of a feed, without creating it. */
  peek(url: string): FeedState | undefined {
    return this.data.feeds[url];
  }

  /** Written whole under a temporary name, flushed, then renamed over the old file. */
  save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileDurably(tmp, `${JSON.stringify(this.data, null, 1)}\n`);
    fs.renameSync(tmp, this.file);
    fsyncDir(path.dirname(this.file));
  }
}
