import { beforeAll, describe, expect, it } from 'vitest';
import { chooseLead, leadIndex } from '../../src/answer/lead/leadModel.ts';
import { applyRecency, dateLabel, readingInTimeOrder, timeProblemAnswer } from '../../src/answer/recency.ts';
import { read } from '../../src/answer/reader/reader.ts';
import { EMBEDDED_MODEL_ID, loadEmbedder, type Embedder } from '../../src/indexing/embedder.ts';
import type { Answer, Citation } from '../../src/answer/types.ts';
import type { RankedPassage } from '../../src/search/retriever.ts';
import { timeScope, withoutDates } from '../../src/search/timeScope.ts';

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
  it('labels the quotes after the first with their dates, in the order it was given', () => {
    const ordered = answerOf([citation(april8, 1, 'three dollars'), citation(march3, 2, 'four dollars'), citation(march10, 3, 'five dollars')]);
    const out = applyRecency(ordered, { scope: timeScope('How much is the toll?', at('2025-04-10')), passages });
    expect(out.citations.map((c) => [c.n, c.quote, c.label])).toEqual([
      [1, 'three dollars', undefined],
      [2, 'four dollars', 'Earlier, on March 3'],
      [3, 'five dollars', 'Earlier, on March 10'],
    ]);
    expect(out.answer).toBe('“three dollars” [1]\nEarlier, on March 3: “four dollars” [2]\nEarlier, on March 10: “five dollars” [3]');
    expect(out.note).toBeUndefined();
  });

  it('says "as of" when the first quote is older than the newest article on the story', () => {
    const newerUnquoted = passage(4, '2025-04-20', 8);
    const only = answerOf([citation(march10, 1, 'five dollars')]);
    const out = applyRecency(only, { scope: timeScope('How much is the toll?', at('2025-05-01')), passages: [...passages, newerUnquoted] });
    expect(out.note).toBe('As of March 10, 2025; the coverage of this story runs to April 20, 2025.');
  });

  it('for a calendar period, labels later quotes "Later" and adds no "as of"', () => {
    const out = applyRecency(answer, { scope: timeScope('What was the toll on March 3, 2025?', at('2025-04-10')), passages });
    expect(out.citations[0]!.quote).toBe('four dollars');
    expect(out.citations[1]!.label).toBe('Later, on March 10');
    expect(out.note).toBeUndefined();
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
 * The committed reader and lead model on sentences written for these tests, one passage each:
 * which one leads for the question's time. The reader gives each its strength and measures,
 * the lead model (src/answer/lead/model.json) chooses.
 */
let words: Embedder['words'];
beforeAll(async () => {
  words = (await loadEmbedder(EMBEDDED_MODEL_ID)).words;
});
const storyPassage = (id: number, date: string, text: string, title = 'Harbour bridge toll'): RankedPassage => ({
  passageId: id, articleId: `a${id}`, title, date, url: null, start: 0, end: text.length, text, score: 10, signals: { proximity: 1 },
});
const leadOf = (question: string, now: string, within: RankedPassage[]) => {
  const scope = timeScope(question, at(now));
  const reading = read(withoutDates(question), within, { termWeight: () => 1, words });
  return readingInTimeOrder(reading, { scope, passages: within }).candidates[0]!.text;
};

describe('readingInTimeOrder: which sentence leads for the question\'s time', () => {
  const set = storyPassage(11, '2025-03-03', 'The bridge authority set the harbour toll at four dollars a crossing.');
  const raised = storyPassage(12, '2025-03-10', 'The bridge authority raised the harbour toll to five dollars a crossing.');
  const cut = storyPassage(13, '2025-04-08', 'The bridge authority cut the harbour toll to three dollars a crossing.');
  const story = [set, raised, cut];

  it('for a question about now, leads with the newest article on the story', () => {
    expect(leadOf('How much is the harbour toll now?', '2025-04-10', story)).toContain('three dollars');
    expect(leadOf('How much is the harbour toll?', '2025-04-10', story)).toContain('three dollars');
  });

  it('for a question asked in the past, nothing after its "now" leads', () => {
    expect(leadOf('How much is the harbour toll now?', '2025-03-12', [set, raised])).toContain('five dollars');
  });

  it('for a question asking for an amount, does not lead with a newer sentence that has none', () => {
    const protest = storyPassage(14, '2025-04-09', 'Commuters protested against the harbour toll outside the authority.');
    expect(leadOf('How much is the harbour toll now?', '2025-04-10', [...story, protest])).toContain('three dollars');
  });

  it('does not lead with a newer article that is not on the story', () => {
    const ferry = storyPassage(15, '2025-04-20', 'Ferry tickets cost two dollars.', 'Larkmouth ferry adds a sailing');
    expect(leadOf('How much is the harbour toll?', '2025-04-25', [...story, ferry])).toContain('three dollars');
  });

  it('for a question about a day, leads with that day\'s article over later reports', () => {
    expect(leadOf('What was the harbour toll on March 3, 2025?', '2025-04-10', story)).toContain('four dollars');
  });

  it('with no dates at all (an encyclopedia, not news), keeps the reader\'s order', () => {
    // The reader's second sentence holds the amount asked for and its first does not: with
    // dates the lead model moves the second first; without any, there is no time to choose for.
    const options = (date: string | null) => [
      { date, articleId: 'a1', quote: 'Commuters protested against the harbour toll.', strength: 0.5, fits: false },
      { date, articleId: 'a2', quote: 'The harbour toll is three dollars.', strength: 0.45, fits: true },
    ];
    const scope = timeScope('How much is the harbour toll?', at('2025-04-10'));
    expect(leadIndex(options('2025-04-08'), scope, new Set(['a1', 'a2']))).toBe(1);
    expect(leadIndex(options(null), scope, new Set(['a1', 'a2']))).toBe(0);
  });

  it('within "this week", leads with the week\'s article, never a later one', () => {
    expect(leadOf('What harbour toll did the bridge authority announce this week?', '2025-03-11', [set, raised])).toContain('five dollars');
    expect(leadOf('What harbour toll did the bridge authority announce this week?', '2025-03-05', [set, raised])).toContain('four dollars');
  });
});

describe('chooseLead', () => {
  // A model that goes by the reader's strength alone, to see the rules around it.
  const byStrength = { features: ['strength'], mean: [0], std: [1], weights: [1], bias: 0 };
  const option = (strength: number, outsideWindow = 0) => ({ strength: Math.log(strength), outsideWindow });

  it('for a period asked about, a report from outside its window never leads one from inside', () => {
    expect(chooseLead([option(1, 1), option(0.4)], byStrength, 0.2)).toBe(1);
    // ... unless nothing inside answers well enough to lead.
    expect(chooseLead([option(1, 1), option(0.1)], byStrength, 0.2)).toBe(0);
  });

  it('lets no candidate below the share of the best lead, however the model scores it', () => {
    const preferWeak = { ...byStrength, weights: [-1] };
    expect(chooseLead([option(1), option(0.5), option(0.1)], preferWeak, 0.2)).toBe(1);
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
