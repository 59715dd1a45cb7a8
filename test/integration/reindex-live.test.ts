import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchArticle, generateBenchCorpus, writeBenchArticle } from '../../scripts/bench-corpus.ts';
import { createCoverage } from '../../src/answer/coverageService.ts';
import { LiveCoverage } from '../../src/answer/liveCoverage.ts';
import type { Embedder } from '../../src/indexing/embedder.ts';
import { reindex } from '../../src/indexing/reindex.ts';
import { CURRENT_FILE, FILES } from '../../src/search/indexLayout.ts';
import { runCli, sandboxEnv, startCli } from '../support/cli.ts';
import { OFFLINE_MODEL, tempDir } from '../support/paths.ts';
import { offlineEmbedder } from '../support/seedIndex.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const HARBOUR = { ...benchArticle(900), body: 'The harbour council approved a budget of 12 million euros for the new pier on Tuesday.' };
const HARBOUR_QUESTION = 'What budget did the harbour council approve for the pier?';
const REPORT_QUESTION = 'Which report of the benchmark corpus is number 3?';

let dir: string;
beforeAll(() => {
  dir = tempDir('coverage-live-');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function setup(name: string, embedder?: Embedder, watch = true) {
  const corpusDir = path.join(dir, name, 'corpus');
  const indexDir = path.join(dir, name, 'index');
  generateBenchCorpus(corpusDir, 8);
  const options = { config: { corpusDir, indexDir, embeddingModel: OFFLINE_MODEL }, log: silent, embedder: offlineEmbedder };
  await reindex(options);
  const e = embedder ?? (await offlineEmbedder());
  const errors: string[] = [];
  const switches: string[] = [];
  const live = await LiveCoverage.open({
    indexDir,
    expectedModel: e.modelId,
    open: (index) => createCoverage({ index, embedder: e, log: silent }),
    log: { info() {}, error: (_obj, msg) => errors.push(msg) },
    pollMs: 100,
    watch,
    onSwitch: (gen) => switches.push(gen),
  });
  return { corpusDir, indexDir, options, live, errors, switches };
}

describe('the running coverage follows re-indexes', () => {
  it('keeps answering while a re-index in another process swaps the index, then answers from the new article', async () => {
    const { corpusDir, indexDir, live, switches } = await setup('stream');
    const first = live.generation;
    const before = await live.ask(HARBOUR_QUESTION);
    expect(before.citations.some((c) => c.articleId === HARBOUR.id)).toBe(false);

    writeBenchArticle(corpusDir, HARBOUR);
    const reindexing = runCli('index.ts', ['--corpus', corpusDir, '--index', indexDir]);
    let answered = 0;
    const failures: unknown[] = [];
    let afterSwitch = 0;
    const deadline = Date.now() + 20_000;
    // Two questions at a time until the switch, and some more after it. Questions arrive as
    // events (a message, a line): the embedder may answer without ever yielding to them.
    while (afterSwitch < 20 && Date.now() < deadline) {
      await new Promise((r) => setImmediate(r));
      const results = await Promise.allSettled([live.ask(REPORT_QUESTION), live.ask(REPORT_QUESTION)]);
      for (const r of results) {
        if (r.status === 'rejected') failures.push(r.reason);
        else if (!r.value.citations.some((c) => c.articleId === benchArticle(3).id)) failures.push(r.value);
        else answered++;
      }
      if (switches.length > 0) afterSwitch++;
    }
    const result = await reindexing;
    expect(result.code, result.stderr).toBe(0);
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThanOrEqual(40);
    expect(switches).toHaveLength(1);
    expect(live.generation).not.toBe(first);
    expect(live.generation).toBe(fs.readFileSync(path.join(indexDir, CURRENT_FILE), 'utf8').trim());

    const after = await live.ask(HARBOUR_QUESTION);
    expect(after.citations[0]).toMatchObject({ articleId: HARBOUR.id, quote: expect.stringMatching(/12 million euros/) });
    expect(live.stats().articles).toBe(9);
    live.close();
  });

  it('notices a new index by looking periodically where watching the folder does not work', async () => {
    const { corpusDir, options, live, switches } = await setup('poll', undefined, false);
    writeBenchArticle(corpusDir, HARBOUR);
    await reindex(options);
    const deadline = Date.now() + 5_000;
    while (switches.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(switches).toEqual([live.generation]);
    expect((await live.ask(HARBOUR_QUESTION)).citations[0]?.articleId).toBe(HARBOUR.id);
    live.close();
  });

  it('a question in flight finishes on the generation it started on', async () => {
    const real = await offlineEmbedder();
    let hold: Promise<void> | undefined;
    const slow: Embedder = { ...real, embed: async (texts) => (await hold, real.embed(texts)) };
    const { corpusDir, options, live } = await setup('in-flight', slow);

    let release!: () => void;
    hold = new Promise((r) => (release = r));
    const inFlight = live.ask(HARBOUR_QUESTION);
    writeBenchArticle(corpusDir, HARBOUR);
    await reindex(options);
    expect(await live.refresh()).toBe(true);
    hold = undefined;
    const asked = live.ask(HARBOUR_QUESTION);
    release();
    // Started before the switch: the old index, without the new article. After: the new one.
    expect((await inFlight).citations.some((c) => c.articleId === HARBOUR.id)).toBe(false);
    expect((await asked).citations[0]?.articleId).toBe(HARBOUR.id);
    live.close();
  });

  it('citation passage ids stay valid across re-indexes, and name no other passage', async () => {
    const { corpusDir, options, live } = await setup('ids');
    const answer = await live.ask(REPORT_QUESTION);
    const cited = answer.citations.find((c) => c.articleId === benchArticle(3).id)!;
    const source = live.sourcePassage(cited.passageId)!;
    expect(source.text).toContain(cited.quote);

    // Articles before it change and go: passage numbers shift, the id still finds the passage.
    fs.rmSync(path.join(corpusDir, `${benchArticle(0).id}.md`));
    fs.appendFileSync(path.join(corpusDir, `${benchArticle(1).id}.md`), '\nA correction was added.\n');
    writeBenchArticle(corpusDir, HARBOUR);
    await reindex(options);
    expect(await live.refresh()).toBe(true);
    expect(live.sourcePassage(cited.passageId)).toEqual(source);

    // Once article 3 changes, its old passages are gone: no answer shows a passage it did not cite.
    fs.appendFileSync(path.join(corpusDir, `${benchArticle(3).id}.md`), '\nA correction was added.\n');
    await reindex(options);
    expect(await live.refresh()).toBe(true);
    expect(live.sourcePassage(cited.passageId)).toBeUndefined();
    live.close();
  });

  it('a new generation that fails to load is skipped: the one in use keeps answering', async () => {
    const { corpusDir, indexDir, options, live, errors } = await setup('broken');
    const good = live.generation;
    writeBenchArticle(corpusDir, HARBOUR);
    await reindex(options);
    const next = fs.readFileSync(path.join(indexDir, CURRENT_FILE), 'utf8').trim();
    fs.truncateSync(path.join(indexDir, next, FILES.vectors), 100);
    expect(await live.refresh()).toBe(false);
    expect(live.generation).toBe(good);
    expect(errors).toEqual([`the new index could not be loaded; still answering from ${good}`]);
    expect((await live.ask(REPORT_QUESTION)).citations.length).toBeGreaterThan(0);

    // The next good generation is switched to.
    await reindex({ ...options, full: true });
    expect(await live.refresh()).toBe(true);
    expect((await live.ask(HARBOUR_QUESTION)).citations[0]?.articleId).toBe(HARBOUR.id);
    live.close();
  });
});

describe('npm start (terminal)', () => {
  it('answers from an article indexed while it runs, without a restart', async () => {
    const corpusDir = path.join(dir, 'start', 'corpus');
    const indexDir = path.join(dir, 'start', 'index');
    generateBenchCorpus(corpusDir, 8);
    const child = startCli('start.ts', [], { ...sandboxEnv(path.join(dir, 'start'), { corpusDir }), INDEX_DIR: indexDir });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    const until = async (done: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!done() && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    // npm start built the index itself.
    await until(() => out.includes('Ask about the coverage (8 articles'));
    expect(out).toMatch(/^Ask about the coverage \(8 articles/);

    writeBenchArticle(corpusDir, HARBOUR);
    const reindexed = await runCli('index.ts', ['--corpus', corpusDir, '--index', indexDir]);
    expect(reindexed.stdout).toMatch(/^Indexed 9 articles/);
    // The switch comes from watching the folder (or the 2 s look at CURRENT): ask until it shows.
    for (let attempt = 0; attempt < 12 && !out.includes('12 million euros'); attempt++) {
      const answers = out.split('Sources:').length;
      child.stdin!.write(`${HARBOUR_QUESTION}\n`);
      await until(() => out.split('Sources:').length > answers || out.includes('coverage doesn'));
      if (!out.includes('12 million euros')) await new Promise((r) => setTimeout(r, 250));
    }
    child.stdin!.end();
    await new Promise((r) => child.on('close', r));
    expect(child.exitCode, err).toBe(0);
    expect(out).toMatch(/“The harbour council approved a budget of 12 million euros for the new pier on Tuesday\.” \[1\]/);
  });
});
