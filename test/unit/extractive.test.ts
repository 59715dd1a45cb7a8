import { describe, expect, it } from 'vitest';
import { abstention, extractiveAnswer } from '../../src/answer/extractive.ts';
import { isVerbatim, verifyCitations } from '../../src/answer/verify.ts';
import type { RetrievedPassage } from '../../src/search/types.ts';

const body =
  'U.S. State Secretary Marco Rubio held a phone conversation with Russian Foreign Minister Sergey Lavrov on Feb. 15. ' +
  'Saudi Arabia will reportedly hold a summit between Trump and Putin in Riyadh, the Saudi Foreign Ministry said on Feb. 14. ' +
  'No additional details on the phone conversation were provided.';
const cut = body.indexOf('Saudi Arabia');
const passages: RetrievedPassage[] = [
  { passageId: 0, articleId: 'seed', title: 'Call', date: '2025-02-15', url: null, start: 0, end: cut - 1, text: body.slice(0, cut - 1), score: 1 },
  { passageId: 1, articleId: 'seed', title: 'Call', date: '2025-02-15', url: null, start: cut, end: body.length, text: body.slice(cut), score: 0.5 },
];
const resources = { termWeight: () => 1 };

describe('extractiveAnswer', () => {
  it('quotes the sentence that answers, verbatim at its offsets, with a numbered citation', () => {
    const answer = extractiveAnswer('Where will the summit between Trump and Putin be held?', passages, resources);
    expect(answer.abstained).toBe(false);
    const first = answer.citations[0]!;
    expect(first.quote).toMatch(/^Saudi Arabia will reportedly hold a summit/);
    expect(body.slice(first.start, first.end)).toBe(first.quote);
    expect(answer.answer).toContain(`“${first.quote}” [1]`);
    expect(answer.citations.map((c) => c.n)).toEqual(answer.citations.map((_, i) => i + 1));
    expect(first.score).toBeGreaterThan(0);
  });

  it('marks the words that answer inside the quote, as offsets into the article body', () => {
    const answer = extractiveAnswer('Where will the summit between Trump and Putin be held?', passages, resources, {
      maxQuotes: 3,
      furtherQuoteShare: 0.6,
      maxQuoteChars: 400,
      minConfidence: 0,
    });
    const first = answer.citations[0]!;
    if (first.answerStart !== undefined) {
      expect(first.answerStart).toBeGreaterThanOrEqual(first.start);
      expect(first.answerEnd!).toBeLessThanOrEqual(first.end);
      expect(body.slice(first.answerStart, first.answerEnd)).toBe('Riyadh');
    }
  });

  it('abstains when the passages do not cover the question', () => {
    const answer = extractiveAnswer('What is the weather forecast for Kyiv this weekend?', passages, resources);
    expect(answer).toMatchObject({ ...abstention(answer.question), confidence: expect.any(Number) });
    expect(answer.citations).toEqual([]);
  });

  it('abstains when there are no passages', () => {
    expect(extractiveAnswer('Who won the World Cup?', [], resources).abstained).toBe(true);
  });

  it('never quotes the same sentence twice from overlapping passages', () => {
    const overlapping = [passages[0]!, { ...passages[0]!, passageId: 7 }];
    const answer = extractiveAnswer('Who did Marco Rubio have a phone conversation with?', overlapping, resources);
    const spans = answer.citations.map((c) => `${c.start}-${c.end}`);
    expect(new Set(spans).size).toBe(spans.length);
  });
});

describe('verifyCitations', () => {
  it('accepts exact slices and rejects anything else', () => {
    const ok = { n: 1, quote: body.slice(4, 20), articleId: 'seed', title: '', date: null, url: null, passageId: 0, start: 4, end: 20 };
    expect(isVerbatim(ok, body)).toBe(true);
    expect(isVerbatim({ ...ok, quote: ok.quote.toUpperCase() }, body)).toBe(false);
    expect(isVerbatim({ ...ok, end: 21 }, body)).toBe(false);
    expect(isVerbatim({ ...ok, quote: '', start: 0, end: 0 }, body)).toBe(false);
    const { verified, rejected } = verifyCitations([ok, { ...ok, articleId: 'unknown' }], (id) => (id === 'seed' ? body : undefined));
    expect(verified).toHaveLength(1);
    expect(rejected).toHaveLength(1);
  });
});

describe('extractiveAnswer quotes', () => {
  const text =
    'The council met on Tuesday to discuss the harbour. Anna Berg chaired the meeting. ' +
    'She announced a budget of 12 million euros for the new pier. The work starts in 2026.';
  const passage: RetrievedPassage = { passageId: 3, articleId: 'harbour', title: 'Harbour budget', date: null, url: null, start: 100, end: 100 + text.length, text, score: 1 };

  it('joins a sentence that opens with "She" to the sentence that says who she is', () => {
    const answer = extractiveAnswer('Who announced the budget for the new pier?', [passage], resources);
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]!.quote).toBe('Anna Berg chaired the meeting. She announced a budget of 12 million euros for the new pier.');
    // Offsets are into the article body: the passage starts at 100.
    expect(answer.citations[0]!.start).toBe(100 + text.indexOf('Anna Berg'));
  });

  it('prefers the sentence that holds what a when-question asks for', () => {
    const answer = extractiveAnswer('When does the work on the pier start?', [passage], resources);
    expect(answer.citations[0]!.quote).toContain('2026');
  });

  it('is more confident when the passage covers the question', () => {
    const covered = extractiveAnswer('What budget did the council announce for the new pier?', [passage], resources);
    const uncovered = extractiveAnswer('What did the mayor of Oslo say about tourism taxes?', [passage], resources);
    expect(covered.abstained).toBe(false);
    expect(uncovered.abstained).toBe(true);
    expect(uncovered.confidence).toBeLessThan(covered.confidence!);
  });
});
