import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { ImportProblem } from './fetch.ts';

/** An article as found on a page, before it becomes a corpus file. */
export interface ExtractedArticle {
  title: string;
  /** YYYY-MM-DD, or null when the page gives none. */
  date: string | null;
  /** The page's canonical URL (or where it was fetched from); null for a local file without one. */
  url: string | null;
  author: string | null;
  /** The site's name, or its host. */
  source: string | null;
  /** Plain text: one paragraph per block of the page, blank lines between them. */
  body: string;
}

/** Fewer characters of text than this is not an article (a login wall, an index page). */
export const MIN_BODY_CHARS = 80;

/**
 * The main text of an HTML page (Mozilla Readability, the Firefox reader view, over a linkedom
 * DOM) and its title, date, URL, author and site name from the page's metadata. The text is taken
 * character for character from the page; only whitespace is collapsed.
 */
export function extractArticle(
  html: string,
  pageUrl: string | null,
  /** What to use where the page says nothing (a feed item's title, date, author, feed title). */
  fallback: { title?: string | null; date?: string | null; author?: string | null; source?: string | null } = {},
): ExtractedArticle {
  const { document } = parseHTML(html);
  // Metadata first: Readability rewrites the document it reads.
  const meta = (selector: string, attribute = 'content') => document.querySelector(selector)?.getAttribute(attribute)?.trim() || null;
  const canonical = absoluteHttpUrl(meta('link[rel="canonical"]', 'href') ?? meta('meta[property="og:url"]'), pageUrl);
  const fallbackTitle = meta('meta[property="og:title"]') ?? (document.querySelector('title')?.textContent?.trim() || null);
  const fallbackDate =
    meta('meta[property="article:published_time"]') ??
    meta('meta[name="date"]') ??
    meta('meta[itemprop="datePublished"]') ??
    meta('time[datetime]', 'datetime');
  const fallbackAuthor = meta('meta[name="author"]');
  const fallbackSite = meta('meta[property="og:site_name"]');

  const parsed = new Readability(document as unknown as Document).parse();
  const author = clean(parsed?.byline) ?? fallbackAuthor;
  const paragraphs = parsed?.content ? htmlToParagraphs(parsed.content) : [];
  // Readability keeps a "By ..." line that repeats the byline it found.
  if (author && paragraphs[0] && paragraphs[0].replace(/^by\s+/i, '') === author) paragraphs.shift();
  const body = paragraphs.join('\n\n');
  if (body.length < MIN_BODY_CHARS) throw new ImportProblem('no article text found on the page');

  const title = clean(parsed?.title) ?? fallbackTitle ?? clean(fallback.title);
  if (!title) throw new ImportProblem('the page has no title');
  const url = canonical ?? absoluteHttpUrl(pageUrl, null);
  return {
    title,
    date: toIsoDate(parsed?.publishedTime ?? fallbackDate) ?? fallback.date ?? null,
    url,
    author: (author ?? clean(fallback.author))?.slice(0, 200) ?? null,
    source: clean(parsed?.siteName) ?? fallbackSite ?? clean(fallback.source) ?? (url ? new URL(url).hostname : null),
    body,
  };
}

const BLOCKS = new Set(
  (
    'address article aside blockquote dd details div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr ' +
    'li main nav ol p pre section summary table tbody td tfoot th thead tr ul'
  )
    .toUpperCase()
    .split(' '),
);
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'IFRAME', 'BUTTON']);

/** Plain-text paragraphs of an HTML fragment: each block element (and each `<br>`) ends one. */
export function htmlToParagraphs(html: string): string[] {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const paragraphs: string[] = [];
  let text = '';
  const flush = () => {
    const p = text.replace(/\s+/g, ' ').trim();
    if (p !== '') paragraphs.push(p);
    text = '';
  };
  const walk = (node: Node) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === 3) {
        text += child.textContent ?? '';
      } else if (child.nodeType === 1) {
        const tag = (child as Element).tagName.toUpperCase();
        if (SKIPPED.has(tag)) continue;
        if (tag === 'BR') {
          flush();
          continue;
        }
        const block = BLOCKS.has(tag);
        if (block) flush();
        walk(child);
        if (block) flush();
      }
    }
  };
  walk(document.body as unknown as Node);
  flush();
  return paragraphs;
}

/** YYYY-MM-DD from a date as pages and feeds write it; the day as the publisher wrote it when given. */
export function toIsoDate(value: string | null | undefined): string | null {
  const v = value?.trim();
  if (!v) return null;
  const written = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/.exec(v)?.[1];
  if (written) return new Date(`${written}T00:00:00Z`).toISOString().startsWith(written) ? written : null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 10);
}

function clean(s: string | null | undefined): string | null {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t ? t : null;
}

function absoluteHttpUrl(href: string | null, base: string | null): string | null {
  if (!href) return null;
  try {
    const u = base ? new URL(href, base) : new URL(href);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    u.hash = '';
    return u.toString();
  } catch {
    return null;
  }
}
