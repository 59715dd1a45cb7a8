/**
 * Time from the terminal: `ask --now`, per-line `now` in `--batch`, and `ask --latest`, over a
 * small corpus (test/fixtures/time-corpus, written for these tests) whose harbour toll changes
 * three times: four dollars (March 3), five (March 10), three (April 8); a ferry story on April 20.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { REPO_ROOT, tempDir } from '../support/paths.ts';

const CORPUS = path.join(REPO_ROOT, 'test/fixtures/time-corpus');
let dir: string;
let indexDir: string;

beforeAll(async () => {
  dir = tempDir();
  indexDir = path.join(dir, 'index');
  const result = await runCli('index.ts', ['--corpus', CORPUS, '--index', indexDir]);
  expect(result.code).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ask = async (...args: string[]) => {
  const result = await runCli('ask.ts', ['--json', '--index', indexDir, ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};

describe('npm run ask with time', () => {
  it('quotes the newest figure first, the superseded ones after it labelled with their dates', async () => {
    const out = await ask('--now', '2025-04-10', 'How much is the harbour bridge toll?');
    expect(out.citations[0].quote).toContain('three dollars');
    expect(out.citations[0].date).toBe('2025-04-08');
    for (const c of out.citations.slice(1)) {
      expect(c.label).toMatch(/^Earlier, on March (3|10)$/);
      expect(out.answer).toContain(`${c.label}: “${c.quote}” [${c.n}]`);
    }
  });

  it('reads "now" as the day given: later articles do not count', async () => {
    const out = await ask('--now', '2025-03-12', 'How much is the harbour bridge toll?');
    expect(out.citations[0].quote).toContain('five dollars');
    expect(out.citations.every((c: { date: string }) => c.date <= '2025-03-12')).toBe(true);
  });

  it('answers a question about a day from that day', async () => {
    const out = await ask('--now', '2025-04-10', 'What was the harbour bridge toll on March 3?');
    // The day's article leads (which of its sentences is first is the reader's call).
    expect(out.citations[0].date).toBe('2025-03-03');
    expect(out.citations.filter((c: { date: string }) => c.date === '2025-03-03').map((c: { quote: string }) => c.quote).join(' ')).toContain('four dollars');
  });

  it('answers a question naming a day with its year, which the answering sentence does not repeat', async () => {
    const out = await ask('--now', '2025-04-10', 'What was the harbour bridge toll on March 10, 2025?');
    expect(out.abstained).toBe(false);
    expect(out.citations[0].quote).toContain('five dollars');
    expect(out.citations[0].date).toBe('2025-03-10');
    const asOf = await ask('--now', '2025-04-10', 'How much was the harbour bridge toll as of March 3, 2025?');
    expect(asOf.citations[0].quote).toContain('four dollars');
  });

  it('answers an impossible date with the coverage range, not a guess', async () => {
    const impossible = await ask('--now', '2025-04-10', 'What was the toll on February 30?');
    expect(impossible).toMatchObject({ abstained: true, citations: [] });
    expect(impossible.answer).toContain('The coverage runs from 2025-03-03 to 2025-04-20');
  });

  it('answers a date after the time of asking with the coverage range', async () => {
    const future = await ask('--now', '2025-04-10', 'What will the toll be next year?');
    expect(future.abstained).toBe(true);
    expect(future.answer).toContain('The coverage runs from 2025-03-03 to 2025-04-20');
  });

  it('--batch reads each line\'s "now", and reports a bad one without stopping', async () => {
    const batch = path.join(dir, 'batch.jsonl');
    fs.writeFileSync(
      batch,
      [
        JSON.stringify({ id: 'early', question: 'What toll did the bridge authority announce this week?', now: '2025-03-04' }),
        JSON.stringify({ id: 'bad', question: 'What toll?', now: 'last Tuesday' }),
        JSON.stringify({ id: 'late', question: 'What toll did the bridge authority announce this week?', now: '2025-04-09' }),
      ].join('\n'),
    );
    const result = await runCli('ask.ts', ['--index', indexDir, '--batch', batch]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].citations[0].quote).toContain('four dollars');
    expect(lines[1]).toMatchObject({ id: 'bad', line: 2, error: '"now" must be a day, YYYY-MM-DD' });
    expect(lines[2].citations[0].quote).toContain('three dollars');
  });

  it('refuses a --now that is not a day', async () => {
    const result = await runCli('ask.ts', ['--index', indexDir, '--now', '2025-02-30', 'toll?']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--now must be a day, YYYY-MM-DD');
  });
});

describe('npm run ask -- --latest', () => {
  it('lists the newest articles on the topic, newest first, with date, link and first sentence', async () => {
    const out = await ask('--now', '2025-04-30', '--latest', 'harbour bridge toll');
    expect(out.articles.map((a: { date: string }) => a.date)).toEqual(['2025-04-08', '2025-03-10', '2025-03-03']);
    expect(out.articles[0]).toMatchObject({ url: 'https://example.org/toll-cut', title: 'Harbour bridge toll cut to three dollars after protests' });
    expect(out.articles[0].firstSentence).toMatch(/^The Larkmouth harbour bridge toll will be three dollars a crossing/);
  });

  it('prints them readably, and nothing dated after --now', async () => {
    const result = await runCli('ask.ts', ['--index', indexDir, '--now', '2025-03-31', '--latest', 'harbour bridge toll']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Newest articles on "harbour bridge toll":\n\n2025-03-10  Harbour bridge toll raised to five dollars <https:\/\/example.org\/toll-raised>\n  The Larkmouth/);
    expect(result.stdout).not.toContain('2025-04-08');
  });
});
