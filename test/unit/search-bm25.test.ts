import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Bm25Index, editDistanceWithin, topKOf } from '../../src/search/bm25.ts';
import { tokenize } from '../../src/search/tokenize.ts';
import { tempDir } from '../support/paths.ts';

const texts = [
  'Rubio and Lavrov\nThe foreign ministers agreed to maintain a communication channel.',
  'Summit in Riyadh\nSaudi Arabia will hold a summit between Trump and Putin in Riyadh.',
  'Munich speech\nZelensky called on Europe to create its own armed forces.',
  'Pleurobrachia\nThe sea gooseberry, Pleurobrachia, has its mouth at the narrow end.',
  'Sieges\nGenghis Khan learned siege warfare from the Chinese. Siege engines were built.',
];
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('Bm25Index', () => {
  const index = Bm25Index.build(texts);

  it('ranks the passage that has the rare question words first', () => {
    expect(index.search('Where will Trump and Putin hold their summit?', 3)[0]!.doc).toBe(1);
    expect(index.search('armed forces for Europe', 3)[0]!.doc).toBe(2);
    expect(index.search('quantum chromodynamics', 3)).toEqual([]);
  });

  it('matches a misspelled word to the indexed word one or two edits away', () => {
    const [term] = index.queryTerms('pleuobrachia');
    expect(term).toMatchObject({ term: 'pleuobrachia', matched: 'pleurobrachia' });
    expect(index.search('Where is the mouth of the pleuobrachia?', 1)[0]!.doc).toBe(3);
    expect(index.search('seige warfare', 1)[0]!.doc).toBe(4);
    // Short words are not guessed at.
    expect(index.queryTerms('abc')[0]!.id).toBe(-1);
  });

  it('keeps each passage’s terms in order, and the same after saving and loading', () => {
    const dir = tempDir();
    dirs.push(dir);
    index.save(dir);
    const loaded = Bm25Index.load(dir);
    const ids = (text: string) => tokenize(text).map((t) => loaded.termId(t));
    expect([...loaded.termSequences([2])[0]!]).toEqual(ids(texts[2]!));
    expect(loaded.termSequences([4, 0]).map((s) => [...s])).toEqual([ids(texts[4]!), ids(texts[0]!)]);
    expect(loaded.search('siege', 5)).toEqual(index.search('siege', 5));
    expect(loaded.docLength(4)).toBe(tokenize(texts[4]!).length);
  });

  it('reads indexes saved before term sequences existed', () => {
    const dir = tempDir();
    dirs.push(dir);
    index.save(dir);
    fs.rmSync(path.join(dir, 'bm25-seq.u32'));
    fs.rmSync(path.join(dir, 'bm25-seq-offsets.u32'));
    const old = Bm25Index.load(dir);
    expect(old.hasSequences).toBe(false);
    expect(old.search('siege', 1)[0]!.doc).toBe(4);
  });
});

describe('topKOf', () => {
  it('returns what sorting everything would, best first, ties by passage order', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let round = 0; round < 20; round++) {
      const n = 1 + Math.floor(random() * 500);
      const scores = new Float32Array(n).map(() => Math.round(random() * 20) / 4);
      const docs = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5);
      const k = 1 + Math.floor(random() * 30);
      const expected = [...docs].sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, k);
      expect(topKOf(docs, scores, k).map((h) => h.doc)).toEqual(expected);
    }
  });
});

describe('editDistanceWithin', () => {
  it('counts insertions, deletions, substitutions and swaps, up to a bound', () => {
    expect(editDistanceWithin('seig', 'sieg', 1)).toBe(1);
    expect(editDistanceWithin('kitten', 'sitting', 3)).toBe(3);
    expect(editDistanceWithin('kitten', 'sitting', 1)).toBe(2);
    expect(editDistanceWithin('same', 'same', 0)).toBe(0);
  });
});
