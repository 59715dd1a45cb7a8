import type { LatestArticle } from '../answer/coverage.ts';
import type { Answer, Citation } from '../answer/types.ts';

/**
 * The answer as a person reads it in a terminal: the quotes, then the sources, one line per
 * article with every citation number it supports, its date and link.
 */
export function formatAnswerForTerminal(answer: Answer): string {
  const lines = [answer.answer];
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
