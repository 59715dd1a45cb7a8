import type { Citation } from './types.ts';

/** True when the quote is exactly the article body at the citation's offsets. */
export function isVerbatim(citation: Pick<Citation, 'quote' | 'start' | 'end'>, body: string): boolean {
  return (
    citation.quote.length > 0 &&
    citation.start >= 0 &&
    citation.end <= body.length &&
    body.slice(citation.start, citation.end) === citation.quote
  );
}

/**
 * Splits citations into those whose quote is verbatim in its source and those that are not.
 * `bodyOf` returns the indexed body of an article, or undefined for an unknown article.
 */
export function verifyCitations(
  citations: Citation[],
  bodyOf: (articleId: string) => string | undefined,
): { verified: Citation[]; rejected: Citation[] } {
  const verified: Citation[] = [];
  const rejected: Citation[] = [];
  for (const c of citations) {
    const body = bodyOf(c.articleId);
    (body !== undefined && isVerbatim(c, body) ? verified : rejected).push(c);
  }
  return { verified, rejected };
}
