import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../../src/corpus/article.ts';
import { buildIndex } from '../../src/indexing/buildIndex.ts';
import type { Embedder } from '../../src/indexing/embedder.ts';
import { loadIndex, type LoadedIndex } from '../../src/search/loadIndex.ts';
import { phrase, proximity, Retriever } from '../../src/search/retriever.ts';
import { tempDir } from '../support/paths.ts';
import { offlineEmbedder } from '../support/seedIndex.ts';

const wire =
  'Saudi Arabia will host a summit between the American and Russian presidents in Riyadh, the Saudi Foreign Ministry said. ' +
  'The dates have not been finalized.';
function article(id: string, title: string, date: string | null, body: string): Article {
  return { id, title, date, url: null, source: null, body, contentHash: id, origin: id };
}
const articles = [
  article('wire-1', 'Summit planned', '2025-02-14', wire),
  article('wire-2', 'Summit planned in Riyadh', '2025-02-14', wire), // the same wire story again
  article('munich', 'Munich speech', '2025-02-15', 'Zelensky called on Europe to create its own armed forces during a speech in Munich.'),
  article('market', 'Markets', '2025-02-12', 'Oil prices rose sharply in early trading as investors weighed new tariffs.'),
];

let dir: string;
let index: LoadedIndex;
let embedder: Embedder;
beforeAll(async () => {
  dir = tempDir();
  embedder = await offlineEmbedder();
  await buildIndex({ articles, embedder, indexDir: path.join(dir, 'index') });
  index = loadIndex(path.join(dir, 'index'), embedder.modelId);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function ask(question: string, k = 4) {
  const [vector] = await embedder.embed([question]);
  return new Retriever(index).retrieve(question, vector!, k);
}

describe('Retriever', () => {
  it('ranks the passage that answers first, with the signals it was ranked by', async () => {
    const [first] = await ask('Where will the summit between the presidents be held?');
    expect(first!.articleId).toMatch(/^wire-/);
    expect(first!.signals).toMatchObject({ lexical: expect.any(Number), dense: expect.any(Number), proximity: expect.any(Number) });
    expect(first!.text).toBe(wire);
  });

  it('shows a story published twice only once', async () => {
    const passages = await ask('Where will the summit between the presidents be held?');
    expect(passages.filter((p) => p.text === wire)).toHaveLength(1);
  });

  it('finds articles published on the day a question names, even when their text does not say it', async () => {
    const [first] = await ask('What happened on Feb. 12?');
    expect(first!.articleId).toBe('market');
  });

  it('gives passages found only by meaning no lexical score', async () => {
    const passages = await ask('zzzz qqqq');
    expect(passages.every((p) => p.signals.lexical === 0)).toBe(true);
  });
});

describe('proximity and phrase', () => {
  const query = {
    weights: new Map([
      [1, 2],
      [2, 1],
      [3, 1],
    ]),
    totalWeight: 4,
    pairs: new Map([[1, new Set([2])]]),
    pairCount: 1,
  };

  it('proximity is the best weighted share of question terms within a window', () => {
    expect(proximity(query, [1, 2, 3], 3)).toBe(1);
    expect(proximity(query, [1, 9, 9, 9, 2, 3], 3)).toBe(0.5); // 2 and 3 together; 1 too far
    expect(proximity(query, [9, 9], 3)).toBe(0);
  });

  it('phrase is the share of question term pairs found side by side', () => {
    expect(phrase(query, [1, 2])).toBe(1);
    expect(phrase(query, [2, 1])).toBe(0);
  });
});
