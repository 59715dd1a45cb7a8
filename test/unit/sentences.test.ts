import { describe, expect, it } from 'vitest';
import { splitPassages } from '../../src/indexing/passages.ts';
import { splitSentences } from '../../src/indexing/sentences.ts';

const text =
  'U.S. State Secretary Marco Rubio held a call on Feb. 15 with Lavrov. It came days after Trump spoke to Putin.\n\n' +
  '"This is aimed at removing barriers," the readout said. Dr. Smith agreed at 3 p.m. on Monday.';

describe('splitSentences', () => {
  it('does not break after abbreviations, initials or dates', () => {
    const sentences = splitSentences(text).map((s) => text.slice(s.start, s.end));
    expect(sentences).toEqual([
      'U.S. State Secretary Marco Rubio held a call on Feb. 15 with Lavrov.',
      'It came days after Trump spoke to Putin.',
      '"This is aimed at removing barriers," the readout said.',
      'Dr. Smith agreed at 3 p.m. on Monday.',
    ]);
  });

  it('never joins sentences across a blank line', () => {
    const t = 'A heading without a stop\n\nThe body starts here.';
    expect(splitSentences(t).map((s) => t.slice(s.start, s.end))).toEqual(['A heading without a stop', 'The body starts here.']);
  });

  it('returns nothing for empty or blank text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\n \t')).toEqual([]);
  });
});

describe('splitPassages', () => {
  const long = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} says something about topic ${i}.`).join(' ');

  it('keeps exact offsets: every passage is a slice of the body that starts and ends on a sentence', () => {
    const sentences = splitSentences(long);
    const starts = new Set(sentences.map((s) => s.start));
    const ends = new Set(sentences.map((s) => s.end));
    const passages = splitPassages(long, { maxChars: 200, overlapSentences: 1 });
    expect(passages.length).toBeGreaterThan(3);
    for (const p of passages) {
      expect(starts.has(p.start)).toBe(true);
      expect(ends.has(p.end)).toBe(true);
      expect(long.slice(p.start, p.end).length).toBeLessThanOrEqual(200);
    }
  });

  it('covers every sentence and overlaps neighbours by one sentence', () => {
    const sentences = splitSentences(long);
    const passages = splitPassages(long, { maxChars: 200, overlapSentences: 1 });
    for (const s of sentences) expect(passages.some((p) => p.start <= s.start && s.end <= p.end)).toBe(true);
    for (let i = 1; i < passages.length; i++) expect(passages[i]!.start).toBeLessThan(passages[i - 1]!.end);
  });

  it('keeps a sentence longer than the limit whole rather than cutting it', () => {
    const huge = `${'word '.repeat(300).trim()}. Short one.`;
    const passages = splitPassages(huge, { maxChars: 100, overlapSentences: 1 });
    expect(huge.slice(passages[0]!.start, passages[0]!.end)).toBe(`${'word '.repeat(300).trim()}.`);
    expect(huge.slice(passages.at(-1)!.start, passages.at(-1)!.end)).toBe('Short one.');
  });
});
