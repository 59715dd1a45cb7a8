import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load.ts';
import { CURRENT_FILE } from '../../src/search/indexLayout.ts';
import { loadIndex } from '../../src/search/loadIndex.ts';
import { runCli, startCli } from '../support/cli.ts';
import { startOpenAiTestServer } from '../support/openai-server.ts';
import { CORPUS_DIR, tempDir } from '../support/paths.ts';

let dir: string;
let indexDir: string;

beforeAll(async () => {
  dir = tempDir();
  indexDir = path.join(dir, 'index');
  const result = await runCli('index.ts', ['--corpus', CORPUS_DIR, '--index', indexDir]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/Indexed 1 article, \d+ passages, with .*glove-6b-100d \(100 dimensions\)/);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm run ask', () => {
  it('--json prints one object whose quotes are the article body at their offsets', async () => {
    const result = await runCli('ask.ts', ['--json', '--index', indexDir, 'Who did Marco Rubio speak with on the phone?']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['question', 'abstained', 'answer', 'citations']));
    expect(out.abstained).toBe(false);
    const body = loadCorpus(CORPUS_DIR).articles[0]!.body;
    for (const c of out.citations) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['articleId', 'date', 'end', 'n', 'passageId', 'quote', 'start', 'title', 'url', 'score']));
      expect(body.slice(c.start, c.end)).toBe(c.quote);
      expect(c.score).toBeGreaterThan(0);
      expect(c.score).toBeLessThanOrEqual(1);
    }
    expect(out.citations[0].quote).toContain('Lavrov');
  });

  it('--json marks the words that answer with answerStart/answerEnd, offsets into the article body', async () => {
    // An amount: a kind of question whose answer spans the committed model marks.
    const corpus = path.join(dir, 'plant.jsonl');
    const body = 'Harlow Chemicals Inc said it agreed to sell its Ohio plant to Benton Industries.\n\nBenton will pay 42 million dollars for the plant, which employs 300 people, Harlow said.';
    fs.writeFileSync(corpus, JSON.stringify({ id: 'plant', title: 'Harlow Chemicals sells its Ohio plant', date: '1987-04-10', url: null, source: null, text: body }) + '\n');
    const plantIndex = path.join(dir, 'plant-index');
    expect((await runCli('index.ts', ['--corpus', corpus, '--index', plantIndex])).code).toBe(0);
    const result = await runCli('ask.ts', ['--json', '--index', plantIndex, 'How much is Benton paying for the Ohio plant?']);
    expect(result.code).toBe(0);
    const first = JSON.parse(result.stdout).citations[0];
    expect(first.answerStart).toBeGreaterThanOrEqual(first.start);
    expect(first.answerEnd).toBeLessThanOrEqual(first.end);
    expect(body.slice(first.answerStart, first.answerEnd)).toBe('42 million dollars');
    // The quote itself stays the whole verbatim sentence.
    expect(body.slice(first.start, first.end)).toBe(first.quote);
  });

  it('prints a readable answer with sources in the terminal', async () => {
    const result = await runCli('ask.ts', ['--index', indexDir, 'Where', 'is', 'the', 'summit', 'between', 'Trump', 'and', 'Putin?']);
    expect(result.stdout).toMatch(/^“Saudi Arabia will reportedly hold a summit[^\n]*” \[1\]\n(“[^\n]*” \[\d\]\n)*\nSources:\n/);
    // The seed corpus is one article: one Sources line, carrying every quote's number.
    const [quotes, sources] = result.stdout.split('\nSources:\n');
    const numbers = quotes!.match(/” \[\d+\]/g)!.map((m) => m.slice(2)).join('');
    expect(sources).toBe(`  ${numbers} Rubio and Lavrov hold phone call days after Trump-Putin conversation, 2025-02-15\n`);
  });

  it('--batch answers every line with its id, and reports bad lines without stopping', async () => {
    const batch = path.join(dir, 'batch.jsonl');
    fs.writeFileSync(
      batch,
      [
        JSON.stringify({ id: 'a', question: 'What did Zelensky ask Europe to build?' }),
        'not json',
        JSON.stringify({ id: 'b', question: '' }),
        JSON.stringify({ id: 'c', question: 'Who won the last football World Cup?' }),
      ].join('\n'),
    );
    const result = await runCli('ask.ts', ['--batch', batch, '--index', indexDir]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['a', null, 'b', 'c']);
    expect(lines[0].citations[0].quote).toMatch(/its own armed forces/);
    expect(lines[1]).toMatchObject({ line: 2, error: expect.any(String) });
    expect(lines[2].error).toMatch(/question is empty/);
    expect(lines[3]).toMatchObject({ abstained: true, citations: [] });
  });

  it('a model that differs from the index is a clear error that says to re-index', async () => {
    const result = await runCli('ask.ts', ['--index', indexDir, 'Who?'], { EMBEDDING_MODEL: path.join(dir, 'other-model') });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/was built with embedding model .* but EMBEDDING_MODEL is .*other-model.*Re-index/);
  });

  it('a missing index and a missing question are clear errors', async () => {
    const missing = await runCli('ask.ts', ['--index', path.join(dir, 'none'), 'Who?']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^No index found in .*none\. Run `npm run index`/);
    const none = await runCli('ask.ts', ['--index', indexDir]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No question given/);
  });
});

describe('npm run ask with a language model configured', () => {
  it('shows the written answer in --json with mode "llm", its verified quote, and the dropped count', async () => {
    const server = await startOpenAiTestServer();
    try {
      server.replyAlways((request) => {
        const prompt = request.body!.messages.map((m) => m.content).join('\n');
        const n = /<passage n="(\d+)"[^>]*>\n[^<]*Saudi Arabia will reportedly/.exec(prompt)![1];
        return {
          content: JSON.stringify({
            answerable: true,
            claims: [
              { text: 'The summit is to be held in Riyadh.', quotes: [{ passage: Number(n), quote: 'hold a summit between Trump and Putin in Riyadh' }] },
              { text: 'It will be in Geneva.', quotes: [{ passage: Number(n), quote: 'the summit will be held in Geneva' }] },
            ],
          }),
        };
      });
      const result = await runCli('ask.ts', ['--json', '--index', indexDir, 'Where will the Trump-Putin summit be?'], {
        OPENAI_BASE_URL: server.baseURL,
        OPENAI_MODEL: 'test-model',
      });
      expect(result.stderr).toBe('');
      const out = JSON.parse(result.stdout);
      expect(out).toMatchObject({ mode: 'llm', abstained: false, droppedQuotes: 1 });
      expect(out.answer).toMatch(/Riyadh\. \[1\]/);
      expect(out.answer).not.toMatch(/Geneva/);
      const body = loadCorpus(CORPUS_DIR).articles[0]!.body;
      expect(out.citations).toHaveLength(1);
      expect(body.slice(out.citations[0].start, out.citations[0].end)).toBe(out.citations[0].quote);
    } finally {
      await server.stop();
    }
  });
});

describe('npm run index', () => {
  it('a missing corpus folder is a clear error', async () => {
    const result = await runCli('index.ts', ['--corpus', path.join(dir, 'no-corpus'), '--index', path.join(dir, 'x')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Corpus not found: .*no-corpus/);
  });

  it('a crash while indexing leaves the previous index in use and answering', async () => {
    // A corpus big enough that embedding takes a while, so the kill lands mid-build.
    const big = path.join(dir, 'big-corpus');
    fs.mkdirSync(big);
    const seed = loadCorpus(CORPUS_DIR).articles[0]!;
    for (let i = 0; i < 400; i++) {
      fs.writeFileSync(path.join(big, `a${i}.md`), `---\ntitle: Copy ${i}\n---\n${seed.body}\n\nParagraph ${i} ends it.\n`);
    }
    const before = fs.readFileSync(path.join(indexDir, CURRENT_FILE), 'utf8');
    const child = startCli('index.ts', ['--corpus', big, '--index', indexDir]);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Wait until the new generation folder exists, then kill the process without warning.
    const deadline = Date.now() + 20_000;
    while (fs.readdirSync(indexDir).filter((f) => f.startsWith('gen-')).length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    await exited;

    expect(fs.readFileSync(path.join(indexDir, CURRENT_FILE), 'utf8')).toBe(before);
    expect(loadIndex(indexDir).manifest.articleCount).toBe(1);
    const answer = await runCli('ask.ts', ['--json', '--index', indexDir, 'Who did Marco Rubio speak with on the phone?']);
    expect(JSON.parse(answer.stdout).citations[0].quote).toContain('Lavrov');

    // The next run cleans up the dead build's leftovers, although it has nothing to build.
    const rebuilt = await runCli('index.ts', ['--corpus', CORPUS_DIR, '--index', indexDir]);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(/^Index is up to date: nothing to embed \(1 article,/);
    expect(rebuilt.stdout).toContain(`Removed 1 index generation left by an interrupted re-index: gen-`);
    expect(fs.readdirSync(indexDir).filter((f) => f.startsWith('gen-'))).toEqual([before.trim()]);
  }, 120_000); // four real processes one after another: slow on a busy machine
});
