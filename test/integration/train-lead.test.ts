import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLeadModel } from '../../src/answer/lead/leadModel.ts';
import { runScript } from '../support/cli.ts';
import { tempDir } from '../support/paths.ts';

let dir: string;

// Two stories whose figure changes, written for this test.
const ARTICLES = [
  ['toll-1', 'Harbour bridge toll set', '2025-03-03', 'The bridge authority set the harbour toll at four dollars a crossing.\n\nCommuters said the toll was too high.'],
  ['toll-2', 'Harbour bridge toll raised', '2025-04-08', 'The bridge authority raised the harbour toll to five dollars a crossing.\n\nThe authority had originally set the toll at four dollars.'],
  ['ferry-1', 'Ferry fare set', '2025-03-05', 'The island ferry company set its fare at two dollars a trip.\n\nThe ferry runs every hour.'],
  ['ferry-2', 'Ferry fare cut', '2025-04-10', 'The island ferry company cut its fare to one dollar a trip.\n\nRidership had fallen since March.'],
];
const TIME_QUESTIONS = [
  { id: 't1', kind: 'latest', question: 'What is the harbour toll now?', answers: ['five dollars'], doc_id: 'toll-2', stale: ['four dollars'], stale_doc_ids: ['toll-1'] },
  { id: 't2', kind: 'dated', question: 'What was the harbour toll on March 3, 2025?', answers: ['four dollars'], doc_id: 'toll-1', stale: ['five dollars'], stale_doc_ids: ['toll-2'] },
  { id: 't3', kind: 'latest', question: 'What is the island ferry fare now?', answers: ['one dollar'], doc_id: 'ferry-2', stale: ['two dollars'], stale_doc_ids: ['ferry-1'] },
  { id: 't4', kind: 'relative', now: '2025-03-08', question: 'What fare did the island ferry company set this week?', answers: ['two dollars'], doc_id: 'ferry-1', stale: ['one dollar'], stale_doc_ids: ['ferry-2'] },
];
const NEWS_QUESTIONS = [
  { id: 'n1', question: 'How often does the island ferry run?', answers: ['every hour'], doc_id: 'ferry-1' },
  { id: 'n2', question: 'What did commuters say about the harbour toll?', answers: ['too high'], doc_id: 'toll-1' },
];

beforeAll(() => {
  dir = tempDir();
  const lines = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');
  fs.writeFileSync(path.join(dir, 'corpus.jsonl'), lines(ARTICLES.map(([id, title, date, text]) => ({ id, title, date, text, url: null, source: null }))));
  fs.writeFileSync(path.join(dir, 'time.jsonl'), lines(TIME_QUESTIONS));
  fs.writeFileSync(path.join(dir, 'news.jsonl'), lines(NEWS_QUESTIONS));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm run train-lead', () => {
  it('fits the lead model on a tiny set, prints cross-validated figures and writes a model the bot loads', async () => {
    const out = path.join(dir, 'lead.json');
    const result = await runScript('train-lead.ts', [
      '--time', path.join(dir, 'time.jsonl'),
      '--news', path.join(dir, 'news.jsonl'),
      '--corpus', path.join(dir, 'corpus.jsonl'),
      '--folds', '2',
      '--index-dir', path.join(dir, 'index'),
      '--out', out,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/lead model, 2-fold cross-validation split by story/);
    expect(result.stdout).toMatch(/time latest +n= +2 +right/);
    const model = readLeadModel(out);
    expect(model.model.features).toContain('ageExplicit');
    expect(model.model.features.some((f) => f.startsWith('reader.'))).toBe(true);
    expect(model.trainedWith).toMatch(/^npm run train-lead -- /);
  });

  it('rejects a bad option with a plain message', async () => {
    const result = await runScript('train-lead.ts', ['--folds', 'two']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--folds must be a positive number/);
  });
});
