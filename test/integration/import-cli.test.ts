import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireIndexLock } from '../../src/indexing/indexLock.ts';
import { CURRENT_FILE } from '../../src/search/indexLayout.ts';
import { runCli } from '../support/cli.ts';
import { articlePage, startTestWebServer, type TestWebServer } from '../support/http-server.ts';
import { CORPUS_DIR, tempDir } from '../support/paths.ts';

let web: TestWebServer;
let dir: string;
let args: string[];
let indexDir: string;

const paragraphs = (first: string) => [
  first,
  'The decision follows months of debate in the council and among residents, who had asked for more information about the costs and the schedule.',
  'A spokesperson said more details would follow next week, once the contracts with the builders have been signed.',
];

beforeAll(async () => {
  dir = tempDir('coverage-add-');
  web = await startTestWebServer({
    '/harbour': {
      type: 'text/html',
      body: articlePage({
        title: 'Council approves harbour budget',
        date: '2025-03-04',
        canonical: 'https://citynews.example/harbour-budget',
        paragraphs: paragraphs('The harbour council approved a budget of 12 million euros for the new pier on Tuesday.'),
      }),
    },
    '/bridge': { type: 'text/html', body: articlePage({ title: 'New bridge opens', paragraphs: paragraphs('The Elm Street bridge opened to traffic on Saturday.') }) },
  });
  const corpusDir = path.join(dir, 'corpus');
  indexDir = path.join(dir, 'index');
  fs.cpSync(CORPUS_DIR, corpusDir, { recursive: true });
  args = ['--corpus', corpusDir, '--index', indexDir];
  expect((await runCli('index.ts', args)).code).toBe(0);
});
afterAll(async () => {
  await web.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run add', () => {
  it('imports a page, reports the input it could not use, and re-indexes so the article answers', async () => {
    const missing = web.url('/missing');
    const result = await runCli('add.ts', [web.url('/harbour'), missing, ...args]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain(
      [
        'Imported 1 article:',
        `  2025-03-04-council-approves-harbour-budget: Council approves harbour budget <https://citynews.example/harbour-budget> (from ${web.url('/harbour')})`,
        'Could not import (1):',
        `  ${missing}: the server answered HTTP 404 Not Found`,
        'Indexed 2 articles,',
      ].join('\n'),
    );
    expect(result.stdout).toMatch(/Embedded \d+ new passages?, reused \d+\.\nAdded \(1\): 2025-03-04-council-approves-harbour-budget\nUnchanged: 1/);

    const answer = await runCli('ask.ts', ['--json', '--index', indexDir, 'What budget did the harbour council approve for the pier?']);
    const citation = JSON.parse(answer.stdout).citations[0];
    expect(citation).toMatchObject({ articleId: '2025-03-04-council-approves-harbour-budget', url: 'https://citynews.example/harbour-budget' });
    expect(citation.quote).toBe('The harbour council approved a budget of 12 million euros for the new pier on Tuesday.');
  });

  it('adding the same page again changes nothing', async () => {
    const before = fs.readFileSync(path.join(indexDir, CURRENT_FILE), 'utf8');
    const result = await runCli('add.ts', [web.url('/harbour'), ...args]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'Imported 0 articles.',
        'Already in the corpus, skipped (1):',
        `  ${web.url('/harbour')}: already in the corpus as 2025-03-04-council-approves-harbour-budget`,
        'Nothing new: the index was not changed.',
        '',
      ].join('\n'),
    );
    expect(fs.readFileSync(path.join(indexDir, CURRENT_FILE), 'utf8')).toBe(before);
  });

  it('--no-index imports without re-indexing', async () => {
    const before = fs.readFileSync(path.join(indexDir, CURRENT_FILE), 'utf8');
    const result = await runCli('add.ts', ['--no-index', web.url('/bridge'), ...args]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Imported 1 article:\n {2}new-bridge-opens: New bridge opens .*\nNot re-indexed \(--no-index\)/);
    expect(fs.readFileSync(path.join(indexDir, CURRENT_FILE), 'utf8')).toBe(before);
    const indexed = await runCli('index.ts', args);
    expect(indexed.stdout).toMatch(/Added \(1\): new-bridge-opens/);
  });

  it('waits for, or refuses during, a re-index that is running', async () => {
    const lock = await acquireIndexLock(indexDir, { command: 'npm run index' });
    try {
      const result = await runCli('add.ts', ['--wait', '0', web.url('/bridge'), ...args]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^Another re-index is running \\(pid ${process.pid} since .*, npm run index\\)`));
    } finally {
      lock.release();
    }
  });
});
