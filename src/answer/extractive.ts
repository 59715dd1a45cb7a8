import { splitSentences } from '../indexing/sentences.ts';
import type { RetrievedPassage } from '../search/types.ts';
import { tokenize } from '../search/tokenize.ts';
import type { Answer, Citation } from './types.ts';

/** How informative a (tokenized) term is; unknown terms should weigh the most. */
export type TermWeight = (term: string) => number;

export interface ExtractiveOptions {
  /** At most this many quotes are shown. */
  maxQuotes: number;
  /** Other quotes must score at least this share of the best one. */
  relativeCutoff: number;
  /**
   * Abstain when the best sentence, read with its neighbours, covers less than this share of the
   * question's content words (weighted by informativeness). Calibrated on the eval sets: see
   * README "Abstention".
   */
  minCoverage: number;
}

export const DEFAULT_EXTRACTIVE: ExtractiveOptions = { maxQuotes: 3, relativeCutoff: 0.75, minCoverage: 0.5 };

export const ABSTAIN_TEXT = "The coverage doesn't answer that: none of the indexed articles says.";

interface Candidate {
  passage: RetrievedPassage;
  start: number; // body offsets
  end: number;
  quote: string;
  coverage: number;
  score: number;
}

/**
 * Picks the sentences of the retrieved passages that best answer the question and quotes them
 * verbatim. Pure: the same question and passages always give the same answer.
 */
export function extractiveAnswer(
  question: string,
  passages: RetrievedPassage[],
  termWeight: TermWeight,
  options: ExtractiveOptions = DEFAULT_EXTRACTIVE,
): Answer {
  const questionTerms = [...new Set(tokenize(question))];
  const totalWeight = questionTerms.reduce((sum, t) => sum + termWeight(t), 0);
  const coverage = (text: string): number => {
    if (totalWeight === 0) return 0;
    const present = new Set(tokenize(text));
    return questionTerms.reduce((sum, t) => sum + (present.has(t) ? termWeight(t) : 0), 0) / totalWeight;
  };

  const candidates: Candidate[] = [];
  passages.forEach((passage, rank) => {
    const sentences = splitSentences(passage.text);
    sentences.forEach((s, i) => {
      const quote = passage.text.slice(s.start, s.end);
      // A sentence often answers with words of the question in its neighbours ("the readout ...
      // continued. \"... dialogue\""), so the sentence is also judged with the ones around it.
      const context = passage.text.slice(sentences[Math.max(0, i - 1)]!.start, sentences[Math.min(sentences.length - 1, i + 1)]!.end);
      const sentenceCoverage = coverage(quote);
      const contextCoverage = coverage(context);
      candidates.push({
        passage,
        start: passage.start + s.start,
        end: passage.start + s.end,
        quote,
        coverage: contextCoverage,
        score: 0.6 * sentenceCoverage + 0.4 * contextCoverage - 0.005 * rank,
      });
    });
  });
  candidates.sort((a, b) => b.score - a.score);

  const best = candidates[0];
  if (!best || best.coverage < options.minCoverage) return abstention(question);

  const chosen: Candidate[] = [];
  for (const c of candidates) {
    if (chosen.length >= options.maxQuotes || c.score < best.score * options.relativeCutoff) break;
    const overlaps = chosen.some(
      (o) => (o.passage.articleId === c.passage.articleId && o.start < c.end && c.start < o.end) || o.quote === c.quote,
    );
    if (!overlaps) chosen.push(c);
  }

  const citations: Citation[] = chosen.map((c, i) => ({
    n: i + 1,
    quote: c.quote,
    articleId: c.passage.articleId,
    title: c.passage.title,
    date: c.passage.date,
    url: c.passage.url,
    passageId: c.passage.passageId,
    start: c.start,
    end: c.end,
  }));
  return {
    question,
    abstained: false,
    answer: citations.map((c) => `“${c.quote}” [${c.n}]`).join('\n'),
    citations,
    mode: 'extractive',
    droppedQuotes: 0,
  };
}

export function abstention(question: string, note?: string): Answer {
  return { question, abstained: true, answer: ABSTAIN_TEXT, citations: [], mode: 'extractive', droppedQuotes: 0, ...(note ? { note } : {}) };
}
