/** Turning verified claims into the Answer a user reads, and the fallbacks around it. */
import type { Answer, Citation } from '../types.ts';
import type { VerifiedClaim, VerifiedQuote } from './verify.ts';

export const COVERAGE_DOES_NOT_ANSWER = "The coverage doesn't answer that.";

/** Why the written answer was not used; each reason has its own user-facing note. */
export type FallbackReason = 'unavailable' | 'unreadable' | 'unverified';

const FALLBACK_NOTES: Record<FallbackReason, string> = {
  unavailable: 'The written answer is unavailable right now',
  unreadable: 'The written answer could not be read',
  unverified: "The written answer's quotes could not be found in the coverage",
};

/** The note shown with a fallback; only promises quotes when the fallback has some. */
export function fallbackNote(reason: FallbackReason, fallback: Answer): string {
  const showsQuotes = !fallback.abstained && fallback.citations.length > 0;
  return `${FALLBACK_NOTES[reason]}${showsQuotes ? '; showing quotes from the coverage.' : '.'}`;
}

/** The extractive answer, unchanged apart from the note and the count of quotes we refused. */
export function useFallback(question: string, fallback: Answer, reason: FallbackReason, droppedQuotes = 0): Answer {
  const note = fallbackNote(reason, fallback);
  return {
    ...fallback,
    question,
    droppedQuotes: fallback.droppedQuotes + droppedQuotes,
    note: fallback.note ? `${fallback.note} ${note}` : note,
  };
}

export function abstainedAnswer(question: string): Answer {
  return {
    question,
    abstained: true,
    answer: COVERAGE_DOES_NOT_ANSWER,
    citations: [],
    mode: 'llm',
    droppedQuotes: 0,
  };
}

function citationFor(quote: VerifiedQuote, n: number): Citation {
  const { passage } = quote;
  return {
    n,
    quote: quote.quote,
    articleId: passage.articleId,
    title: passage.title,
    date: passage.date,
    url: passage.url,
    passageId: passage.passageId,
    start: quote.start,
    end: quote.end,
  };
}

/**
 * The answer text: one claim per line followed by its [n] markers (as the extractive answer
 * shows one quote per line), numbered 1..k in order of first use, so markers and `citations`
 * always agree. The same article span is cited once.
 */
export function composeAnswer(question: string, claims: readonly VerifiedClaim[], droppedQuotes: number): Answer {
  const citations: Citation[] = [];
  const numberBySpan = new Map<string, number>();
  const sentences = claims.map((claim) => {
    const numbers: number[] = [];
    for (const quote of claim.quotes) {
      const key = `${quote.passage.articleId}\u0000${quote.start}\u0000${quote.end}`;
      let n = numberBySpan.get(key);
      if (n === undefined) {
        n = citations.length + 1;
        numberBySpan.set(key, n);
        citations.push(citationFor(quote, n));
      }
      if (!numbers.includes(n)) numbers.push(n);
    }
    return `${claim.text} ${numbers.map((n) => `[${n}]`).join('')}`;
  });
  return {
    question,
    abstained: false,
    answer: sentences.join('\n'),
    citations,
    mode: 'llm',
    droppedQuotes,
  };
}
