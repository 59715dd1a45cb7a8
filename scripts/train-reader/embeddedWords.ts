import type { Embedder } from '../../src/indexing/embedder.ts';
import { dot, type WordVectors } from '../../src/indexing/wordVectors.ts';

/**
 * Word vectors read out of a word-level embedding model by embedding each word alone (for the
 * offline GloVe model, the word's own vector, normalised), for training when the embedder does
 * not expose `Embedder.words`. Words must be fetched (`prefetch`) before they are looked up.
 */
export class EmbeddedWords implements WordVectors {
  readonly dimension: number;
  private readonly vectors = new Map<string, Float32Array | undefined>();

  constructor(private readonly embedder: Embedder) {
    this.dimension = embedder.dimension;
  }

  async prefetch(words: Iterable<string>): Promise<void> {
    const missing = [...new Set(words)].filter((w) => !this.vectors.has(w));
    for (let i = 0; i < missing.length; i += 512) {
      const batch = missing.slice(i, i + 512);
      const out = await this.embedder.embed(batch);
      batch.forEach((w, j) => {
        const v = out[j]!;
        this.vectors.set(w, Number.isFinite(v[0]) && v.some((x) => x !== 0) ? v : undefined);
      });
    }
  }

  vector(word: string): Float32Array | undefined {
    return this.vectors.get(word.toLowerCase());
  }

  similarity(a: string, b: string): number {
    const va = this.vector(a);
    const vb = this.vector(b);
    return va && vb ? dot(va, vb) : 0;
  }
}
