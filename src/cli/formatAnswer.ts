import type { Answer } from '../answer/types.ts';

/** The answer as a person reads it in a terminal: the quotes, then numbered sources. */
export function formatAnswerForTerminal(answer: Answer): string {
  const lines = [answer.answer];
  if (answer.note) lines.push('', `Note: ${answer.note}`);
  if (answer.citations.length > 0) {
    lines.push('', 'Sources:');
    for (const c of answer.citations) {
      const when = c.date ? `, ${c.date}` : '';
      const where = c.url ? ` <${c.url}>` : '';
      lines.push(`  [${c.n}] ${c.title}${when}${where}`);
    }
  }
  return lines.join('\n');
}

/** The `--json` shape: stable field order, nothing internal. */
export function answerToJson(answer: Answer): object {
  return {
    question: answer.question,
    abstained: answer.abstained,
    answer: answer.answer,
    mode: answer.mode,
    droppedQuotes: answer.droppedQuotes,
    ...(answer.note ? { note: answer.note } : {}),
    citations: answer.citations.map(({ n, quote, articleId, title, date, url, passageId, start, end }) => ({
      n, quote, articleId, title, date, url, passageId, start, end,
    })),
  };
}
