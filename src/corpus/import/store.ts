import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Article } from '../article.ts';
import { fsyncDir, writeFileDurably } from '../../durableFs.ts';
import { loadCorpus, readMarkdownArticle } from '../load.ts';
import { ImportProblem } from './fetch.ts';

/**
 * The corpus folder as imports see it: what is in it already (by URL and by text, for skipping
 * duplicates), and how a new article file is added without ever touching an existing one.
 */
export class CorpusFolder {
  private readonly urls = new Map<string, string>();
  private readonly texts = new Map<string, string>();
  /** Article id -> its file, for replacing a corrected article. */
  private readonly files = new Map<string, string>();

  private constructor(readonly dir: string) {}

  /** Reads what the corpus holds now; a missing or empty folder is an empty corpus. */
  static open(dir: string): CorpusFolder {
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
      throw new ImportProblem(`CORPUS_DIR ${dir} is a file; imports are written as Markdown files into a corpus folder`);
    }
    fs.mkdirSync(dir, { recursive: true });
    const folder = new CorpusFolder(dir);
    // Leftovers of an import killed while writing (under the lock, no other import is running).
    for (const f of fs.readdirSync(dir)) if (f.startsWith('.import-') && f.endsWith('.tmp')) fs.rmSync(path.join(dir, f), { force: true });
    let articles: Article[] = [];
    try {
      articles = loadCorpus(dir).articles;
    } catch {
      // No usable article yet.
    }
    for (const a of articles) folder.remember(a);
    return folder;
  }

  /** The id of an article already in the corpus with this URL or this text, if any. */
  duplicateOf(candidate: { url?: string | null; body?: string }): string | undefined {
    const byUrl = candidate.url ? this.urls.get(normalizeUrl(candidate.url)) : undefined;
    return byUrl ?? (candidate.body !== undefined ? this.texts.get(textHash(candidate.body)) : undefined);
  }

  /**
   * Adds `content` as a new Markdown file named after `slug` (a number is appended if the name is
   * taken; an existing file is never replaced). The file is written under a temporary name, read
   * back exactly as the indexer will read it, and checked against `expected` before it gets its
   * name, so a file that would be read differently is never added.
   */
  add(slug: string, content: string, expected: { title: string; body: string; url: string | null }): Article {
    const { tmp, read } = this.writeChecked(content, expected);
    try {
      for (let n = 1; ; n++) {
        const base = `${slug}${n === 1 ? '' : `-${n}`}`;
        // Another extension would give the same article id, and the loader would skip one of them.
        if (['.markdown', '.txt'].some((ext) => fs.existsSync(path.join(this.dir, base + ext)))) continue;
        const name = `${base}.md`;
        try {
          fs.linkSync(tmp, path.join(this.dir, name));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
          throw err;
        }
        fsyncDir(this.dir);
        const article = { ...read, id: name.replace(/\.md$/, ''), origin: path.join(this.dir, name) };
        this.remember(article);
        return article;
      }
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }

  /** The file of an article in the corpus, and its text as it is now. */
  fileOf(id: string): { file: string; content: string } | undefined {
    const file = this.files.get(id);
    if (file === undefined || !fs.existsSync(file)) return undefined;
    return { file, content: fs.readFileSync(file, 'utf8') };
  }

  /**
   * Replaces the file of article `id` (a corrected version of it) with `content`, checked the
   * same way as `add`, by an atomic rename: the article keeps its id, and a reader sees the old
   * file or the new one, never a mix.
   */
  replace(id: string, content: string, expected: { title: string; body: string; url: string | null }): Article {
    const file = this.files.get(id);
    if (file === undefined) throw new ImportProblem(`article ${id} is not in the corpus any more`);
    const { tmp, read } = this.writeChecked(content, expected);
    try {
      fs.renameSync(tmp, file);
      fsyncDir(path.dirname(file));
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    for (const [hash, owner] of this.texts) if (owner === id) this.texts.delete(hash);
    const article = { ...read, id, origin: file };
    this.remember(article);
    return article;
  }

  /** Writes `content` under a temporary name and reads it back as the indexer will, checked against `expected`. */
  private writeChecked(content: string, expected: { title: string; body: string; url: string | null }): { tmp: string; read: Article } {
    const tmp = path.join(this.dir, `.import-${process.pid}-${randomUUID()}.tmp`);
    writeFileDurably(tmp, content, 'wx');
    try {
      const read = readMarkdownArticle(tmp, this.dir);
      if ('reason' in read) throw new ImportProblem(`it could not be stored as an article (${read.reason})`);
      if (read.title !== expected.title || read.body !== expected.body.trim() || (expected.url !== null && read.url !== new URL(expected.url).toString())) {
        throw new ImportProblem('it could not be stored without changing its text');
      }
      return { tmp, read };
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }

  private remember(a: Pick<Article, 'id' | 'url' | 'body' | 'origin'>): void {
    if (a.url) this.urls.set(normalizeUrl(a.url), a.id);
    this.texts.set(textHash(a.body), a.id);
    this.files.set(a.id, a.origin);
  }
}

/** Markdown with front matter, in the format the corpus loader reads (README "Adding articles"). */
export function markdownArticle(a: {
  title: string;
  date: string | null;
  url: string | null;
  source: string | null;
  author: string | null;
  body: string;
  /** When a corrected version was published (YYYY-MM-DD), for the reader of the file. */
  updated?: string | null;
}): string {
  const meta: Record<string, string> = { title: a.title };
  if (a.date) meta.date = a.date;
  if (a.updated) meta.updated = a.updated;
  if (a.url) meta.url = a.url;
  if (a.source) meta.source = a.source;
  if (a.author) meta.author = a.author;
  return `---\n${stringify(meta, { lineWidth: 0 })}---\n${a.body}\n`;
}

/** A file name: the date, then the title in lower-case ASCII words. */
export function slugFor(title: string, date: string | null): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  // At most 60 characters, cut at a word boundary.
  const short = (words.length > 60 ? words.slice(0, 61).replace(/-[^-]*$/, '') : words) || 'article';
  if (date) return `${date}-${short}`;
  return short === 'readme' ? 'readme-article' : short; // the loader ignores README files
}

/** Two URLs name the same article when they differ only in #fragment or utm_* tracking parameters. */
export function normalizeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.hash = '';
    for (const key of [...u.searchParams.keys()]) if (/^utm_/i.test(key)) u.searchParams.delete(key);
    return u.toString();
  } catch {
    return url;
  }
}

function textHash(body: string): string {
  return createHash('sha256').update(body.trim()).digest('hex');
}
