import fs from 'node:fs';
import path from 'node:path';
import { tokenize } from './tokenize.ts';

/**
 * Okapi BM25 over passages, stored as flat typed arrays so a million passages load in one read
 * per file and cost a few bytes per posting (no per-document objects).
 *   k1: how fast repeated terms saturate; b: how much long passages are penalised.
 */
export interface Bm25Parameters {
  k1: number;
  b: number;
}

export const DEFAULT_BM25: Bm25Parameters = { k1: 1.2, b: 0.75 };

export interface LexicalHit {
  doc: number;
  score: number;
}

interface Bm25Meta {
  params: Bm25Parameters;
  docCount: number;
  avgDocLength: number;
  terms: string[];
}

export class Bm25Index {
  private readonly termIds: Map<string, number>;
  /** Reused score accumulator: search is synchronous, so one buffer serves every query. */
  private readonly scores: Float32Array;

  private constructor(
    private readonly meta: Bm25Meta,
    /** postings of term t are [offsets[t], offsets[t+1]) in docs/tfs */
    private readonly offsets: Uint32Array,
    private readonly docs: Uint32Array,
    private readonly tfs: Uint16Array,
    private readonly docLengths: Uint16Array,
  ) {
    this.termIds = new Map(meta.terms.map((t, i) => [t, i]));
    this.scores = new Float32Array(meta.docCount);
  }

  get docCount(): number {
    return this.meta.docCount;
  }

  static build(texts: Iterable<string>, params: Bm25Parameters = DEFAULT_BM25): Bm25Index {
    const termIds = new Map<string, number>();
    const postings: number[][] = []; // per term: doc, tf, doc, tf, ...
    const lengths: number[] = [];
    let doc = 0;
    for (const text of texts) {
      const counts = new Map<number, number>();
      const tokens = tokenize(text);
      for (const token of tokens) {
        let id = termIds.get(token);
        if (id === undefined) {
          id = termIds.size;
          termIds.set(token, id);
          postings.push([]);
        }
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      for (const [id, tf] of counts) postings[id]!.push(doc, Math.min(tf, 0xffff));
      lengths.push(Math.min(tokens.length, 0xffff));
      doc++;
    }
    const offsets = new Uint32Array(postings.length + 1);
    let total = 0;
    postings.forEach((p, t) => {
      offsets[t] = total;
      total += p.length / 2;
    });
    offsets[postings.length] = total;
    const docs = new Uint32Array(total);
    const tfs = new Uint16Array(total);
    postings.forEach((p, t) => {
      const base = offsets[t]!;
      for (let i = 0; i < p.length; i += 2) {
        docs[base + i / 2] = p[i]!;
        tfs[base + i / 2] = p[i + 1]!;
      }
    });
    const docLengths = Uint16Array.from(lengths);
    const avgDocLength = lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 0;
    return new Bm25Index(
      { params, docCount: doc, avgDocLength, terms: [...termIds.keys()] },
      offsets,
      docs,
      tfs,
      docLengths,
    );
  }

  /** Inverse document frequency of an already-tokenized term (0 for unknown terms). */
  idf(term: string): number {
    const id = this.termIds.get(term);
    if (id === undefined) return 0;
    return this.idfForDocumentFrequency(this.offsets[id + 1]! - this.offsets[id]!);
  }

  idfForDocumentFrequency(df: number): number {
    return Math.log(1 + (this.meta.docCount - df + 0.5) / (df + 0.5));
  }

  /** The `k` best passages for the query, best first; passages sharing no term are not returned. */
  search(query: string, k: number): LexicalHit[] {
    const { k1, b } = this.meta.params;
    const avg = this.meta.avgDocLength || 1;
    const touched: number[] = [];
    const scores = this.scores;
    for (const term of new Set(tokenize(query))) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const idf = this.idf(term);
      for (let p = this.offsets[id]!; p < this.offsets[id + 1]!; p++) {
        const doc = this.docs[p]!;
        const tf = this.tfs[p]!;
        if (scores[doc] === 0) touched.push(doc);
        const norm = k1 * (1 - b + (b * this.docLengths[doc]!) / avg);
        scores[doc]! += (idf * (tf * (k1 + 1))) / (tf + norm);
      }
    }
    const hits = touched.map((doc) => ({ doc, score: scores[doc]! }));
    for (const doc of touched) scores[doc] = 0;
    return topK(hits, k);
  }

  save(dir: string): void {
    fs.writeFileSync(path.join(dir, 'bm25.json'), JSON.stringify(this.meta));
    writeTyped(path.join(dir, 'bm25-offsets.u32'), this.offsets);
    writeTyped(path.join(dir, 'bm25-docs.u32'), this.docs);
    writeTyped(path.join(dir, 'bm25-tfs.u16'), this.tfs);
    writeTyped(path.join(dir, 'bm25-lengths.u16'), this.docLengths);
  }

  static load(dir: string): Bm25Index {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'bm25.json'), 'utf8')) as Bm25Meta;
    const index = new Bm25Index(
      meta,
      readTyped(path.join(dir, 'bm25-offsets.u32'), Uint32Array),
      readTyped(path.join(dir, 'bm25-docs.u32'), Uint32Array),
      readTyped(path.join(dir, 'bm25-tfs.u16'), Uint16Array),
      readTyped(path.join(dir, 'bm25-lengths.u16'), Uint16Array),
    );
    if (index.offsets.length !== meta.terms.length + 1 || index.docLengths.length !== meta.docCount) {
      throw new Error('lexical index files do not match each other');
    }
    return index;
  }
}

/** Best `k` hits by score, ties broken by passage order so results are deterministic. */
export function topK<T extends { score: number; doc: number }>(hits: T[], k: number): T[] {
  return hits.sort((x, y) => y.score - x.score || x.doc - y.doc).slice(0, k);
}

function writeTyped(file: string, array: Uint32Array | Uint16Array): void {
  fs.writeFileSync(file, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
}

function readTyped<T extends Uint32Array | Uint16Array>(
  file: string,
  Type: { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
): T {
  const bytes = fs.readFileSync(file);
  if (bytes.byteLength % Type.BYTES_PER_ELEMENT !== 0) throw new Error(`${path.basename(file)} is truncated`);
  // Copy into an aligned buffer of its own (a Buffer may share an unaligned pool).
  const own = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(own).set(bytes);
  return new Type(own, 0, bytes.byteLength / Type.BYTES_PER_ELEMENT);
}
