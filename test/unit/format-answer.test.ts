import { describe, expect, it } from 'vitest';
import { answerToJson, formatAnswerForTerminal } from '../../src/cli/formatAnswer.ts';
import type { Answer, Citation } from '../../src/answer/types.ts';

const cite = (n: number, articleId: string, extra: Partial<Citation> = {}): Citation => ({
  n,
  quote: `Quote ${n}.`,
  articleId,
  title: `Title of ${articleId}`,
  date: '2025-02-15',
  url: `https://example.org/${articleId}`,
  passageId: n,
  start: 0,
  end: 8,
  ...extra,
});

const answer = (citations: Citation[]): Answer => ({
  question: 'Q?',
  abstained: false,
  answer: citations.map((c) => `“${c.quote}” [${c.n}]`).join('\n'),
  citations,
  mode: 'extractive',
  droppedQuotes: 0,
});

describe('the terminal answer', () => {
  it('lists each article once, with every number it supports, its date and link', () => {
    const text = formatAnswerForTerminal(answer([cite(1, 'rubio'), cite(2, 'summit', { date: null, url: null }), cite(3, 'rubio')]));
    expect(text.split('\nSources:\n')[1]).toBe(
      ['  [1][3] Title of rubio, 2025-02-15 <https://example.org/rubio>', '  [2] Title of summit'].join('\n'),
    );
  });

  it('an abstention has no Sources list', () => {
    const text = formatAnswerForTerminal({ ...answer([]), abstained: true, answer: "The coverage doesn't answer that." });
    expect(text).toBe("The coverage doesn't answer that.");
  });
});

const quote = 'Saudi Arabia will hold a summit between Trump and Putin in Riyadh, the ministry said.';
const at = 100 + quote.indexOf('Riyadh');
const spanAnswer: Answer = {
  question: 'Where will Trump and Putin meet?',
  abstained: false,
  answer: `“${quote}” [1]`,
  citations: [
    { n: 1, quote, articleId: 'seed', title: 'Call', date: '2025-02-15', url: null, passageId: 3, start: 100, end: 100 + quote.length, score: 0.8, answerStart: at, answerEnd: at + 6 },
  ],
  mode: 'extractive',
  droppedQuotes: 0,
};

describe('terminal answers', () => {
  it('bolds the words that answer when the terminal shows bold, and prints the plain quote otherwise', () => {
    const bold = formatAnswerForTerminal(spanAnswer, { bold: true });
    expect(bold).toContain('\u001b[1mRiyadh\u001b[22m');
    expect(formatAnswerForTerminal(spanAnswer)).toContain(`“${quote}” [1]`);
  });

  it('--json carries the reader score and the answer offsets', () => {
    const json = answerToJson(spanAnswer) as { citations: Array<Record<string, unknown>> };
    expect(json.citations[0]).toMatchObject({ score: 0.8, answerStart: at, answerEnd: at + 6, start: 100 });
  });
});
