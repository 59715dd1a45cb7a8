import { describe, expect, it } from 'vitest';
import { applyRecency, dateLabel, readingInTimeOrder, timeProblemAnswer } from '../../src/answer/recency.ts';
import type { Reading } from '../../src/answer/reader/reader.ts';
import type { Answer, Citation } from '../../src/answer/types.ts';
import type { RankedPassage } from '../../src/search/retriever.ts';
import { timeScope } from '../../src/search/timeScope.ts';

const at = (day: string) => new Date(`${day}T12:00:00Z`);
/** One article per date; each passage holds the question's words equally (same story). */
const passage = (id: number, date: string, score: number, proximity = 1): RankedPassage => ({
  passageId: id, articleId: `a${id}`, title: `t${id}`, date, url: null, start: 0, end: 10, text: 'x'.repeat(10), score, signals: { proximity },
});
const citation = (p: RankedPassage, n: number, quote: string): Citation => ({
  n, quote, articleId: p.articleId, title: p.title, date: p.date, url: null, passageId: p.passageId, start: 0, end: quote.length,
});
const answerOf = (citations: Citation[]): Answer => ({
  question: 'q', abstained: false, answer: '', citations, mode: 'extractive', droppedQuotes: 0, confidence: 0.9,
});

const march3 = passage(1, '2025-03-03', 10);
const march10 = passage(2, '2025-03-10', 9.5);
const april8 = passage(3, '2025-04-08', 9);
const passages = [march3, march10, april8];
const answer = answerOf([citation(march3, 1, 'four dollars'), citation(march10, 2, 'five dollars'), citation(april8, 3, 'three dollars')]);

describe('applyRecency', () => {
  it('puts the newest answering article first and labels the others with their dates', () => {
    const out = applyRecency(answer, { scope: timeScope('How much is the toll?', at('2025-04-10')), passages });
    expect(out.citations.map((c) => [c.n, c.quote, c.label])).toEqual([
      [1, 'three dollars', undefined],
      [2, 'four dollars', 'Earlier, on March 3'],
      [3, 'five dollars', 'Earlier, on March 10'],
    ]);
    expect(out.answer).toBe('“three dollars” [1]\nEarlier, on March 3: “four dollars” [2]\nEarlier, on March 10: “five dollars” [3]');
    expect(out.note).toBeUndefined();
  });

  it('does not lead with a newer quote that tells an earlier state ("had originally offered")', () => {
    const backward = answerOf([
      citation(march3, 1, 'four dollars'),
      citation(march10, 2, 'The toll is five dollars.'),
      citation(april8, 3, 'The authority had originally set the toll at four dollars.'),
    ]);
    const out = applyRecency(backward, { scope: timeScope('How much is the toll now?', at('2025-04-10')), passages });
    expect(out.citations.map((c) => [c.quote, c.label])).toEqual([
      ['The toll is five dollars.', undefined],
      ['four dollars', 'Earlier, on March 3'],
      ['The authority had originally set the toll at four dollars.', 'Later, on April 8'],
    ]);
    // With only backward-looking quotes, the newest still leads.
    const onlyBackward = answerOf([citation(march10, 1, 'It had been four dollars.'), citation(april8, 2, 'It was previously four dollars.')]);
    const lead = applyRecency(onlyBackward, { scope: timeScope('How much is the toll now?', at('2025-04-10')), passages }).citations[0]!;
    expect(lead.quote).toBe('It was previously four dollars.');
    // "previously announced" points back to an announcement, not to an earlier state.
    const announced = answerOf([citation(march10, 1, 'The toll is five dollars.'), citation(april8, 2, 'It raised the toll to six dollars, as previously announced.')]);
    expect(applyRecency(announced, { scope: timeScope('How much is the toll now?', at('2025-04-10')), passages }).citations[0]!.quote).toBe(
      'It raised the toll to six dollars, as previously announced.',
    );
  });

  it('does not move first a newer quote that answers much less strongly (the reader\'s score seam)', () => {
    const strength = (c: Citation) => (c.articleId === 'a3' ? 1 : 10);
    const out = applyRecency(answer, { scope: timeScope('How much is the toll?', at('2025-04-10')), passages, strength });
    expect(out.citations[0]!.quote).toBe('five dollars');
  });

  it('says "as of" when the first quote is older than the newest article on the story', () => {
    const newerUnquoted = passage(4, '2025-04-20', 8);
    const only = answerOf([citation(march10, 1, 'five dollars')]);
    const out = applyRecency(only, { scope: timeScope('How much is the toll?', at('2025-05-01')), passages: [...passages, newerUnquoted] });
    expect(out.note).toBe('As of March 10, 2025; the coverage of this story runs to April 20, 2025.');
  });

  it('for a calendar period, keeps a quote from the period first and labels later ones', () => {
    const out = applyRecency(answer, { scope: timeScope('What was the toll on March 3, 2025?', at('2025-04-10')), passages });
    expect(out.citations[0]!.quote).toBe('four dollars');
    expect(out.citations[1]!.label).toBe('Later, on March 10');
  });

  it('notes when nothing quoted is from the period asked about', () => {
    const out = applyRecency(answerOf([citation(march3, 1, 'four dollars')]), { scope: timeScope('What toll was set this week?', at('2025-04-10')), passages: [march3] });
    expect(out.note).toBe('Nothing from this week (2025-04-04 to 2025-04-10) answers this; the quotes are from other dates.');
  });

  it('leaves abstentions alone', () => {
    const abstained = { ...answerOf([]), abstained: true };
    expect(applyRecency(abstained, { scope: timeScope('q', at('2025-04-10')), passages })).toBe(abstained);
  });
});

/**
 * A reader's reading of made-up sentences, best first, each with the probability that it answers
 * and whether it holds what the question asks for (an amount): what the time rules choose from.
 */
const readingOf = (kind: 'amount' | 'other', sentences: Array<[RankedPassage, string, number, boolean?]>): Reading =>
  ({
    question: { text: 'q', kind },
    pAnswer: sentences[0]![2],
    candidates: sentences.map(([p, text, probability, holdsAmount = true]) => ({
      passage: p, text, probability, features: { kindItem: holdsAmount ? 1 : 0 }, rank: 0, sentences: [], i: 0, context: text, lead: false, logit: 0,
    })),
  }) as unknown as Reading;
const leadOf = (reading: Reading, question: string, now: string, within = passages) =>
  readingInTimeOrder(reading, { scope: timeScope(question, at(now)), passages: within }).candidates[0]!.text;

describe('readingInTimeOrder: which sentence leads for the question\'s time', () => {
  it('leads with the newest article on the story when it answers nearly as strongly as the best (ANSWERING_SHARE)', () => {
    const newerInPassing = readingOf('amount', [
      [march3, 'The bridge authority set the harbour toll at four dollars a crossing.', 0.6],
      [april8, 'Commuters welcomed the three dollar toll.', 0.5],
    ]);
    expect(leadOf(newerInPassing, 'How much is the toll?', '2025-04-10')).toBe('Commuters welcomed the three dollar toll.');
    const newerWeak = readingOf('amount', [
      [march3, 'The bridge authority set the harbour toll at four dollars a crossing.', 0.6],
      [april8, 'Commuters welcomed the three dollar toll.', 0.2],
    ]);
    expect(leadOf(newerWeak, 'How much is the toll?', '2025-04-10')).toBe('The bridge authority set the harbour toll at four dollars a crossing.');
  });

  it('does not let a sentence about an earlier state lead, nor set the bar for the others', () => {
    const reading = readingOf('amount', [
      [april8, 'The authority had originally set the toll at four dollars.', 0.7],
      [march10, 'The toll is five dollars.', 0.3],
    ]);
    expect(leadOf(reading, 'How much is the toll now?', '2025-04-10')).toBe('The toll is five dollars.');
  });

  it('for a question asking for an amount, does not lead with a newer sentence that has none', () => {
    const reading = readingOf('amount', [
      [march10, 'The toll is five dollars.', 0.6],
      [april8, 'Commuters protested against the toll.', 0.5, false],
    ]);
    expect(leadOf(reading, 'How much is the toll?', '2025-04-10')).toBe('The toll is five dollars.');
  });

  it('does not lead with a newer article that is not on the story', () => {
    const ferry = passage(5, '2025-04-20', 9, 0.3);
    const reading = readingOf('amount', [
      [march10, 'The toll is five dollars.', 0.6],
      [ferry, 'Ferry tickets cost two dollars.', 0.5],
    ]);
    expect(leadOf(reading, 'How much is the toll?', '2025-04-25', [...passages, ferry])).toBe('The toll is five dollars.');
  });

  it('for a question about a day, leads with that day\'s article over a later report of it', () => {
    const reading = readingOf('amount', [
      [march10, 'Last week the authority set the toll at four dollars; it is now five.', 0.6],
      [march3, 'The toll will be four dollars a crossing.', 0.5],
    ]);
    expect(leadOf(reading, 'What was the toll on March 3, 2025?', '2025-04-10')).toBe('The toll will be four dollars a crossing.');
  });

  it('within "this week", leads with the newest answering article of the week, never a later one', () => {
    const reading = readingOf('amount', [
      [march3, 'The toll will be four dollars a crossing.', 0.6],
      [march10, 'The toll is five dollars.', 0.5],
    ]);
    expect(leadOf(reading, 'What toll did the authority announce this week?', '2025-03-11')).toBe('The toll is five dollars.');
    expect(leadOf(reading, 'What toll did the authority announce this week?', '2025-03-05')).toBe('The toll will be four dollars a crossing.');
  });
});

describe('dateLabel', () => {
  it('names the day, with the year only when it differs from the first quote\'s', () => {
    expect(dateLabel('2025-03-03', '2025-04-08')).toBe('Earlier, on March 3');
    expect(dateLabel('2024-12-30', '2025-04-08')).toBe('Earlier, on December 30, 2024');
    expect(dateLabel('2025-04-09', '2025-04-08')).toBe('Later, on April 9');
    expect(dateLabel('2025-04-08', '2025-04-08')).toBeUndefined();
    expect(dateLabel(null, '2025-04-08')).toBeUndefined();
  });
});

describe('timeProblemAnswer', () => {
  const span = { first: '1987-02-26', last: '1987-10-20' };
  const none = () => 0;
  it('answers impossible and future dates, and empty periods, with the coverage range', () => {
    expect(timeProblemAnswer('q', timeScope('What happened on February 30?', at('1987-10-20')), span, none)?.answer).toBe(
      "The coverage doesn't answer that: there is no February 30 in the calendar. The coverage runs from 1987-02-26 to 1987-10-20.",
    );
    expect(timeProblemAnswer('q', timeScope('What will OPEC do next year?', at('1987-10-20')), span, none)).toMatchObject({ abstained: true, citations: [] });
    expect(timeProblemAnswer('q', timeScope('What did OPEC decide this week?', at('2026-12-01')), span, none)?.answer).toMatch(/no articles from this week/);
    expect(timeProblemAnswer('q', timeScope('What did OPEC decide this week?', at('1987-10-20')), span, () => 3)).toBeUndefined();
  });
});
