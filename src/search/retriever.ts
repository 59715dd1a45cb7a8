import type { LoadedIndex } from './loadIndex.ts';
import type { RetrievedPassage } from './types.ts';

/**
 * Hybrid retrieval: dense (embedding) and lexical (BM25) rankings combined by weighted
 * reciprocal rank fusion, score = sum over rankings of weight / (RRF_K + rank). Ranks, not raw
 * scores, are fused because cosine and BM25 scores live on unrelated scales.
 */
export interface FusionWeights {
  dense: number;
  lexical: number;
}

// BM25 is the stronger signal with the offline word-vector model (see README "Retrieval quality");
// dense retrieval adds paraphrase matches BM25 cannot see.
export const DEFAULT_FUSION: FusionWeights = { dense: 0.5, lexical: 1 };
const RRF_K = 60;
/** How deep each ranking is read before fusing. */
const CANDIDATES = 50;

export interface RetrievalSignals {
  /** Cosine similarity of question and passage, when the passage was a dense candidate. */
  dense?: number;
  /** BM25 score, when the passage was a lexical candidate. */
  lexical?: number;
}

export type RankedPassage = RetrievedPassage & { signals: RetrievalSignals };

export class Retriever {
  constructor(
    private readonly index: LoadedIndex,
    private readonly weights: FusionWeights = DEFAULT_FUSION,
  ) {}

  /** The `k` best passages for a question whose embedding is `questionVector`. */
  retrieve(question: string, questionVector: Float32Array, k: number): RankedPassage[] {
    const fused = new Map<number, { score: number; signals: RetrievalSignals }>();
    const entry = (doc: number) => {
      let e = fused.get(doc);
      if (!e) fused.set(doc, (e = { score: 0, signals: {} }));
      return e;
    };
    if (this.weights.dense > 0) {
      this.index.vectors.search(questionVector, CANDIDATES).forEach((hit, rank) => {
        const e = entry(hit.doc);
        e.score += this.weights.dense / (RRF_K + rank + 1);
        e.signals.dense = hit.similarity;
      });
    }
    if (this.weights.lexical > 0) {
      this.index.lexical.search(question, CANDIDATES).forEach((hit, rank) => {
        const e = entry(hit.doc);
        e.score += this.weights.lexical / (RRF_K + rank + 1);
        e.signals.lexical = hit.score;
      });
    }
    return [...fused.entries()]
      .sort((a, b) => b[1].score - a[1].score || a[0] - b[0])
      .slice(0, k)
      .map(([doc, e]) => this.toPassage(doc, e.score, e.signals));
  }

  private toPassage(doc: number, score: number, signals: RetrievalSignals): RankedPassage {
    const { article, articleIndex, start, end } = this.index.passage(doc);
    return {
      passageId: doc,
      articleId: article.id,
      title: article.title,
      date: article.date,
      url: article.url,
      start,
      end,
      text: this.index.body(articleIndex).slice(start, end),
      score,
      signals,
    };
  }
}
