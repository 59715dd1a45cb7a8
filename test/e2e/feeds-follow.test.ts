/**
 * Following feeds end to end: a real `npm start` (the Discord bot, against the local Discord
 * emulator) with FEEDS pointing at a local web server whose feeds change between polls. What a
 * member notices: a new article answers a question without anyone running a command; after a
 * correction the bot quotes the corrected sentence; a 304 imports nothing; a failing, malformed
 * or slow feed costs one warning and the bot keeps answering; /about lists the feeds; state
 * survives a restart. Set FEED_E2E_TRANSCRIPT=FILE to keep the server's request log and the
 * bot's feed log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FEED_USER_AGENT } from '../../src/corpus/feeds/follower.ts';
import { DiscordEmulator } from '../support/discord-emulator/index.ts';
import { atomFeed, ConditionalFeed, HARBOUR } from '../support/feeds.ts';
import { articlePage, startTestWebServer, type TestWebServer } from '../support/http-server.ts';
import { runCli, sandboxEnv, startCli } from '../support/cli.ts';
import { CORPUS_DIR, REPO_ROOT, tempDir } from '../support/paths.ts';

const QUESTION = HARBOUR.question;
const { original: ORIGINAL, corrected: CORRECTED, page: harbourPage, entry: harbourEntry } = HARBOUR;

const TRAM = 'The tram line will be extended by four stops to the airport, the transport authority said on Wednesday.';
const TRAM_PAGE = articlePage({
  title: 'Tram line extended to the airport',
  site: 'Transit Desk',
  date: '2025-03-05T08:00:00Z',
  paragraphs: [TRAM, 'Work on the new stops is due to begin next year, and trams should run to the terminal by the end of 2027, according to the plans.'],
});

interface BotLogLine {
  time: number;
  level: number;
  msg: string;
  [key: string]: unknown;
}

let discord: DiscordEmulator;
let web: TestWebServer;
let dir: string;
let corpusDir: string;
const news = new ConditionalFeed(atomFeed('City News', [harbourEntry('2025-03-04T09:30:00Z')]));
const runs: Array<{ child: ChildProcess; lines: BotLogLine[]; exited: Promise<number | null> }> = [];

beforeAll(async () => {
  discord = new DiscordEmulator();
  await discord.start();
  dir = tempDir('coverage-bot-feeds-e2e-');
  corpusDir = path.join(dir, 'corpus');
  fs.cpSync(CORPUS_DIR, corpusDir, { recursive: true });
  web = await startTestWebServer({
    '/feed.xml': news.route(),
    '/news/harbour': { type: 'text/html', body: harbourPage(ORIGINAL) },
    '/broken.xml': { status: 500, body: 'oops' },
    '/malformed.xml': { type: 'application/rss+xml', body: '<rss><channel><title>Half a feed</title><item><title>Cut</item>' },
    '/slow.xml': { hang: true },
    '/tram.xml': {
      type: 'application/rss+xml',
      body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Transit Desk</title>
<item><title>Tram line extended to the airport</title><link>/news/tram</link><guid>urn:transit:tram</guid><pubDate>Wed, 05 Mar 2025 08:00:00 GMT</pubDate></item>
</channel></rss>`,
    },
    '/news/tram': { type: 'text/html', body: TRAM_PAGE },
  });
});

afterAll(async () => {
  for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGKILL');
  if (process.env.FEED_E2E_TRANSCRIPT) fs.writeFileSync(process.env.FEED_E2E_TRANSCRIPT, transcript());
  await web?.stop();
  await discord?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function startBot() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/start.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...sandboxEnv(dir, { corpusDir, discord }),
      FEEDS: ['/feed.xml', '/broken.xml', '/malformed.xml', '/slow.xml'].map((p) => web.url(p)).join(','),
      FEED_POLL_MINUTES: '0.02', // 1.2 s
      LOG_LEVEL: 'debug',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: BotLogLine[] = [];
  let rest = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop()!;
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as BotLogLine);
      } catch {
        lines.push({ time: Date.now(), level: 60, msg: p });
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const run = { child, lines, exited };
  runs.push(run);
  return run;
}

const logged = (lines: BotLogLine[], msg: string, feed?: string) => lines.filter((l) => l.msg.startsWith(msg) && (feed === undefined || l.feed === feed));
const requestsTo = (p: string) => web.log.filter((r) => r.path === p);

async function ask(question: string): Promise<string> {
  const reply = await discord.dispatchChatInputCommand({ name: 'ask', options: { question } }).waitForReply(20_000);
  // The words that answer may be marked in bold inside the quote; the quote is what is checked.
  return JSON.stringify(reply.embeds).replaceAll('**', '');
}

/** Waits for the log line, then for the bot to switch to an index built after it. */
async function importedAndSwitched(lines: BotLogLine[], msg: string): Promise<void> {
  const line = await discord.waitUntil(() => logged(lines, msg)[0], 60_000);
  await discord.waitUntil(() => lines.some((l) => l.msg === 'switched to the new index' && l.time >= line.time), 60_000);
}

it('follows the feeds while npm start runs: new article, 304, correction, failing feeds, /about, restart', async () => {
  // Feeds are polled from before the bot is ready: the slow feed's time limit counts from here.
  const started = Date.now();
  const { lines, child, exited } = startBot();
  await discord.waitUntil(() => lines.some((l) => l.msg === 'Discord bot ready'), 60_000);

  // New item: imported and indexed by the bot itself; the question is answered from it.
  await importedAndSwitched(lines, 'feed article imported');
  expect(await ask(QUESTION)).toContain(ORIGINAL);
  const files = fs.readdirSync(corpusDir).sort();
  expect(files).toHaveLength(2);

  // Unchanged feed: conditional requests answered 304, nothing imported.
  await discord.waitUntil(() => requestsTo('/feed.xml').filter((r) => r.status === 304).length >= 2, 30_000);
  const conditional = requestsTo('/feed.xml').filter((r) => r.status === 304);
  expect(conditional[0]).toMatchObject({ ifNoneMatch: '"v1"', ifModifiedSince: expect.stringMatching(/GMT$/), userAgent: FEED_USER_AGENT });
  expect(logged(lines, 'feed article imported')).toHaveLength(1);
  expect(fs.readdirSync(corpusDir).sort()).toEqual(files);

  // Correction: the feed says the item was updated and the page has the corrected text.
  web.routes.set('/news/harbour', { type: 'text/html', body: harbourPage(CORRECTED) });
  news.set(atomFeed('City News', [harbourEntry('2025-03-06T08:00:00Z')]));
  await importedAndSwitched(lines, 'feed article corrected');
  const corrected = await ask(QUESTION);
  expect(corrected).toContain(CORRECTED);
  expect(corrected).not.toContain('12 million');
  expect(fs.readdirSync(corpusDir).sort()).toEqual(files); // replaced in place, not added

  // Failing feeds: several polls each (with backoff), one warning each; the bot kept answering throughout.
  await discord.waitUntil(() => requestsTo('/broken.xml').length >= 3 && requestsTo('/malformed.xml').length >= 3, 60_000);
  for (const feed of ['/broken.xml', '/malformed.xml']) {
    expect(logged(lines, 'feed poll failed', web.url(feed)).filter((l) => l.level === 40)).toHaveLength(1);
  }
  expect(logged(lines, 'feed poll failed', web.url('/broken.xml'))[0]).toMatchObject({ reason: 'the server answered HTTP 500 Internal Server Error' });
  expect(logged(lines, 'feed poll failed', web.url('/malformed.xml'))[0]?.reason).toMatch(/^the feed is not well-formed XML/);
  // The slow feed: never a second request while one is open (each ends at the 20 s time limit).
  expect(requestsTo('/slow.xml').length).toBeLessThanOrEqual(1 + Math.floor((Date.now() - started) / 20_000));
  expect(requestsTo('/feed.xml').length).toBeGreaterThanOrEqual(4);

  // /about: each feed with its articles and last successful poll, or that it is failing.
  const about = discord.dispatchChatInputCommand({ name: 'about' });
  await about.waitForCallback(10_000);
  const field = about.record.original!.embeds[0]!.fields!.find((f) => f.name === 'Followed feeds (4)')!;
  const [newsLine, brokenLine, malformedLine, slowLine] = field.value.split('\n');
  expect(newsLine).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/feed\.xml>: 1 article, last polled <t:\d+:R>$/);
  expect(brokenLine).toMatch(/\/broken\.xml>: 0 articles, not polled successfully yet — failing \(\d+×\): the server answered HTTP 500 Internal Server Error$/);
  expect(malformedLine).toMatch(/\/malformed\.xml>: 0 articles, not polled successfully yet — failing/);
  expect(slowLine).toMatch(/\/slow\.xml>: 0 articles/);

  child.kill('SIGTERM');
  expect(await exited).toBe(0); // the open request to the slow feed does not hold up the stop

  // Restart: the ETag is remembered (the first poll is conditional and imports nothing), and so
  // are the failures (no new warning within the hour).
  const second = startBot();
  const before = requestsTo('/feed.xml').length;
  await discord.waitUntil(() => second.lines.some((l) => l.msg === 'Discord bot ready'), 60_000);
  await discord.waitUntil(() => requestsTo('/feed.xml').length > before + 1, 30_000);
  expect(requestsTo('/feed.xml')[before]).toMatchObject({ ifNoneMatch: '"v2"', status: 304 });
  expect(logged(second.lines, 'feed article')).toEqual([]);
  expect(logged(second.lines, 'feed poll failed').filter((l) => l.level === 40)).toEqual([]);
  expect(await ask(QUESTION)).toContain(CORRECTED);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
}, 240_000);

it('npm run add -- --follow adds a feed that the terminal session follows and answers from', async () => {
  const base = path.join(dir, 'terminal');
  const env: NodeJS.ProcessEnv = { ...sandboxEnv(base, { corpusDir: path.join(base, 'corpus') }), FEED_POLL_MINUTES: '0.02' };
  fs.cpSync(CORPUS_DIR, env.CORPUS_DIR!, { recursive: true });
  const followed = await runCli('add.ts', ['--follow', web.url('/tram.xml')], env);
  expect(followed.code, followed.stderr).toBe(0);
  expect(followed.stdout).toContain(`Following ${web.url('/tram.xml')} ("Transit Desk", 1 item now).`);
  const fetches = requestsTo('/tram.xml').length;
  const again = await runCli('add.ts', ['--follow', web.url('/tram.xml')], env);
  expect(again.stdout).toContain(`Already following ${web.url('/tram.xml')}.`);
  expect(requestsTo('/tram.xml').length).toBe(fetches);
  const refused = await runCli('add.ts', ['--follow', 'ftp://example.org/feed'], env);
  expect([refused.code, refused.stderr.trim()]).toEqual([1, '--follow needs an http(s) feed URL, got "ftp://example.org/feed".']);

  const child = startCli('start.ts', [], { ...env, LOG_LEVEL: 'info' });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  await discord.waitUntil(() => out.includes('Ask about the coverage') || child.exitCode !== null, 60_000);
  await discord.waitUntil(() => err.includes('switched to the new index') || child.exitCode !== null, 60_000);
  const answers = out.split('Sources:').length;
  child.stdin!.write('How many stops will the tram line get to the airport?\n');
  await discord.waitUntil(() => out.split('Sources:').length > answers || child.exitCode !== null, 30_000);
  child.stdin!.end();
  const code = await new Promise((resolve) => child.on('close', resolve));
  expect(code, err).toBe(0);
  expect(out).toContain(`“${TRAM}”`);
  expect(err).toContain('"msg":"feed article imported"');
}, 120_000);

/** The server's request log (with conditional headers) and the bot's feed lines, in time order. */
function transcript(): string {
  const t0 = Date.parse(web.log[0]?.at ?? new Date().toISOString());
  const at = (ms: number) => `+${((ms - t0) / 1000).toFixed(1).padStart(5)}s`;
  const rows: Array<[number, string]> = web.log.map((r) => [
    Date.parse(r.at),
    `server  GET ${r.path.padEnd(15)} if-none-match=${r.ifNoneMatch ?? '-'} if-modified-since=${r.ifModifiedSince ?? '-'} -> ${r.status ?? '(no answer)'}`,
  ]);
  runs.forEach((run, i) => {
    for (const l of run.lines) {
      if (!/feed|index|switched|ready|stopped/i.test(l.msg)) continue;
      const { time, level, msg, pid: _pid, hostname: _host, ...rest } = l;
      const label = ({ 20: 'debug', 30: 'info', 40: 'WARN', 50: 'error' } as Record<number, string>)[level] ?? String(level);
      rows.push([time, `bot#${i + 1}  ${label.padEnd(5)} ${msg} ${JSON.stringify(rest)}`]);
    }
  });
  return `${rows
    .sort((a, b) => a[0] - b[0])
    .map(([time, text]) => `${at(time)} ${text}`)
    .join('\n')}\n`;
}
