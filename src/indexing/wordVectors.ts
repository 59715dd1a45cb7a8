/**
 * Word-to-word similarity from a static embedding model's word vectors, for the parts that need
 * soft matches (meet ~ summit, purchase ~ buy). Only word-level models have them: an embedder
 * exposes one through `Embedder.words` when it can, and callers do without when it is absent.
 */
export interface WordVectors {
  readonly dimension: number;
  /** The word's unit-length vector, or undefined when the model does not know it. Looked up lower-cased. */
  vector(word: string): Float32Array | undefined;
  /** Cosine similarity of two words' vectors, in [-1, 1]; 0 when either is unknown. */
  similarity(a: string, b: string): number;
}

/** Dot product of two vectors of one length (the cosine, for unit vectors). */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
