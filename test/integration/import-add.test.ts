import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { importArticles, type ImportOptions } from '../../src/corpus/import/importer.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import { articlePage, startTestWebServer, type TestWebServer } from '../support/http-server.ts';
import { CORPUS_DIR, tempDir } from '../support/paths.ts';

const HARBOUR = {
  title: 'Council approves harbour budget',
  paragraphs: [
    'The harbour council approved a budget of <b>12 million euros</b> for the new pier on Tuesday. “It is long overdue,” said Mayor Ann Lee.',
    'Critics said the plan came too late &amp; cost too much. The work starts in May and should last two years, according to the city’s engineers, who presented the plans at a public meeting attended by some 200 residents.',
    'Residents can comment on the plans until April 1. A second vote on the financing of the access roads is expected in the autumn, after the regional elections.',
  ],
  date: '2025-03-04T09:30:00+01:00',
  canonical: 'https://citynews.example/harbour-budget',
  author: 'Jane Roe',
  site: 'City News',
};
const HARBOUR_BODY = [
  'The harbour council approved a budget of 12 million euros for the new pier on Tuesday. “It is long overdue,” said Mayor Ann Lee.',
  'Critics said the plan came too late & cost too much. The work starts in May and should last two years, according to the city’s engineers, who presented the plans at a public meeting attended by some 200 residents.',
  'Residents can comment on the plans until April 1. A second vote on the financing of the access roads is expected in the autumn, after the regional elections.',
].join('\n\n');

const page = (title: string, sentence: string) =>
  articlePage({
    title,
    site: 'City News',
    paragraphs: [
      `${sentence} Officials gave the news at a press conference in the town hall on Monday morning.`,
      'The decision follows months of debate in the council and among residents, who had asked for more information about the costs and the schedule of the work.',
      'A spokesperson said more details would follow next week, once the contracts with the builders have been signed.',
    ],
  });

let web: TestWebServer;
let dir: string;
let closedPort: number;

beforeAll(async () => {
  dir = tempDir('coverage-import-');
  web = await startTestWebServer({
    '/news/harbour': { type: 'text/html; charset=utf-8', body: articlePage(HARBOUR) },
    '/news/bridge': { type: 'text/html', body: page('New bridge opens to traffic', 'The new Elm Street bridge opened to traffic on Saturday.') },
    '/news/tram': { type: 'text/html', body: page('Tram line extended', 'The tram line will be extended by four stops to the airport.') },
    '/news/moved': { redirect: '/news/tram' },
    '/news/latin': {
      type: 'text/html; charset=windows-1252',
      body: Buffer.from(page('Café reopens after fire', 'The café on the market square reopened after the fire in its kitchen.'), 'latin1'),
    },
    '/news/bad-utf8': {
      type: 'text/html; charset=utf-8',
      body: Buffer.concat([Buffer.from(page('Broken bytes', 'Some text.').slice(0, 400)), Buffer.from([0xe9, 0x20, 0xff]), Buffer.from('</body></html>')]),
    },
    '/news/empty': { type: 'text/html', body: '<!doctype html><html><head><title>Log in</title></head><body><nav><a href="/">Home</a></nav><p>Please log in.</p></body></html>' },
    '/report.pdf': { type: 'application/pdf', body: Buffer.from('%PDF-1.4 ...') },
    '/error': { status: 500, type: 'text/plain', body: 'boom' },
    '/slow': { hang: true },
    '/huge': { stream: 3 * 1024 * 1024, type: 'text/html' },
    '/feed.xml': {
      type: 'application/rss+xml',
      body: `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>City News</title>
<item><title>New bridge opens to traffic</title><link>/news/bridge</link><pubDate>Sat, 08 Mar 2025 10:00:00 GMT</pubDate><dc:creator>Sam Poe</dc:creator></item>
<item><title>Council approves harbour budget</title><link>${HARBOUR.canonical}</link></item>
<item><title>Gone</title><link>/news/missing</link></item>
<item><title>Nothing here</title></item>
<item><title>Library hours extended</title><pubDate>Mon, 10 Mar 2025 08:00:00 GMT</pubDate><content:encoded><![CDATA[<p>The city library will stay open until 9 pm on weekdays from April on.</p><p>The longer hours are paid for by a grant from the regional government.</p>]]></content:encoded></item>
</channel></rss>`,
    },
    '/atom.xml': {
      type: 'application/atom+xml',
      body: `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>City News</title>
<entry><title>Tram line extended</title><link rel="alternate" href="/news/tram"/><published>2025-03-09T12:00:00Z</published><author><name>Kim Doe</name></author><id>tag:x,1</id></entry>
</feed>`,
    },
    '/broken-feed.xml': { type: 'application/rss+xml', body: '<rss><channel><item><title>x</item></channel></rss>' },
  });
  // A port with nothing listening on it.
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
});
afterAll(async () => {
  await web.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

let n = 0;
/** A corpus folder holding a copy of the project's seed article. */
function corpus(): { corpusDir: string; options: ImportOptions } {
  const corpusDir = path.join(dir, `corpus-${++n}`);
  fs.cpSync(CORPUS_DIR, corpusDir, { recursive: true });
  return { corpusDir, options: { corpusDir, limits: { maxBytes: 1024 * 1024, timeoutMs: 2_000 } } };
}

function snapshot(folder: string): Map<string, string> {
  const files = fs.readdirSync(folder, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(folder, f)).isFile());
  return new Map(files.map((f) => [f, createHash('sha256').update(fs.readFileSync(path.join(folder, f))).digest('hex')]));
}

function frontMatter(file: string): Record<string, unknown> {
  return parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(fs.readFileSync(file, 'utf8'))![1]!) as Record<string, unknown>;
}

describe('importing a web page', () => {
  it('stores the main text verbatim with title, date, url, author and site from the page', async () => {
    const { corpusDir, options } = corpus();
    const report = await importArticles([web.url('/news/harbour')], options);
    expect(report.skipped).toEqual([]);
    expect(report.imported).toEqual([
      {
        input: web.url('/news/harbour'),
        id: '2025-03-04-council-approves-harbour-budget',
        file: path.join(corpusDir, '2025-03-04-council-approves-harbour-budget.md'),
        title: HARBOUR.title,
        url: HARBOUR.canonical,
      },
    ]);
    const file = report.imported[0]!.file;
    expect(frontMatter(file)).toEqual({ title: HARBOUR.title, date: '2025-03-04', url: HARBOUR.canonical, source: 'City News', author: 'Jane Roe' });
    const article = loadCorpus(corpusDir).articles.find((a) => a.id === report.imported[0]!.id)!;
    expect(article.body).toBe(HARBOUR_BODY);
  });

  it('follows redirects, and reads a page in the character set its server declares', async () => {
    const { corpusDir, options } = corpus();
    const report = await importArticles([web.url('/news/moved'), web.url('/news/latin')], options);
    expect(report.imported.map((a) => [a.title, a.url])).toEqual([
      ['Tram line extended', web.url('/news/tram')],
      ['Café reopens after fire', web.url('/news/latin')],
    ]);
    const cafe = loadCorpus(corpusDir).articles.find((a) => a.title.startsWith('Café'))!;
    expect(cafe.body).toMatch(/^The café on the market square reopened/);
  });

  it('skips what is already in the corpus: the same URL, its canonical URL, or the same text', async () => {
    const { corpusDir, options } = corpus();
    await importArticles([web.url('/news/harbour')], options);
    // Same text again under another URL (copied page).
    web.routes.set('/copy', { type: 'text/html', body: articlePage({ ...HARBOUR, canonical: undefined }) });
    const before = snapshot(corpusDir);
    const report = await importArticles([web.url('/news/harbour'), `${HARBOUR.canonical}?utm_source=feed#top`, web.url('/copy')], options);
    expect(report.imported).toEqual([]);
    expect(report.failed).toEqual([]);
    expect(report.skipped.map((s) => [s.input, s.reason, s.duplicate])).toEqual([
      [web.url('/news/harbour'), 'already in the corpus as 2025-03-04-council-approves-harbour-budget', true],
      [`${HARBOUR.canonical}?utm_source=feed#top`, 'already in the corpus as 2025-03-04-council-approves-harbour-budget', true],
      [web.url('/copy'), 'already in the corpus as 2025-03-04-council-approves-harbour-budget', true],
    ]);
    expect(snapshot(corpusDir)).toEqual(before);
  });
});

describe('importing feeds', () => {
  it('imports every RSS item not yet in the corpus and skips broken items with the reason', async () => {
    const { corpusDir, options } = corpus();
    await importArticles([web.url('/news/harbour')], options);
    const report = await importArticles([web.url('/feed.xml')], options);
    const feed = web.url('/feed.xml');
    expect(report.imported.map((a) => [a.input, a.id])).toEqual([
      [`${feed} item "New bridge opens to traffic"`, '2025-03-08-new-bridge-opens-to-traffic'],
      [`${feed} item "Library hours extended"`, '2025-03-10-library-hours-extended'],
    ]);
    expect(report.skipped.map((s) => [s.input, s.reason])).toEqual([
      [`${feed} item "Council approves harbour budget"`, 'already in the corpus as 2025-03-04-council-approves-harbour-budget'],
      [`${feed} item "Gone"`, 'the server answered HTTP 404 Not Found'],
      [`${feed} item "Nothing here"`, 'the item has no link and no article text'],
    ]);
    expect(report.failed).toEqual([]);
    // The page gives no date or author: the feed's are used. The feed's own text stands when there is no page.
    const articles = new Map(loadCorpus(corpusDir).articles.map((a) => [a.id, a]));
    expect(articles.get('2025-03-08-new-bridge-opens-to-traffic')).toMatchObject({ date: '2025-03-08', url: web.url('/news/bridge') });
    expect(frontMatter(path.join(corpusDir, '2025-03-08-new-bridge-opens-to-traffic.md')).author).toBe('Sam Poe');
    expect(articles.get('2025-03-10-library-hours-extended')).toMatchObject({
      url: null,
      source: 'City News',
      body: 'The city library will stay open until 9 pm on weekdays from April on.\n\nThe longer hours are paid for by a grant from the regional government.',
    });

    // Run again: nothing new.
    const again = await importArticles([web.url('/feed.xml')], options);
    expect(again.imported).toEqual([]);
    expect(again.skipped.filter((s) => s.duplicate)).toHaveLength(3);
  });

  it('imports Atom entries, and refuses a feed that is not well-formed', async () => {
    const { options } = corpus();
    const report = await importArticles([web.url('/atom.xml'), web.url('/broken-feed.xml')], options);
    expect(report.imported.map((a) => [a.id, a.url])).toEqual([['2025-03-09-tram-line-extended', web.url('/news/tram')]]);
    expect(report.skipped).toEqual([
      { input: web.url('/broken-feed.xml'), reason: expect.stringMatching(/^the feed is not well-formed XML \(line 1: Expected closing tag 'title'/) },
    ]);
    expect(report.failed).toEqual([web.url('/broken-feed.xml')]);
  });
});

describe('importing files', () => {
  it('copies Markdown and text files with front matter as they are, and extracts HTML files', async () => {
    const { corpusDir, options } = corpus();
    const inbox = path.join(dir, 'inbox');
    fs.mkdirSync(inbox, { recursive: true });
    const md = '---\ntitle: "Budget: what changes"\ndate: 2025-04-01\nsource: City News\n---\nThe budget changes three things.\r\n\r\nFirst, the pier.\n';
    fs.writeFileSync(path.join(inbox, 'budget.md'), md);
    fs.writeFileSync(path.join(inbox, 'note.txt'), '---\ntitle: A note\n---\nA short note about the harbour.\n');
    fs.writeFileSync(path.join(inbox, 'page.html'), articlePage({ ...HARBOUR, title: 'Harbour budget, saved copy', canonical: undefined, paragraphs: [...HARBOUR.paragraphs, 'One more line.'] }));
    const report = await importArticles([path.join(inbox, 'budget.md'), path.join(inbox, 'note.txt'), path.join(inbox, 'page.html')], options);
    expect(report.skipped).toEqual([]);
    expect(report.imported.map((a) => a.id)).toEqual(['2025-04-01-budget-what-changes', 'a-note', '2025-03-04-harbour-budget-saved-copy']);
    expect(fs.readFileSync(path.join(corpusDir, '2025-04-01-budget-what-changes.md'), 'utf8')).toBe(md);
    expect(report.imported[2]!.url).toBeNull();
  });
});

describe('bad input', () => {
  it('is skipped with a clear reason while the rest is imported, and nothing in the corpus changes', async () => {
    const { corpusDir, options } = corpus();
    const inbox = path.join(dir, 'bad-inbox');
    fs.mkdirSync(inbox, { recursive: true });
    fs.writeFileSync(path.join(inbox, 'big.html'), `<html><body><p>${'word '.repeat(300_000)}</p></body></html>`);
    fs.writeFileSync(path.join(inbox, 'latin1.html'), Buffer.concat([Buffer.from('<html><head><title>x</title></head><body><p>caf'), Buffer.from([0xe9]), Buffer.from('</p></body></html>')]));
    fs.writeFileSync(path.join(inbox, 'untitled.md'), '---\ndate: 2025-01-01\n---\nNo title.\n');
    fs.writeFileSync(path.join(inbox, 'photo.jpg'), 'not really');
    const before = snapshot(corpusDir);

    const inputs = [
      `http://127.0.0.1:${closedPort}/news`,
      web.url('/report.pdf'),
      web.url('/news/empty'),
      web.url('/news/bad-utf8'),
      web.url('/error'),
      web.url('/slow'),
      web.url('/huge'),
      path.join(inbox, 'big.html'),
      path.join(inbox, 'latin1.html'),
      path.join(inbox, 'untitled.md'),
      path.join(inbox, 'photo.jpg'),
      path.join(inbox, 'missing.md'),
      'ftp://example.org/file.html',
      web.url('/news/bridge'),
    ];
    const report = await importArticles(inputs, { ...options, limits: { maxBytes: 1024 * 1024, timeoutMs: 1_000 } });
    expect(report.imported.map((a) => a.input)).toEqual([web.url('/news/bridge')]);
    expect(Object.fromEntries(report.skipped.map((s) => [s.input, s.reason]))).toEqual({
      [`http://127.0.0.1:${closedPort}/news`]: 'unreachable (ECONNREFUSED)',
      [web.url('/report.pdf')]: 'not an HTML page or a feed (application/pdf)',
      [web.url('/news/empty')]: 'no article text found on the page',
      [web.url('/news/bad-utf8')]: 'not valid UTF-8 text',
      [web.url('/error')]: 'the server answered HTTP 500 Internal Server Error',
      [web.url('/slow')]: 'no complete answer within 1 s',
      [web.url('/huge')]: 'the response is over the 1 MB limit',
      [path.join(inbox, 'big.html')]: 'the file is 1.4 MB, over the 1 MB limit',
      [path.join(inbox, 'latin1.html')]: 'not valid UTF-8 text',
      [path.join(inbox, 'untitled.md')]: 'missing title',
      [path.join(inbox, 'photo.jpg')]: 'not a file type that can be imported (.md, .markdown, .txt, .html, .htm, .xml, .rss, .atom)',
      [path.join(inbox, 'missing.md')]: 'no such file or folder',
      'ftp://example.org/file.html': 'only http(s) URLs and files can be imported',
    });
    expect(report.failed).toEqual(inputs.slice(0, -1));

    const after = snapshot(corpusDir);
    for (const [file, hash] of before) expect(after.get(file)).toBe(hash);
    expect([...after.keys()].filter((f) => !before.has(f))).toEqual(['new-bridge-opens-to-traffic.md']);
  });
});
