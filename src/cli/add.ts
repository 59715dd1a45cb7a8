import path from 'node:path';
import type { Config } from '../config.ts';
import { FOLLOWED_FILE, followFeed, readFollowedFeeds } from '../corpus/feeds/followed.ts';
import { FEED_USER_AGENT } from '../corpus/feeds/follower.ts';
import { decodeText } from '../corpus/import/decode.ts';
import { parseFeed } from '../corpus/import/feed.ts';
import { DEFAULT_FETCH_LIMITS, fetchLimited, ImportProblem } from '../corpus/import/fetch.ts';
import { importArticles, type ImportReport } from '../corpus/import/importer.ts';
import { acquireIndexLock } from '../indexing/indexLock.ts';
import { formatReindexSummary, reindex } from '../indexing/reindex.ts';
import { progressReporter } from './progress.ts';
import { exitWithError, parseCommandLine, startup, UsageError } from './runtime.ts';
import { count } from '../plural.ts';

const USAGE = `Usage: npm run add -- <file|folder|url>... [--no-index] [--max-mb N] [--timeout SECONDS] [--wait SECONDS]
       npm run add -- --follow FEED_URL [--follow FEED_URL]...
  Imports Markdown/text files with front matter, HTML files and pages, and RSS/Atom feeds (every
  item not yet in the corpus) as Markdown files into the corpus, then re-indexes (--no-index: don't).
  --max-mb: largest file or download (default 5); --timeout: per download (default 20);
  --wait: how long to wait for a re-index already running (default 60).
  --follow: adds a feed to the followed list (FEED_STATE_DIR/followed.txt) that npm start polls
  alongside FEEDS, every FEED_POLL_MINUTES; the running bot picks it up at its next look.`;

async function main(): Promise<void> {
  const parsed = parseCommandLine(USAGE, {
    allowPositionals: true,
    options: {
      'no-index': { type: 'boolean' },
      'max-mb': { type: 'string' },
      timeout: { type: 'string' },
      wait: { type: 'string' },
      corpus: { type: 'string' },
      index: { type: 'string' },
      help: { type: 'boolean' },
      follow: { type: 'string', multiple: true },
    },
  });
  if (!parsed) return;
  const { values, positionals } = parsed;
  const number = (name: string, value: string | undefined, fallback: number) => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} needs a number, got "${value}".\n${USAGE}`);
    return n;
  };
  if (values.follow && values.follow.length > 0) {
    if (positionals.length > 0) throw new UsageError(`--follow takes feed URLs only; add files and pages in a separate run.\n${USAGE}`);
    const { config } = startup();
    await followFeeds(values.follow, config, number('timeout', values.timeout, 20) * 1000);
    return;
  }
  if (positionals.length === 0) throw new UsageError(`Nothing to add.\n${USAGE}`);
  const maxBytes = Math.round(number('max-mb', values['max-mb'], 5) * 1024 * 1024);
  const timeoutMs = number('timeout', values.timeout, 20) * 1000;
  const waitSeconds = number('wait', values.wait, 60);
  const { config, log } = startup({ corpusDir: values.corpus, indexDir: values.index });

  // One lock for the whole run: no other import or re-index changes the corpus or the index meanwhile.
  const lock = await acquireIndexLock(config.indexDir, {
    waitMs: waitSeconds * 1000,
    command: 'npm run add',
    onWait: (holder) => process.stderr.write(`Waiting up to ${waitSeconds} s for the re-index running since ${holder.since} (pid ${holder.pid})...\n`),
  });
  let report: ImportReport;
  try {
    try {
      report = await importArticles(positionals, { corpusDir: config.corpusDir, limits: { maxBytes, timeoutMs } });
    } catch (err) {
      if (err instanceof ImportProblem) throw new UsageError(err.message);
      throw err;
    }
    process.stdout.write(`${formatImportReport(report)}\n`);
    if (report.imported.length === 0) {
      process.stdout.write('Nothing new: the index was not changed.\n');
    } else if (values['no-index']) {
      process.stdout.write('Not re-indexed (--no-index): run `npm run index` to make the new articles searchable.\n');
    } else {
      const summary = await reindex({ config, log, lock, onProgress: progressReporter() });
      process.stdout.write(`${formatReindexSummary(summary)}\n`);
    }
  } finally {
    lock.release();
  }
  if (report.failed.length > 0) process.exitCode = 1;
}

/**
 * `--follow`: each URL is checked once (fetched and parsed as a feed, with the follower's
 * User-Agent) and added to the followed list; one that cannot be read now is still added, with
 * a warning, since a feed may be down for a while; one that is not an http(s) URL is refused.
 */
async function followFeeds(urls: string[], config: Config, timeoutMs: number): Promise<void> {
  for (const url of urls) {
    try {
      if (!['http:', 'https:'].includes(new URL(url).protocol)) throw new Error('protocol');
    } catch {
      throw new UsageError(`--follow needs an http(s) feed URL, got "${url}".`);
    }
  }
  for (const url of urls) {
    if (readFollowedFeeds(config.feedStateDir).includes(url)) {
      process.stdout.write(`Already following ${url}.\n`);
      continue;
    }
    let check: string;
    try {
      const fetched = await fetchLimited(url, { ...DEFAULT_FETCH_LIMITS, timeoutMs }, { userAgent: FEED_USER_AGENT });
      const feed = parseFeed(decodeText(fetched.bytes, fetched.charset));
      check = `${feed.title ? `"${feed.title}", ` : ''}${count(feed.items.length, 'item')} now`;
    } catch (err) {
      if (!(err instanceof ImportProblem)) throw err;
      check = `warning: it could not be read now (${err.message}); it is followed anyway and tried at every poll`;
      process.exitCode = 1;
    }
    followFeed(config.feedStateDir, url);
    process.stdout.write(`Following ${url} (${check}).\n`);
  }
  process.stdout.write(
    `The followed list is ${path.join(config.feedStateDir, FOLLOWED_FILE)}; npm start polls it with FEEDS every ${count(config.feedPollMinutes, 'minute')}.\n`,
  );
}

function formatImportReport(report: ImportReport): string {
  const lines: string[] = [];
  const { imported } = report;
  const duplicates = report.skipped.filter((s) => s.duplicate);
  const problems = report.skipped.filter((s) => !s.duplicate);
  lines.push(`Imported ${count(imported.length, 'article')}${imported.length > 0 ? ':' : '.'}`);
  for (const a of imported) lines.push(`  ${a.id}: ${a.title}${a.url ? ` <${a.url}>` : ''}${a.input !== a.url ? ` (from ${a.input})` : ''}`);
  if (duplicates.length > 0) {
    lines.push(`Already in the corpus, skipped (${duplicates.length}):`, ...duplicates.map((s) => `  ${s.input}: ${s.reason}`));
  }
  if (problems.length > 0) {
    lines.push(`Could not import (${problems.length}):`, ...problems.map((s) => `  ${s.input}: ${s.reason}`));
  }
  return lines.join('\n');
}

main().catch(exitWithError);
