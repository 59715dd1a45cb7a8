import fs from 'node:fs';
import path from 'node:path';
import { readMarkdownArticle } from '../load.ts';
import { decodeText } from './decode.ts';
import { looksLikeFeed, parseFeed, type FeedItem } from './feed.ts';
import { fetchLimited, formatBytes, ImportProblem, type FetchLimits } from './fetch.ts';
import { extractArticle, htmlToParagraphs, MIN_BODY_CHARS, toIsoDate, type ExtractedArticle } from './html.ts';
import { CorpusFolder, markdownArticle, slugFor } from './store.ts';

/**
 * `npm run add`: files, web pages and feeds become Markdown articles in the corpus folder.
 * Each input (and each feed item) is imported or skipped with its reason; one bad input never
 * stops the others, and nothing already in the corpus is changed.
 */
export interface ImportOptions {
  corpusDir: string;
  limits: FetchLimits;
  /** Feed items fetched at once. */
  concurrency?: number;
}

export interface ImportedArticle {
  /** What was given (a path or URL), or `FEED item "title"`. */
  input: string;
  id: string;
  file: string;
  title: string;
  url: string | null;
}

export interface SkippedInput {
  input: string;
  reason: string;
  /** Already in the corpus (not a problem). */
  duplicate?: boolean;
  /** The article already in the corpus, for a duplicate. */
  existingId?: string;
}

export interface ImportReport {
  imported: ImportedArticle[];
  /** Corrected versions that replaced an article's file (same id). */
  replaced: ImportedArticle[];
  skipped: SkippedInput[];
  /** Inputs (paths or URLs as given) of which nothing could be used because of a problem. */
  failed: string[];
}

const MARKDOWN = new Set(['.md', '.markdown', '.txt']);
const HTML = new Set(['.html', '.htm', '.xhtml']);
const FEEDS = new Set(['.xml', '.rss', '.atom']);

export async function importArticles(inputs: string[], options: ImportOptions): Promise<ImportReport> {
  const corpus = CorpusFolder.open(options.corpusDir);
  const report: ImportReport = { imported: [], replaced: [], skipped: [], failed: [] };
  const importer = new Importer(corpus, options, report);
  for (const input of inputs) {
    const before = report.imported.length;
    const problems = report.skipped.filter((s) => !s.duplicate).length;
    try {
      await importer.input(input);
    } catch (err) {
      if (!(err instanceof ImportProblem)) throw err;
      report.skipped.push({ input, reason: err.message });
    }
    const newProblems = report.skipped.filter((s) => !s.duplicate).length > problems;
    if (report.imported.length === before && newProblems) report.failed.push(input);
  }
  return report;
}

/** One item of a followed feed; `replaces` names the article it corrects (same URL, changed in the feed). */
export interface FeedItemImport {
  item: FeedItem;
  replaces?: string;
}

export type FeedItemOutcome =
  | { status: 'imported' | 'replaced' | 'unchanged' | 'duplicate'; articleId: string }
  | { status: 'skipped'; reason: string };

/**
 * The feed follower's import: the given items of one feed (already parsed), each imported as
 * `npm run add` would, or, for a correction, fetched again and written over the article it
 * corrects when its text (or anything shown with it) changed. One outcome per item, in order.
 */
export async function importFeedItems(
  feed: { url: string; title: string | null },
  items: FeedItemImport[],
  options: ImportOptions,
): Promise<{ report: ImportReport; outcomes: FeedItemOutcome[] }> {
  const corpus = CorpusFolder.open(options.corpusDir);
  const report: ImportReport = { imported: [], replaced: [], skipped: [], failed: [] };
  const importer = new Importer(corpus, options, report);
  const labels = items.map(({ item }, i) => `${feed.url} item ${i + 1}${item.title ? ` "${item.title}"` : ''}`);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      const { item, replaces } = items[i]!;
      await importer.guardedItem(labels[i]!, item, feed.url, feed.title, replaces);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  const outcomes = labels.map((label): FeedItemOutcome => {
    const imported = report.imported.find((a) => a.input === label);
    if (imported) return { status: 'imported', articleId: imported.id };
    const replaced = report.replaced.find((a) => a.input === label);
    if (replaced) return { status: 'replaced', articleId: replaced.id };
    const skipped = report.skipped.find((k) => k.input === label);
    if (skipped?.duplicate && skipped.existingId) return { status: skipped.reason === UNCHANGED ? 'unchanged' : 'duplicate', articleId: skipped.existingId };
    return { status: 'skipped', reason: skipped?.reason ?? 'not imported' };
  });
  return { report, outcomes };
}

const UNCHANGED = 'unchanged since it was imported';

class Importer {
  constructor(
    private readonly corpus: CorpusFolder,
    private readonly options: ImportOptions,
    private readonly report: ImportReport,
  ) {}

  async input(input: string): Promise<void> {
    if (/^https?:\/\//i.test(input)) return this.url(input);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) throw new ImportProblem('only http(s) URLs and files can be imported');
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch {
      throw new ImportProblem('no such file or folder');
    }
    if (stat.isDirectory()) {
      const files = listFiles(input);
      if (files.length === 0) throw new ImportProblem('the folder has no .md, .txt, .html or feed files');
      for (const file of files) await this.guarded(file, () => this.file(file));
      return;
    }
    return this.file(input);
  }

  /** Runs one import; a problem skips just that one. */
  private async guarded(input: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (!(err instanceof ImportProblem)) throw err;
      this.report.skipped.push({ input, reason: err.message });
    }
  }

  private async file(file: string): Promise<void> {
    const ext = path.extname(file).toLowerCase();
    if (!MARKDOWN.has(ext) && !HTML.has(ext) && !FEEDS.has(ext)) {
      throw new ImportProblem('not a file type that can be imported (.md, .markdown, .txt, .html, .htm, .xml, .rss, .atom)');
    }
    const size = fs.statSync(file).size;
    if (size > this.options.limits.maxBytes) {
      throw new ImportProblem(`the file is ${formatBytes(size)}, over the ${formatBytes(this.options.limits.maxBytes)} limit`);
    }
    if (MARKDOWN.has(ext)) {
      // The loader's own reading: front matter with a title, a valid date and URL, UTF-8 text.
      const article = readMarkdownArticle(file, path.dirname(file));
      if ('reason' in article) throw new ImportProblem(article.reason);
      if (this.skipDuplicate(file, article)) return;
      // Stored as written, so nothing in it changes.
      this.store(file, slugFor(article.title, article.date), fs.readFileSync(file, 'utf8'), article);
      return;
    }
    const text = decodeText(fs.readFileSync(file));
    if (FEEDS.has(ext) || looksLikeFeed(text)) return this.feed(file, text, null);
    this.page(file, extractArticle(text, null));
  }

  private async url(url: string): Promise<void> {
    if (this.skipDuplicate(url, { url })) return;
    const fetched = await fetchLimited(url, this.options.limits);
    const { mediaType } = fetched;
    const textual = mediaType === '' || mediaType.startsWith('text/') || /[/+]xml$/.test(mediaType);
    if (!textual) throw new ImportProblem(`not an HTML page or a feed (${mediaType})`);
    const text = decodeText(fetched.bytes, fetched.charset);
    if (/(rss|atom)\+xml$|^(application|text)\/xml$/.test(mediaType) || looksLikeFeed(text)) return this.feed(url, text, fetched.url);
    if (mediaType !== 'text/html' && mediaType !== 'application/xhtml+xml' && !/^\s*(<!doctype html|<html)/i.test(text)) {
      throw new ImportProblem(`not an HTML page or a feed (${mediaType || 'no content type'})`);
    }
    this.page(url, extractArticle(text, fetched.url));
  }

  private page(input: string, article: ExtractedArticle): void {
    if (this.skipDuplicate(input, article)) return;
    this.store(input, slugFor(article.title, article.date), markdownArticle(article), article);
  }

  /** Every item not yet in the corpus: its page is fetched and extracted; the feed fills in what the page lacks. */
  private async feed(input: string, xml: string, feedUrl: string | null): Promise<void> {
    const feed = parseFeed(xml);
    if (feed.items.length === 0) throw new ImportProblem('the feed has no items');
    const labels = feed.items.map((item, i) => `${input} item ${item.title ? `"${item.title}"` : i + 1}`);
    const { imported, skipped } = this.report;
    const [importedBefore, skippedBefore] = [imported.length, skipped.length];
    let next = 0;
    const worker = async () => {
      while (next < feed.items.length) {
        const i = next++;
        await this.guarded(labels[i]!, () => this.feedItem(labels[i]!, feed.items[i]!, feedUrl, feed.title));
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency ?? 4 }, worker));
    // Items finish in any order; the report lists them in feed order.
    const order = new Map(labels.map((l, i): [string, number] => [l, i]).reverse());
    const byItem = (a: { input: string }, b: { input: string }) => order.get(a.input)! - order.get(b.input)!;
    imported.push(...imported.splice(importedBefore).sort(byItem));
    skipped.push(...skipped.splice(skippedBefore).sort(byItem));
  }

  /** One followed-feed item: a new one, or a correction of article `replaces`; a problem skips just this item. */
  guardedItem(input: string, item: FeedItem, feedUrl: string, feedTitle: string | null, replaces?: string): Promise<void> {
    return this.guarded(input, () => (replaces ? this.correction(input, item, feedUrl, feedTitle, replaces) : this.feedItem(input, item, feedUrl, feedTitle)));
  }

  /** The item's page again; its article's file is replaced when what would be stored differs. */
  private async correction(input: string, item: FeedItem, feedUrl: string, feedTitle: string | null, id: string): Promise<void> {
    const existing = this.corpus.fileOf(id);
    if (!existing || !item.link) return this.feedItem(input, item, feedUrl, feedTitle);
    const link = new URL(item.link, feedUrl).toString();
    const fetched = await fetchLimited(link, this.options.limits);
    if (fetched.mediaType !== '' && fetched.mediaType !== 'text/html' && fetched.mediaType !== 'application/xhtml+xml') {
      throw new ImportProblem(`the item's page is not an HTML page (${fetched.mediaType})`);
    }
    const article = extractArticle(decodeText(fetched.bytes, fetched.charset), fetched.url, {
      title: item.title,
      date: item.date,
      author: item.author,
      source: feedTitle,
    });
    const content = markdownArticle({ ...article, updated: toIsoDate(item.updated) });
    if (content.replace(/\r\n?/g, '\n') === existing.content.replace(/\r\n?/g, '\n')) {
      this.report.skipped.push({ input, reason: UNCHANGED, duplicate: true, existingId: id });
      return;
    }
    const stored = this.corpus.replace(id, content, article);
    this.report.replaced.push({ input, id: stored.id, file: stored.origin, title: stored.title, url: stored.url });
  }

  private async feedItem(input: string, item: FeedItem, feedUrl: string | null, feedTitle: string | null): Promise<void> {
    let link: string | null = null;
    if (item.link) {
      try {
        link = new URL(item.link, feedUrl ?? undefined).toString();
      } catch {
        throw new ImportProblem(`the item's link "${item.link}" is not a URL`);
      }
    }
    if (link === null) {
      // No page to fetch: the feed's own text is the article, if it has enough.
      const body = item.content ? htmlToParagraphs(item.content).join('\n\n') : '';
      if (!item.title || body.length < MIN_BODY_CHARS) throw new ImportProblem('the item has no link and no article text');
      this.page(input, { title: item.title, date: item.date, url: null, author: item.author, source: feedTitle, body });
      return;
    }
    if (this.skipDuplicate(input, { url: link })) return;
    const fetched = await fetchLimited(link, this.options.limits);
    if (fetched.mediaType !== '' && fetched.mediaType !== 'text/html' && fetched.mediaType !== 'application/xhtml+xml') {
      throw new ImportProblem(`the item's page is not an HTML page (${fetched.mediaType})`);
    }
    const html = decodeText(fetched.bytes, fetched.charset);
    this.page(input, extractArticle(html, fetched.url, { title: item.title, date: item.date, author: item.author, source: feedTitle }));
  }

  private skipDuplicate(input: string, candidate: { url?: string | null; body?: string }): boolean {
    const existing = this.corpus.duplicateOf(candidate);
    if (existing === undefined) return false;
    this.report.skipped.push({ input, reason: `already in the corpus as ${existing}`, duplicate: true, existingId: existing });
    return true;
  }

  private store(input: string, slug: string, content: string, article: { title: string; body: string; url: string | null }): void {
    const stored = this.corpus.add(slug, content, article);
    this.report.imported.push({ input, id: stored.id, file: stored.origin, title: stored.title, url: stored.url });
  }
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.') && [...MARKDOWN, ...HTML, ...FEEDS].includes(path.extname(e.name).toLowerCase()))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

