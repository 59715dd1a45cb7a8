import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/answer/types.ts';
import { answerToJson, formatAnswerForTerminal } from '../../src/cli/formatAnswer.ts';

const quote = 'Saudi Arabia will hold a summit between Trump and Putin in Riyadh, the ministry said.';
const at = 100 + quote.indexOf('Riyadh');
const answer: Answer = {
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
    const bold = formatAnswerForTerminal(answer, { bold: true });
    expect(bold).toContain('\u001b[1mRiyadh\u001b[22m');
    expect(formatAnswerForTerminal(answer)).toContain(`“${quote}” [1]`);
  });

  it('--json carries the reader score and the answer offsets', () => {
    const json = answerToJson(answer) as { citations: Array<Record<string, unknown>> };
    expect(json.citations[0]).toMatchObject({ score: 0.8, answerStart: at, answerEnd: at + 6, start: 100 });
  });
});
