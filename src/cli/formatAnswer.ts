import type { LatestArticle } from '../answer/coverage.ts';
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
    citations: answer.citations.map(({ n, quote, articleId, title, date, url, passageId, start, end, label }) => ({
      n, quote, articleId, title, date, url, passageId, start, end, ...(label ? { label } : {}),
    })),
  };
}

/** The newest articles on a topic: date, title, link, then the first sentence. */
export function formatLatestForTerminal(topic: string, articles: LatestArticle[]): string {
  if (articles.length === 0) return `The coverage has no articles on "${topic}".`;
  const lines = [`Newest articles on "${topic}":`];
  for (const a of articles) {
    lines.push('', `${a.date ?? 'undated'}  ${a.title}${a.url ? ` <${a.url}>` : ''}`);
    if (a.firstSentence) lines.push(`  ${a.firstSentence}`);
  }
  return lines.join('\n');
}
