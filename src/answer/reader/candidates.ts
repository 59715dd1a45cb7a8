import { splitSentences, type Span } from '../../indexing/sentences.ts';
import type { RetrievedPassage } from '../../search/types.ts';

/** A sentence of a retrieved passage that might answer the question. */
export interface CandidateSentence {
  passage: RetrievedPassage;
  /** 0-based rank of the passage among those retrieved. */
  rank: number;
  sentences: Span[];
  /** Index of this sentence in `sentences` (passage-relative spans). */
  i: number;
  text: string;
  /** The sentence with its neighbours, for words the answer leaves to them. */
  context: string;
  /** True when this is the first sentence of its article. */
  lead: boolean;
}

/**
 * Every sentence of the retrieved passages, once: passages overlap by a sentence, so a sentence
 * seen in a better-ranked passage of the same article is not taken again.
 */
export function candidateSentences(passages: RetrievedPassage[]): CandidateSentence[] {
  const seen = new Set<string>();
  const out: CandidateSentence[] = [];
  passages.forEach((passage, rank) => {
    const sentences = splitSentences(passage.text);
    sentences.forEach((s, i) => {
      const key = `${passage.articleId}\u0000${passage.start + s.start}`;
      if (seen.has(key)) return;
      seen.add(key);
      const prev = sentences[Math.max(0, i - 1)]!;
      const next = sentences[Math.min(sentences.length - 1, i + 1)]!;
      out.push({
        passage,
        rank,
        sentences,
        i,
        text: passage.text.slice(s.start, s.end),
        context: passage.text.slice(prev.start, next.end),
        lead: passage.start === 0 && i === 0,
      });
    });
  });
  return out;
}
