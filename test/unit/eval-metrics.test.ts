import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/answer/types.ts';
import { score, type QuestionResult } from '../../src/eval/evaluate.ts';
import { abstentionCurve, percentile, summarize } from '../../src/eval/metrics.ts';
import { containsAnswer } from '../../src/eval/questions.ts';
import type { RankedPassage } from '../../src/search/retriever.ts';

const body = 'Rubio spoke with Lavrov on Feb. 15. Saudi Arabia will host the summit in Riyadh.';
const passage = (id: number, articleId: string, start: number, end: number): RankedPassage => ({
  passageId: id, articleId, title: 't', date: null, url: null, start, end, text: body.slice(start, end), score: 1, signals: {},
});
const answerWith = (quotes: Array<[number, number]>, abstained = false, articleId = 'a'): Answer => ({
  question: 'q',
  abstained,
  answer: '',
  mode: 'extractive',
  droppedQuotes: 0,
  confidence: 0.8,
  citations: quotes.map(([start, end], i) => ({ n: i + 1, quote: body.slice(start, end), articleId, title: 't', date: null, url: null, passageId: 0, start, end })),
});
const source = (id: string) => (id === 'a' ? body : undefined);

describe('containsAnswer', () => {
  it('ignores case, spaces and punctuation but not word boundaries', () => {
    expect(containsAnswer('on Feb. 15, just days after', 'feb 15')).toBe(true);
    expect(containsAnswer('Riyadh.', 'RIYADH')).toBe(true);
    expect(containsAnswer('Lavrovich', 'Lavrov')).toBe(false);
  });
});

describe('score', () => {
  const ranked = [passage(0, 'b', 0, 35), passage(1, 'a', 36, body.length)];

  it('counts an answer in a shown quote, and where the first passage holding it ranked', () => {
    const r = score({ id: '1', question: 'Where is the summit?', answers: ['Riyadh'], doc_id: 'a' }, answerWith([[36, body.length]]), ranked, source);
    expect(r).toMatchObject({ correct: true, answerRank: 2, goldRank: 2, quotes: 1, verbatimQuotes: 1, hasGold: true });
  });

  it('is not correct when the quotes miss the answer or the bot abstained', () => {
    const q = { id: '1', question: 'Where?', answers: ['Riyadh'] };
    expect(score(q, answerWith([[0, 35]]), ranked, source).correct).toBe(false);
    expect(score(q, answerWith([], true), ranked, source)).toMatchObject({ correct: false, abstained: true });
  });

  it('flags a quote that is not the source text at its offsets', () => {
    const bad = answerWith([[0, 35]]);
    bad.citations[0]!.quote = 'Rubio spoke with Lavrov on Feb. 16.';
    expect(score({ id: '1', question: 'q', answers: null }, bad, ranked, source).verbatimQuotes).toBe(0);
    expect(score({ id: '1', question: 'q', answers: null }, answerWith([[0, 35]], false, 'unknown'), ranked, source).verbatimQuotes).toBe(0);
  });
});

const result = (over: Partial<QuestionResult>): QuestionResult => ({
  id: 'x', question: 'q', answerable: true, abstained: false, confidence: 0.5, correct: false, correctFirst: false, correctAnyQuote: false, wrongQuotes: false,
  answerRank: null, hasGold: false, goldRank: null, firstQuoteRight: false, firstQuoteStale: false, firstQuoteGold: false, quotes: 1, verbatimQuotes: 1, quoteChars: 100, ms: 1, ...over,
});

describe('summarize', () => {
  it('reports answer, abstention, rank and faithfulness rates over the right questions', () => {
    const s = summarize([
      result({ correct: true, correctFirst: true, correctAnyQuote: true, answerRank: 1, hasGold: true, goldRank: 1 }),
      result({ answerRank: 7, hasGold: true, goldRank: 3, wrongQuotes: true }),
      result({ abstained: true, quotes: 0, verbatimQuotes: 0, quoteChars: 0 }),
      result({ answerable: false, abstained: true, quotes: 0, verbatimQuotes: 0, quoteChars: 0 }),
      result({ answerable: false }),
    ]);
    expect(s).toMatchObject({ questions: 5, answerable: 3, unanswerable: 2, abstainedUnanswerable: 0.5, quotesShown: 3, quotesVerbatim: 1 });
    expect(s.answeredCorrectly).toBeCloseTo(1 / 3);
    expect(s.wronglyAbstained).toBeCloseTo(1 / 3);
    expect(s.answeredFirstQuote).toBeCloseTo(1 / 3);
    expect(s.wrongQuotesShown).toBeCloseTo(1 / 3);
    expect(s.answerPassage).toMatchObject({ n: 3, recallAt1: 1 / 3, recallAt5: 1 / 3, recallAt10: 2 / 3 });
    expect(s.answerPassage!.mrr).toBeCloseTo((1 + 1 / 7) / 3);
    expect(s.goldPassage).toMatchObject({ n: 2, recallAt1: 0.5, recallAt5: 1 });
  });
});

describe('abstentionCurve', () => {
  it('abstains below each threshold', () => {
    const curve = abstentionCurve(
      [
        result({ confidence: 0.9, correct: true, correctFirst: true }),
        result({ confidence: 0.2, correct: true }),
        result({ answerable: false, confidence: 0.4 }),
        result({ answerable: false, confidence: 0.1 }),
      ],
      [0, 0.3, 0.5],
    );
    expect(curve).toEqual([
      { threshold: 0, answeredCorrectly: 1, answeredFirstQuote: 0.5, wronglyAbstained: 0, abstainedUnanswerable: 0 },
      { threshold: 0.3, answeredCorrectly: 0.5, answeredFirstQuote: 0.5, wronglyAbstained: 0.5, abstainedUnanswerable: 0.5 },
      { threshold: 0.5, answeredCorrectly: 0.5, answeredFirstQuote: 0.5, wronglyAbstained: 0.5, abstainedUnanswerable: 1 },
    ]);
  });

  it('percentile picks the nearest rank', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([], 50)).toBe(0);
  });
});
