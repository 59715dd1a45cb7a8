import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir, writeFileDurably } from '../../durableFs.ts';

/**
 * The local list of followed feeds (`FEED_STATE_DIR/followed.txt`, one URL a line, `#` comments),
 * written by `npm run add -- --follow URL` and read by the running bot at every poll, alongside
 * `FEEDS`.
 */
export const FOLLOWED_FILE = 'followed.txt';

export function readFollowedFeeds(dir: string): string[] {
  const file = path.join(dir, FOLLOWED_FILE);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => /^https?:\/\//i.test(line));
}

/** Adds a feed to the list; false when it is there already. */
export function followFeed(dir: string, url: string): boolean {
  const current = readFollowedFeeds(dir);
  if (current.includes(url)) return false;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, FOLLOWED_FILE);
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Feeds the bot follows besides FEEDS (npm run add -- --follow URL), one URL a line.\n';
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileDurably(tmp, `${before}${before.endsWith('\n') ? '' : '\n'}${url}\n`);
  fs.renameSync(tmp, file);
  fsyncDir(dir);
  return true;
}

/** FEEDS first, then the followed list, each feed once. */
export function allFeeds(configured: string[], dir: string): string[] {
  return [...new Set([...configured, ...readFollowedFeeds(dir)])];
}
