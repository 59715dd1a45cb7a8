import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ImportProblem } from './fetch.ts';
import { toIsoDate } from './html.ts';

/** One item of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, as far as the feed says. */
export interface FeedItem {
  title: string | null;
  /** The article's page. */
  link: string | null;
  date: string | null;
  author: string | null;
  /** Full text as HTML (content:encoded, Atom content), when the feed carries it. */
  content: string | null;
  /** The item's own id (RSS guid, Atom id), when it has one. */
  guid: string | null;
  /** When the item was last changed, as the feed writes it (Atom updated, dc:modified), full precision. */
  updated: string | null;
  /** The short description (RSS description, Atom summary). */
  summary: string | null;
}

export interface Feed {
  title: string | null;
  items: FeedItem[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  htmlEntities: true,
  parseTagValue: false,
  isArray: (name) => name === 'item' || name === 'entry' || name === 'link',
});

/** Whether a document is a feed (its root element), judged from its first bytes. */
export function looksLikeFeed(text: string): boolean {
  const head = text.slice(0, 2000).replace(/<\?xml[^>]*\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/gi, '').trimStart();
  return /^<(rss|feed|rdf:RDF)[\s>]/i.test(head);
}

/** Parses a feed; malformed XML or an unknown root is an ImportProblem. */
export function parseFeed(xml: string): Feed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new ImportProblem(`the feed is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  const doc = parser.parse(xml) as Record<string, any>;
  if (doc.rss?.channel) {
    const channel = first(doc.rss.channel);
    return { title: text(channel.title), items: list(channel.item).map(rssItem) };
  }
  if (doc['rdf:RDF']) {
    const rdf = doc['rdf:RDF'];
    return { title: text(first(rdf.channel)?.title), items: list(rdf.item).map(rssItem) };
  }
  if (doc.feed) {
    return { title: text(doc.feed.title), items: list(doc.feed.entry).map(atomEntry) };
  }
  throw new ImportProblem('not an RSS or Atom feed');
}

function rssItem(item: any): FeedItem {
  return {
    title: text(item?.title),
    link: text(item?.link) ?? (item?.guid?.['@_isPermaLink'] !== 'false' ? text(item?.guid) : null),
    date: toIsoDate(text(item?.pubDate) ?? text(item?.['dc:date'])),
    author: text(item?.['dc:creator']) ?? text(item?.author),
    content: text(item?.['content:encoded']),
    guid: text(item?.guid),
    updated: text(item?.['atom:updated']) ?? text(item?.['dc:modified']) ?? text(item?.['dcterms:modified']),
    summary: text(item?.description),
  };
}

function atomEntry(entry: any): FeedItem {
  const links = list(entry?.link);
  const alternate = links.find((l) => l?.['@_rel'] === undefined || l?.['@_rel'] === 'alternate') ?? links[0];
  const content = entry?.content;
  return {
    title: text(entry?.title),
    link: typeof alternate?.['@_href'] === 'string' ? alternate['@_href'].trim() : null,
    date: toIsoDate(text(entry?.published) ?? text(entry?.updated)),
    author: text(first(entry?.author)?.name),
    // Escaped HTML or plain text; XHTML content arrives as elements and is left to the page.
    content: typeof content === 'object' && content?.['@_type'] === 'xhtml' ? null : text(content),
    guid: text(entry?.id),
    updated: text(entry?.updated),
    summary: text(entry?.summary),
  };
}

function list(v: unknown): any[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

function first(v: unknown): any {
  return Array.isArray(v) ? v[0] : v;
}

/** The text of an element parsed as a string, a number, or an object with attributes. */
function text(v: unknown): string | null {
  const value = first(v);
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && '#text' in value) return text((value as Record<string, unknown>)['#text']);
  return null;
}
