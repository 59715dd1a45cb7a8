import type { LatestArticle } from '../answer/coverage.ts';
import type { Answer, Citation } from '../answer/types.ts';

/**
 * The answer as a person reads it in a terminal: the quotes, then the sources, one line per
 * article with every citation number it supports, its date and link. With `bold` (a terminal
 * that shows it), the words the reader marked as the answer are bold in their quote.
 */
export function formatAnswerForTerminal(answer: Answer, options: { bold?: boolean } = {}): string {
  const lines = [options.bold ? withBoldAnswers(answer) : answer.answer];
  if (answer.note) lines.push('', `Note: ${answer.note}`);
  if (answer.citations.length > 0) {
    lines.push('', 'Sources:');
    for (const { numbers, citation: c } of citedArticles(answer.citations)) {
      const when = c.date ? `, ${c.date}` : '';
      const where = c.url ? ` <${c.url}>` : '';
      lines.push(`  ${numbers.map((n) => `[${n}]`).join('')} ${c.title}${when}${where}`);
    }
  }
  return lines.join('\n');
}

/** Citations grouped by article, in the order of their first citation number. */
function citedArticles(citations: readonly Citation[]): Array<{ numbers: number[]; citation: Citation }> {
  const byArticle = new Map<string, { numbers: number[]; citation: Citation }>();
  for (const c of [...citations].sort((a, b) => a.n - b.n)) {
    const entry = byArticle.get(c.articleId);
    if (entry) {
      if (!entry.numbers.includes(c.n)) entry.numbers.push(c.n);
    } else {
      byArticle.set(c.articleId, { numbers: [c.n], citation: c });
    }
  }
  return [...byArticle.values()];
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
    citations: answer.citations.map(({ n, quote, articleId, title, date, url, passageId, start, end, label, score, answerStart, answerEnd }) => ({
      n, quote, articleId, title, date, url, passageId, start, end,
      ...(label ? { label } : {}),
      ...(score !== undefined ? { score } : {}),
      ...(answerStart !== undefined && answerEnd !== undefined ? { answerStart, answerEnd } : {}),
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

// ANSI SGR bold on and off. (util.styleText drops styles when stdout is not a terminal, and the
// caller already decides that.)
const BOLD = '\u001b[1m';
const NORMAL = '\u001b[22m';

/** The answer text with each marked answer span in bold inside its quote. */
function withBoldAnswers(answer: Answer): string {
  let text = answer.answer;
  for (const c of answer.citations) {
    const marked = boldAnswer(c);
    if (marked !== c.quote) text = text.replace(c.quote, () => marked);
  }
  return text;
}

function boldAnswer(c: Citation): string {
  if (c.answerStart === undefined || c.answerEnd === undefined) return c.quote;
  const a = c.answerStart - c.start;
  const b = c.answerEnd - c.start;
  if (a < 0 || b <= a || b > c.quote.length) return c.quote;
  return `${c.quote.slice(0, a)}${BOLD}${c.quote.slice(a, b)}${NORMAL}${c.quote.slice(b)}`;
}
