/**
 * The feed follower with the real importer and the real incremental re-index, against a local
 * web server whose feeds change between polls. The clock is the follower's own (injected), so
 * backoff and "one warning an hour" are checked without waiting; requests are real HTTP.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoverage } from '../../src/answer/coverageService.ts';
import { FeedFollower, FEED_USER_AGENT, retryAfterMs } from '../../src/corpus/feeds/follower.ts';
import { followFeed } from '../../src/corpus/feeds/followed.ts';
import { reindex, type ReindexSummary } from '../../src/indexing/reindex.ts';
import { loadIndex } from '../../src/search/loadIndex.ts';
import { atomFeed, ConditionalFeed, HARBOUR, type AtomEntry } from '../support/feeds.ts';
import { articlePage, startTestWebServer, type TestWebServer } from '../support/http-server.ts';
import { CORPUS_DIR, OFFLINE_MODEL, tempDir } from '../support/paths.ts';
import { offlineEmbedder } from '../support/seedIndex.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

const QUESTION = HARBOUR.question;
const { original: ORIGINAL, corrected: CORRECTED, page: harbourPage, entry: harbourEntry } = HARBOUR;
const tramPage = articlePage({
  title: 'Tram line extended to the airport',
  site: 'City News',
  date: '2025-03-05T08:00:00Z',
  paragraphs: [
    'The tram line will be extended by four stops to the airport, the transport authority said on Wednesday.',
    'Work on the new stops is due to begin next year, and trams should run to the terminal by the end of 2027, according to the plans.',
  ],
});

let web: TestWebServer;
let dir: string;
const logs: Array<{ level: string; msg: string; obj: Record<string, unknown> }> = [];
const log = {
  debug: (obj: object, msg: string) => logs.push({ level: 'debug', msg, obj: obj as Record<string, unknown> }),
  info: (obj: object, msg: string) => logs.push({ level: 'info', msg, obj: obj as Record<string, unknown> }),
  warn: (obj: object, msg: string) => logs.push({ level: 'warn', msg, obj: obj as Record<string, unknown> }),
};
const warningsFor = (feed: string) => logs.filter((l) => l.level === 'warn' && l.obj.feed === feed);

const tramEntry: AtomEntry = { id: 'urn:city:tram', title: 'Tram line extended to the airport', link: '/news/tram', published: '2025-03-05T08:00:00Z', updated: '2025-03-05T08:00:00Z' };

const news = new ConditionalFeed(atomFeed('City News', [harbourEntry('2025-03-04T09:30:00Z')]));

beforeAll(async () => {
  dir = tempDir('coverage-feeds-');
  web = await startTestWebServer({
    '/feed.xml': news.route(),
    '/news/harbour': { type: 'text/html', body: harbourPage(ORIGINAL) },
    '/news/tram': { type: 'text/html', body: tramPage },
    '/broken.xml': { status: 500, body: 'oops' },
    '/busy.xml': { status: 503, type: 'text/plain', body: 'later', headers: { 'retry-after': '7200' } },
    '/malformed.xml': { type: 'application/rss+xml', body: '<rss><channel><title>Half a feed</title><item><title>Cut</item>' },
    '/slow.xml': { hang: true },
  });
});

afterAll(async () => {
  await web?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A corpus (the seed article), its index, and a follower of `feeds` on a clock the test moves. */
async function setup(name: string, feeds: string[], timeoutMs = 5_000) {
  const corpusDir = path.join(dir, name, 'corpus');
  const indexDir = path.join(dir, name, 'index');
  const feedStateDir = path.join(dir, name, 'feeds');
  fs.cpSync(CORPUS_DIR, corpusDir, { recursive: true });
  const config = { corpusDir, indexDir, embeddingModel: OFFLINE_MODEL, feeds: feeds.map((f) => web.url(f)), feedPollMinutes: 15, feedStateDir };
  await reindex({ config, log: silent, embedder: offlineEmbedder });
  const clock = { now: Date.parse('2025-03-06T10:00:00Z') };
  const reindexes: ReindexSummary[] = [];
  const make = () =>
    new FeedFollower({
      config,
      log,
      limits: { maxBytes: 1024 * 1024, timeoutMs },
      now: () => clock.now,
      reindex: async () => {
        const summary = await reindex({ config, log: silent, embedder: offlineEmbedder });
        reindexes.push(summary);
        return summary;
      },
    });
  const ask = async (question: string) => {
    const embedder = await offlineEmbedder();
    const coverage = createCoverage({ index: loadIndex(indexDir, embedder.modelId), embedder, log: silent });
    return coverage.ask(question);
  };
  return { config, clock, reindexes, make, ask, corpusDir, feedStateDir };
}

const requestsTo = (p: string) => web.log.filter((r) => r.path === p);

describe('following a feed', () => {
  it('imports a new item, sends conditional requests (304 imports nothing), takes a correction in place, and never imports twice', async () => {
    const { clock, reindexes, make, ask, corpusDir, feedStateDir } = await setup('follow', ['/feed.xml']);
    const follower = make();
    const before = requestsTo('/feed.xml').length;

    // New item: imported, re-indexed, answerable.
    await follower.tick();
    expect(reindexes).toHaveLength(1);
    expect(reindexes[0]!.added).toHaveLength(1);
    const [harbourId] = reindexes[0]!.added;
    expect((await ask(QUESTION)).citations[0]?.quote).toContain('12 million euros');
    const first = requestsTo('/feed.xml').slice(before);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ userAgent: FEED_USER_AGENT, ifNoneMatch: undefined, status: 200 });

    // Not due before the interval: no request at all.
    clock.now += 5 * 60_000;
    await follower.tick();
    expect(requestsTo('/feed.xml').length - before).toBe(1);

    // Due: a conditional request, answered 304; nothing imported, no re-index.
    clock.now += 11 * 60_000;
    await follower.tick();
    const second = requestsTo('/feed.xml').at(-1)!;
    expect(second).toMatchObject({ ifNoneMatch: '"v1"', ifModifiedSince: expect.stringMatching(/GMT$/), status: 304 });
    expect(reindexes).toHaveLength(1);
    const files = fs.readdirSync(corpusDir).sort();

    // The feed changes: a second item, and the first one updated; its page now has the corrected text.
    web.routes.set('/news/harbour', { type: 'text/html', body: harbourPage(CORRECTED) });
    news.set(atomFeed('City News', [tramEntry, harbourEntry('2025-03-06T08:00:00Z')]));
    clock.now += 16 * 60_000;
    await follower.tick();
    expect(reindexes).toHaveLength(2);
    expect(reindexes[1]!.changed).toEqual([harbourId]);
    expect(reindexes[1]!.added).toHaveLength(1);
    // The correction replaced the article's file (same id); one new file for the new item.
    const after = fs.readdirSync(corpusDir).sort();
    expect(after.filter((f) => !files.includes(f))).toHaveLength(1);
    const harbourFile = fs.readFileSync(path.join(corpusDir, `${harbourId}.md`), 'utf8');
    expect(harbourFile).toContain(CORRECTED);
    expect(harbourFile).not.toContain('12 million');
    expect(harbourFile).toMatch(/\nupdated: 2025-03-06\n/);
    const answer = await ask(QUESTION);
    expect(answer.citations[0]?.quote).toContain(CORRECTED);
    expect(answer.citations.some((c) => c.quote.includes('12 million'))).toBe(false);

    // A restart: the state (ETag, last poll) is read back; the next poll is conditional, 304, and imports nothing.
    await follower.stop();
    const restarted = make();
    clock.now += 16 * 60_000;
    await restarted.tick();
    expect(requestsTo('/feed.xml').at(-1)).toMatchObject({ ifNoneMatch: '"v2"', status: 304 });
    // Even with the state lost, nothing is imported twice: both items are found in the corpus.
    fs.rmSync(path.join(feedStateDir, 'state.json'));
    const fresh = make();
    await fresh.tick();
    expect(requestsTo('/feed.xml').at(-1)).toMatchObject({ ifNoneMatch: undefined, status: 200 });
    expect(reindexes).toHaveLength(2);
    expect(fs.readdirSync(corpusDir).sort()).toEqual(after);
    expect(fresh.status()).toEqual([{ url: web.url('/feed.xml'), lastSuccessAt: new Date(clock.now).toISOString(), articles: 2, failures: 0, lastError: null }]);
    await restarted.stop();
    await fresh.stop();
  }, 60_000);

  it('backs off a failing feed, warns once an hour, obeys Retry-After, and keeps polling the others', async () => {
    const feeds = ['/broken.xml', '/busy.xml', '/malformed.xml', '/feed.xml'];
    const { clock, make, feedStateDir } = await setup('failing', feeds);
    const follower = make();
    const broken = web.url('/broken.xml');
    const busy = web.url('/busy.xml');
    const malformed = web.url('/malformed.xml');
    await follower.tick();
    expect(warningsFor(broken).map((w) => w.obj.reason)).toEqual(['the server answered HTTP 500 Internal Server Error']);
    expect(warningsFor(malformed)[0]?.obj.reason).toMatch(/^the feed is not well-formed XML/);
    expect(warningsFor(web.url('/feed.xml'))).toEqual([]);
    const status = follower.status();
    expect(status.find((s) => s.url === broken)).toMatchObject({ failures: 1, lastSuccessAt: null, lastError: 'the server answered HTTP 500 Internal Server Error' });
    expect(status.find((s) => s.url === web.url('/feed.xml'))).toMatchObject({ failures: 0, articles: 2 });

    // Polls every 15 minutes for 3 hours: the failing feed is asked less and less often (15, 30, 60, 120 min).
    const brokenBefore = requestsTo('/broken.xml').length;
    const okBefore = requestsTo('/feed.xml').length;
    const busyBefore = requestsTo('/busy.xml').length;
    for (let t = 0; t < 12; t++) {
      clock.now += 15 * 60_000 + 1;
      await follower.tick();
    }
    expect(requestsTo('/feed.xml').length - okBefore).toBe(12);
    expect(requestsTo('/broken.xml').length - brokenBefore).toBe(3); // at +15, +45 and +105 minutes
    expect(requestsTo('/busy.xml').length - busyBefore).toBe(1); // Retry-After: 7200 s
    // One warning when it started failing and one an hour later, not one per poll.
    expect(warningsFor(broken)).toHaveLength(2);
    expect(logs.filter((l) => l.level === 'debug' && l.obj.feed === broken && l.msg === 'feed poll failed')).toHaveLength(2);

    // The failures survive a restart: the backoff goes on and no new warning comes before the hour.
    const state = JSON.parse(fs.readFileSync(path.join(feedStateDir, 'state.json'), 'utf8')) as { feeds: Record<string, { failures: number; nextPollAt: string }> };
    expect(state.feeds[broken]).toMatchObject({ failures: 4 });
    await follower.stop();
    const restarted = make();
    const brokenAtRestart = requestsTo('/broken.xml').length;
    await restarted.tick();
    expect(requestsTo('/broken.xml').length).toBe(Date.parse(state.feeds[broken]!.nextPollAt) <= clock.now ? brokenAtRestart + 1 : brokenAtRestart);
    expect(warningsFor(broken)).toHaveLength(2);

    // The feed comes back: answered normally, counted as working again.
    web.routes.set('/broken.xml', news.route());
    clock.now = Date.parse(state.feeds[broken]!.nextPollAt) + 1;
    await restarted.tick();
    expect(restarted.status().find((s) => s.url === broken)).toMatchObject({ failures: 0, lastError: null, articles: 2 });
    expect(logs.some((l) => l.msg === 'feed answering again' && l.obj.feed === broken)).toBe(true);
    await restarted.stop();
    web.routes.set('/broken.xml', { status: 500, body: 'oops' });
  }, 60_000);

  it('gives up on a slow feed at the time limit without holding up the others, one request at a time', async () => {
    const { clock, make } = await setup('slow', ['/slow.xml', '/feed.xml'], 1_500);
    const follower = make();
    const slowBefore = requestsTo('/slow.xml').length;
    const first = follower.tick();
    // While the slow feed hangs, another tick polls the other feed again but sends no second request to the slow one.
    await new Promise((r) => setTimeout(r, 200));
    clock.now += 16 * 60_000;
    await follower.tick();
    expect(requestsTo('/slow.xml').length - slowBefore).toBe(1);
    await first;
    expect(warningsFor(web.url('/slow.xml')).map((w) => w.obj.reason)).toEqual(['no complete answer within 1.5 s']);
    await follower.stop();
  }, 30_000);

  it('retries a failed re-index after the poll interval, not at every look, and then answers from the import', async () => {
    const { config, clock, ask } = await setup('retry', ['/feed.xml']);
    const attempts: string[] = [];
    const follower = new FeedFollower({
      config,
      log,
      limits: { maxBytes: 1024 * 1024, timeoutMs: 5_000 },
      now: () => clock.now,
      // The first re-index runs while the model folder is missing (a real ModelError); later ones find it.
      reindex: () => {
        const model = attempts.length === 0 ? path.join(dir, 'no-such-model') : OFFLINE_MODEL;
        attempts.push(model);
        return reindex({ config: { ...config, embeddingModel: model }, log: silent, embedder: attempts.length === 1 ? undefined : offlineEmbedder });
      },
    });
    await follower.tick();
    expect(attempts).toHaveLength(1);
    expect(logs.some((l) => l.level === 'warn' && l.msg.startsWith('the re-index after a feed import failed'))).toBe(true);
    clock.now += 60_000;
    await follower.tick();
    expect(attempts).toHaveLength(1); // not before the interval
    clock.now += 15 * 60_000;
    await follower.tick();
    await follower.stop(); // waits for the re-index under way
    expect(attempts).toHaveLength(2);
    expect((await ask(QUESTION)).citations[0]?.quote).toContain('harbour council approved');
  }, 60_000);

  it('reads the followed list alongside FEEDS, each feed once', async () => {
    const { make, feedStateDir } = await setup('list', ['/feed.xml']);
    expect(followFeed(feedStateDir, web.url('/tram-feed.xml'))).toBe(true);
    expect(followFeed(feedStateDir, web.url('/tram-feed.xml'))).toBe(false);
    followFeed(feedStateDir, web.url('/feed.xml'));
    expect(make().feeds()).toEqual([web.url('/feed.xml'), web.url('/tram-feed.xml')]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-03-06T10:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Thu, 06 Mar 2025 10:05:00 GMT', now)).toBe(300_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});
