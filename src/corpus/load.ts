import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Article } from './article.ts';

/** An article file that could not be used, and why; indexing goes on without it. */
export interface SkippedArticle {
  origin: string;
  reason: string;
}

export interface LoadedCorpus {
  articles: Article[];
  skipped: SkippedArticle[];
}

export class CorpusError extends Error {
  override name = 'CorpusError';
}

const ARTICLE_EXTENSIONS = new Set(['.md', '.markdown', '.txt']);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Loads every article under `location` (a folder, searched recursively, or one `.jsonl` file).
 * Markdown/text files need front matter with at least a title; `.jsonl` files hold one article
 * per line. Unusable articles are skipped with a reason, never silently.
 */
export function loadCorpus(location: string): LoadedCorpus {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(location);
  } catch {
    throw new CorpusError(`Corpus not found: ${location}. Set CORPUS_DIR or pass --corpus DIR.`);
  }
  const files = stat.isDirectory() ? listArticleFiles(location) : [location];
  const articles: Article[] = [];
  const skipped: SkippedArticle[] = [];
  const seenIds = new Set<string>();
  const root = stat.isDirectory() ? location : path.dirname(location);

  for (const file of files) {
    const found =
      path.extname(file) === '.jsonl' ? readJsonlArticles(file) : [readMarkdownArticle(file, root)];
    for (const result of found) {
      if ('reason' in result) {
        skipped.push(result);
      } else if (seenIds.has(result.id)) {
        skipped.push({ origin: result.origin, reason: `duplicate article id "${result.id}"` });
      } else {
        seenIds.add(result.id);
        articles.push(result);
      }
    }
  }
  if (articles.length === 0) {
    const why = skipped.length > 0 ? ` (${skipped.length} skipped: ${skipped[0]!.reason}, ...)` : '';
    throw new CorpusError(`No usable articles in ${location}${why}. See README "Adding articles".`);
  }
  return { articles, skipped };
}

function listArticleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    // Hidden files, `_drafts` and READMEs are not articles.
    if (entry.name.startsWith('.') || entry.name.startsWith('_') || /^readme\./i.test(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listArticleFiles(full));
    else if (ARTICLE_EXTENSIONS.has(path.extname(entry.name).toLowerCase()) || entry.name.endsWith('.jsonl'))
      out.push(full);
  }
  return out;
}

function readUtf8(file: string): string | SkippedArticle {
  try {
    return strictUtf8.decode(fs.readFileSync(file));
  } catch (err) {
    if (err instanceof TypeError) return { origin: file, reason: 'not valid UTF-8 text' };
    return { origin: file, reason: `cannot be read: ${(err as Error).message}` };
  }
}

/** Line endings and a byte-order mark are normalised away before any offset is taken. */
function normaliseText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** One Markdown/text article file; its id is its path under `root` without the extension. */
export function readMarkdownArticle(file: string, root: string): Article | SkippedArticle {
  const raw = readUtf8(file);
  if (typeof raw !== 'string') return raw;
  const text = normaliseText(raw);
  const match = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(text);
  if (!match) return { origin: file, reason: 'no front matter (a --- block with at least a title)' };
  let meta: unknown;
  try {
    meta = parseYaml(match[1]!);
  } catch (err) {
    return { origin: file, reason: `bad front matter: ${(err as Error).message.split('\n')[0]}` };
  }
  const id = path.relative(root, file).replace(/\\/g, '/').replace(/\.[^./]+$/, '');
  return makeArticle(id, meta, text.slice(match[0].length), file);
}

function readJsonlArticles(file: string): Array<Article | SkippedArticle> {
  const raw = readUtf8(file);
  if (typeof raw !== 'string') return [raw];
  const out: Array<Article | SkippedArticle> = [];
  normaliseText(raw)
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const origin = `${file}:${i + 1}`;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        out.push({ origin, reason: 'not a JSON object' });
        return;
      }
      if (!isRecord(record)) {
        out.push({ origin, reason: 'not a JSON object' });
        return;
      }
      const id = typeof record.id === 'string' && record.id.trim() !== '' ? record.id.trim() : `${path.basename(file, '.jsonl')}:${i + 1}`;
      const body = typeof record.text === 'string' ? normaliseText(record.text) : typeof record.body === 'string' ? normaliseText(record.body) : '';
      out.push(makeArticle(id, record, body, origin));
    });
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function makeArticle(id: string, meta: unknown, rawBody: string, origin: string): Article | SkippedArticle {
  if (!isRecord(meta)) return { origin, reason: 'bad front matter: expected "key: value" lines' };
  const title = typeof meta.title === 'string' ? meta.title.trim() : '';
  if (title === '') return { origin, reason: 'missing title' };
  const date = parseDate(meta.date);
  if (date === undefined) return { origin, reason: `bad date "${String(meta.date)}" (use YYYY-MM-DD)` };
  const url = parseUrl(meta.url);
  if (url === undefined) return { origin, reason: `bad url "${String(meta.url)}" (use an http(s) address)` };
  const source = typeof meta.source === 'string' && meta.source.trim() !== '' ? meta.source.trim() : null;
  const body = rawBody.trim();
  if (body === '') return { origin, reason: 'empty body' };
  const contentHash = createHash('sha256').update(JSON.stringify([title, date, url, source, body])).digest('hex');
  return { id, title, date, url, source, body, contentHash, origin };
}

/** null when absent; undefined when present but unusable. */
function parseDate(value: unknown): string | null | undefined {
  if (value === undefined || value === null || value === '') return null;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return undefined;
  const d = new Date(`${value.trim()}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value.trim() ? undefined : value.trim();
}

function parseUrl(value: unknown): string | null | undefined {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') return undefined;
  try {
    const u = new URL(value.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}
