import { describe, expect, it } from 'vitest';
import type { SourcePassage } from '../../src/answer/coverage.ts';
import type { Answer, Citation } from '../../src/answer/types.ts';
import { answerMessage } from '../../src/discord/format.ts';
import { sourcesFromAnswer, sourcesFromMessage } from '../../src/discord/sourceViews.ts';

const body = 'Intro sentence. Rubio held a phone conversation with *Lavrov* on Feb. 15. Closing words here.';
const passages: SourcePassage[] = [
  { passageId: 0, articleId: 'rubio', title: 'Rubio and Lavrov talk', date: '2025-02-15', url: null, start: 0, end: body.length, text: body },
  { passageId: 1, articleId: 'other', title: 'Something else', date: null, url: null, start: 0, end: 10, text: 'Other text' },
];
const lookup = (id: number) => passages[id];

const quote = 'Rubio held a phone conversation with *Lavrov* on Feb. 15.';
const qStart = body.indexOf(quote);
const cite: Citation = {
  n: 1, quote, articleId: 'rubio', title: 'Rubio and Lavrov talk', date: '2025-02-15', url: null,
  passageId: 0, start: qStart, end: qStart + quote.length,
};
const answer: Answer = { question: 'Who?', abstained: false, answer: `“${quote}” [1]`, citations: [cite], mode: 'extractive', droppedQuotes: 0 };

describe('Sources views', () => {
  it('from the answer in memory: the cited passage, quote highlighted by its offsets', () => {
    const { views, unverified } = sourcesFromAnswer([cite], lookup);
    expect(unverified).toBe(0);
    expect(views).toEqual([{ numbers: [1], passage: passages[0], highlights: [{ start: cite.start, end: cite.end }] }]);
  });

  it('from the answer in memory: a passage id that now names another article is not shown', () => {
    const { views, unverified } = sourcesFromAnswer([{ ...cite, passageId: 1 }], lookup);
    expect(views).toEqual([]);
    expect(unverified).toBe(1);
  });

  it('from the answer in memory: a passage that no longer holds the quote is not shown', () => {
    const changed = [{ ...passages[0]!, text: body.replace('Lavrov', 'someone') }];
    expect(sourcesFromAnswer([cite], (id) => changed[id])).toEqual({ views: [], unverified: 1 });
  });

  it('from the answer in memory: a quote that moved within the passage is found again', () => {
    const moved = [{ ...passages[0]!, text: `New lead. ${body}`, end: body.length + 10 }];
    const { views } = sourcesFromAnswer([cite], (id) => moved[id]);
    expect(views[0]!.highlights).toEqual([{ start: cite.start + 10, end: cite.end + 10 }]);
  });

  it('from the message after a restart: finds the shown quote in the passage', () => {
    const fields = answerMessage(answer, '1').embeds[0]!.fields!;
    const { views, unverified } = sourcesFromMessage([0], fields, lookup);
    expect(unverified).toBe(0);
    expect(views[0]!.highlights).toEqual([{ start: cite.start, end: cite.end }]);
  });

  it('from the message after a restart: refuses a passage whose title or text no longer matches', () => {
    const fields = answerMessage(answer, '1').embeds[0]!.fields!;
    expect(sourcesFromMessage([1], fields, lookup)).toEqual({ views: [], unverified: 1 });
    const changed = [{ ...passages[0]!, text: body.replace('Lavrov', 'someone') }];
    expect(sourcesFromMessage([0], fields, (id) => changed[id])).toEqual({ views: [], unverified: 1 });
    expect(sourcesFromMessage([5], fields, lookup)).toEqual({ views: [], unverified: 1 });
  });
});
