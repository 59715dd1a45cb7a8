import { articlePage, type Route } from './http-server.ts';

/**
 * Feeds for the feed-follower tests: an Atom document, and a route that answers like a server
 * with validators (ETag and Last-Modified; 304 to a request that has the current ones).
 */
export interface AtomEntry {
  id: string;
  title: string;
  link: string;
  published: string;
  updated: string;
  summary?: string;
}

export function atomFeed(title: string, entries: AtomEntry[]): string {
  const items = entries
    .map(
      (e) => `<entry><id>${e.id}</id><title>${e.title}</title><link rel="alternate" href="${e.link}"/>
<published>${e.published}</published><updated>${e.updated}</updated>${e.summary ? `<summary>${e.summary}</summary>` : ''}</entry>`,
    )
    .join('\n');
  const updated = entries.map((e) => e.updated).sort().at(-1) ?? '2025-01-01T00:00:00Z';
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>${title}</title><id>urn:test:${title}</id><updated>${updated}</updated>
${items}
</feed>`;
}

/** A feed whose document can be swapped; each version gets its own ETag and Last-Modified. */
export class ConditionalFeed {
  private body = '';
  private etag = '';
  private lastModified = '';
  private version = 0;

  constructor(xml: string) {
    this.set(xml);
  }

  set(xml: string): void {
    this.version++;
    this.body = xml;
    this.etag = `"v${this.version}"`;
    this.lastModified = new Date(Date.UTC(2025, 2, 1, 12, this.version)).toUTCString();
  }

  route(): Route {
    return {
      dynamic: (req) => {
        const notModified =
          req.headers['if-none-match'] !== undefined
            ? req.headers['if-none-match'] === this.etag
            : req.headers['if-modified-since'] === this.lastModified;
        const headers = { etag: this.etag, 'last-modified': this.lastModified };
        return notModified ? { status: 304, body: '', headers } : { type: 'application/atom+xml', body: this.body, headers };
      },
    };
  }
}

/** A story that gets corrected after publishing: its page, with either sentence, and its feed entry. */
export const HARBOUR = {
  original: 'The harbour council approved a budget of 12 million euros for the new pier on Tuesday.',
  corrected: 'The harbour council approved a budget of 14 million euros for the new pier on Tuesday.',
  question: 'What budget did the harbour council approve for the new pier?',
  page: (sentence: string) =>
    articlePage({
      title: 'Council approves harbour budget',
      site: 'City News',
      date: '2025-03-04T09:30:00Z',
      paragraphs: [
        `${sentence} The vote followed months of debate among residents about the cost of the work.`,
        'Construction is due to start in May and should take two years, the city engineers told a public meeting attended by some two hundred residents.',
      ],
    }),
  entry: (updated: string): AtomEntry => ({
    id: 'urn:city:harbour',
    title: 'Council approves harbour budget',
    link: '/news/harbour',
    published: '2025-03-04T09:30:00Z',
    updated,
  }),
};
