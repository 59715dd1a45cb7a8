import fs from 'node:fs';
import path from 'node:path';
import { tokenize, TOKENIZER_VERSION } from './tokenize.ts';

/**
 * Okapi BM25 over passages, stored as flat typed arrays so a million passages load in one read
 * per file and cost a few bytes per posting (no per-document objects).
 *   k1: how fast repeated terms saturate; b: how much long passages are penalised.
 *
 * Besides the postings, each passage's terms are kept in order (`bm25-seq.u32`, read from disk
 * on demand), so reranking can see where question words stand in a passage without reading and
 * tokenizing its text again.
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

/** A distinct question term: as tokenized, as matched against the index, and its idf (0 if unmatched). */
export interface QueryTerm {
  term: string;
  matched: string;
  /** Id of the matched term in the index, or -1. */
  id: number;
  idf: number;
}

interface Bm25Meta {
  params: Bm25Parameters;
  docCount: number;
  avgDocLength: number;
  terms: string[];
  /** TOKENIZER_VERSION the terms were made with (absent in indexes from before it existed). */
  tokenizer?: number;
}

const FILE = {
  meta: 'bm25.json',
  offsets: 'bm25-offsets.u32',
  docs: 'bm25-docs.u32',
  tfs: 'bm25-tfs.u16',
  lengths: 'bm25-lengths.u16',
  sequence: 'bm25-seq.u32',
  sequenceOffsets: 'bm25-seq-offsets.u32',
} as const;

/** Where each passage's term sequence is: in memory after a build, in a file after a load. */
type Sequences =
  | { kind: 'memory'; offsets: Uint32Array; ids: Uint32Array }
  | { kind: 'file'; offsets: Uint32Array; file: string }
  | { kind: 'none' };

export class Bm25Index {
  private readonly termIds: Map<string, number>;
  /** Reused score accumulator: search is synchronous, so one buffer serves every query. */
  private readonly scores: Float32Array;
  private norms: Float32Array | undefined;
  /** Indexed terms by first letter and length, built on the first unknown query term. */
  private fuzzyBuckets: Map<string, number[]> | undefined;

  private constructor(
    private readonly meta: Bm25Meta,
    /** postings of term t are [offsets[t], offsets[t+1]) in docs/tfs */
    private readonly offsets: Uint32Array,
    private readonly docs: Uint32Array,
    private readonly tfs: Uint16Array,
    private readonly docLengths: Uint16Array,
    private readonly sequences: Sequences,
  ) {
    this.termIds = new Map(meta.terms.map((t, i) => [t, i]));
    this.scores = new Float32Array(meta.docCount);
  }

  get docCount(): number {
    return this.meta.docCount;
  }

  /** The tokenizer version the index was built with (0: before versions were recorded). */
  get tokenizerVersion(): number {
    return this.meta.tokenizer ?? 0;
  }

  static build(texts: Iterable<string>, params: Bm25Parameters = DEFAULT_BM25): Bm25Index {
    // One pass tokenizes every text into a flat sequence of term ids; postings are then counted
    // from it. Typed arrays that grow by doubling keep a million passages in a few hundred MB.
    const termIds = new Map<string, number>();
    const terms: string[] = [];
    let seq = new Uint32Array(1 << 16);
    let seqLength = 0;
    let seqOffsets = new Uint32Array(1 << 12);
    let lengths = new Uint16Array(1 << 12);
    let doc = 0;
    for (const text of texts) {
      const tokens = tokenize(text);
      if (doc + 2 > seqOffsets.length) {
        seqOffsets = grow(seqOffsets, (doc + 2) * 2);
        lengths = grow(lengths, (doc + 2) * 2);
      }
      if (seqLength + tokens.length > seq.length) seq = grow(seq, Math.max(seq.length * 2, seqLength + tokens.length));
      seqOffsets[doc] = seqLength;
      for (const token of tokens) {
        let id = termIds.get(token);
        if (id === undefined) {
          id = terms.length;
          termIds.set(token, id);
          terms.push(token);
        }
        seq[seqLength++] = id;
      }
      lengths[doc] = Math.min(tokens.length, 0xffff);
      doc++;
    }
    seqOffsets[doc] = seqLength;
    const termCount = terms.length;

    // Document frequencies, then postings in passage order.
    const seenIn = new Int32Array(termCount).fill(-1);
    const df = new Uint32Array(termCount);
    for (let d = 0; d < doc; d++) {
      for (let i = seqOffsets[d]!; i < seqOffsets[d + 1]!; i++) {
        const id = seq[i]!;
        if (seenIn[id] !== d) {
          seenIn[id] = d;
          df[id]!++;
        }
      }
    }
    const offsets = new Uint32Array(termCount + 1);
    for (let t = 0; t < termCount; t++) offsets[t + 1] = offsets[t]! + df[t]!;
    const total = offsets[termCount]!;
    const docs = new Uint32Array(total);
    const tfs = new Uint16Array(total);
    const cursor = offsets.slice(0, termCount);
    const slot = new Uint32Array(termCount);
    seenIn.fill(-1);
    for (let d = 0; d < doc; d++) {
      for (let i = seqOffsets[d]!; i < seqOffsets[d + 1]!; i++) {
        const id = seq[i]!;
        if (seenIn[id] !== d) {
          seenIn[id] = d;
          const at = cursor[id]!++;
          slot[id] = at;
          docs[at] = d;
          tfs[at] = 1;
        } else if (tfs[slot[id]!]! < 0xffff) {
          tfs[slot[id]!]!++;
        }
      }
    }
    const docLengths = lengths.slice(0, doc);
    let sum = 0;
    for (const len of docLengths) sum += len;
    return new Bm25Index(
      { params, docCount: doc, avgDocLength: doc ? sum / doc : 0, terms, tokenizer: TOKENIZER_VERSION },
      offsets,
      docs,
      tfs,
      docLengths,
      { kind: 'memory', offsets: seqOffsets.slice(0, doc + 1), ids: seq.slice(0, seqLength) },
    );
  }

  get avgDocLength(): number {
    return this.meta.avgDocLength;
  }

  get params(): Bm25Parameters {
    return this.meta.params;
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

  /** Passages containing the term. */
  documentFrequency(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.offsets[id + 1]! - this.offsets[id]!;
  }

  /** The id of an indexed term, or -1. */
  termId(term: string): number {
    return this.termIds.get(term) ?? -1;
  }

  /** Number of tokens BM25 counted for the passage (its title included). */
  docLength(doc: number): number {
    return this.docLengths[doc]!;
  }

  /** Whether passages' term sequences are available (indexes built before them have none). */
  get hasSequences(): boolean {
    return this.sequences.kind !== 'none';
  }

  /**
   * The term ids of each passage in `docs`, in text order (title first), read in one go. Empty
   * arrays when the index has no sequences.
   */
  termSequences(docs: number[]): Uint32Array[] {
    const s = this.sequences;
    if (s.kind === 'none') return docs.map(() => new Uint32Array(0));
    if (s.kind === 'memory') return docs.map((d) => s.ids.subarray(s.offsets[d]!, s.offsets[d + 1]!));
    let total = 0;
    for (const d of docs) total += s.offsets[d + 1]! - s.offsets[d]!;
    const all = new Uint32Array(total);
    const bytes = new Uint8Array(all.buffer);
    const out: Uint32Array[] = [];
    const fd = fs.openSync(s.file, 'r');
    try {
      let at = 0;
      for (const d of docs) {
        const n = s.offsets[d + 1]! - s.offsets[d]!;
        if (n > 0) fs.readSync(fd, bytes, at * 4, n * 4, s.offsets[d]! * 4);
        out.push(all.subarray(at, at + n));
        at += n;
      }
    } finally {
      fs.closeSync(fd);
    }
    return out;
  }

  /**
   * The distinct terms of a question as they will be matched. A term the coverage never uses
   * (often a misspelling: "pleuobrachia", "seige") is matched as the most frequent indexed term
   * one edit away (two for long words), so `matched` may differ from `term`.
   */
  queryTerms(query: string): QueryTerm[] {
    const out: QueryTerm[] = [];
    for (const term of new Set(tokenize(query))) {
      const matched: string | undefined = this.termIds.has(term) ? term : this.closestTerm(term);
      const id = matched === undefined ? -1 : this.termIds.get(matched)!;
      out.push({ term, matched: matched ?? term, id, idf: id < 0 ? 0 : this.idfForDocumentFrequency(this.offsets[id + 1]! - this.offsets[id]!) });
    }
    return out;
  }

  /** The `k` best passages for the query, best first; passages sharing no term are not returned. */
  search(query: string, k: number): LexicalHit[] {
    return this.searchTerms(this.queryTerms(query), k);
  }

  /** BM25 of one term occurring `tf` times in a passage of `docLength` tokens. */
  termScore(idf: number, tf: number, docLength: number): number {
    const { k1, b } = this.meta.params;
    const norm = k1 * (1 - b + (b * docLength) / (this.meta.avgDocLength || 1));
    return (idf * (tf * (k1 + 1))) / (tf + norm);
  }

  /**
   * The `k` best passages for already-resolved query terms (see queryTerms), best first; with
   * `accept`, only among the passages it accepts (e.g. those of a period).
   */
  searchTerms(terms: QueryTerm[], k: number, accept?: (doc: number) => boolean): LexicalHit[] {
    const { k1, b } = this.meta.params;
    const avg = this.meta.avgDocLength || 1;
    const scores = this.scores;
    const touched: number[] = [];
    const offsets = this.offsets;
    const docs = this.docs;
    const tfs = this.tfs;
    // Per-passage length normalisation, precomputed once: k1 * (1 - b + b * len / avg).
    const norms = (this.norms ??= Float32Array.from(this.docLengths, (len) => k1 * (1 - b + (b * len) / avg)));
    const seen = new Set<number>();
    for (const t of terms) {
      const id = t.id >= 0 ? t.id : this.termIds.get(t.matched);
      if (id === undefined || seen.has(id)) continue;
      seen.add(id);
      const idf = this.idfForDocumentFrequency(offsets[id + 1]! - offsets[id]!);
      const scale = idf * (k1 + 1);
      for (let p = offsets[id]!, end = offsets[id + 1]!; p < end; p++) {
        const doc = docs[p]!;
        const tf = tfs[p]!;
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += (scale * tf) / (tf + norms[doc]!);
      }
    }
    const hits = topKOf(accept ? touched.filter(accept) : touched, scores, k);
    for (const doc of touched) scores[doc] = 0;
    return hits;
  }

  /** The most frequent indexed term within one edit (two for words of 8+ letters), if any. */
  private closestTerm(term: string): string | undefined {
    if (term.length < 4 || !/^\p{L}+$/u.test(term)) return undefined;
    const maxEdits = term.length >= 8 ? 2 : 1;
    const buckets = (this.fuzzyBuckets ??= bucketTerms(this.meta.terms));
    let best: { id: number; edits: number; df: number } | undefined;
    for (let len = term.length - maxEdits; len <= term.length + maxEdits; len++) {
      for (const id of buckets.get(`${term[0]}${len}`) ?? []) {
        const edits = editDistanceWithin(term, this.meta.terms[id]!, maxEdits);
        if (edits > maxEdits) continue;
        const df = this.offsets[id + 1]! - this.offsets[id]!;
        if (!best || edits < best.edits || (edits === best.edits && df > best.df)) best = { id, edits, df };
      }
    }
    return best === undefined ? undefined : this.meta.terms[best.id];
  }

  save(dir: string): void {
    fs.writeFileSync(path.join(dir, FILE.meta), JSON.stringify(this.meta));
    writeTyped(path.join(dir, FILE.offsets), this.offsets);
    writeTyped(path.join(dir, FILE.docs), this.docs);
    writeTyped(path.join(dir, FILE.tfs), this.tfs);
    writeTyped(path.join(dir, FILE.lengths), this.docLengths);
    const s = this.sequences;
    if (s.kind === 'memory') {
      writeTyped(path.join(dir, FILE.sequence), s.ids);
      writeTyped(path.join(dir, FILE.sequenceOffsets), s.offsets);
    }
  }

  static load(dir: string): Bm25Index {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, FILE.meta), 'utf8')) as Bm25Meta;
    // Term sequences stay on disk; only where each passage's starts is read now.
    let sequences: Sequences = { kind: 'none' };
    const sequenceFile = path.join(dir, FILE.sequence);
    if (fs.existsSync(sequenceFile)) {
      const offsets = readTyped(path.join(dir, FILE.sequenceOffsets), Uint32Array);
      if (offsets.length !== meta.docCount + 1 || fs.statSync(sequenceFile).size !== offsets[meta.docCount]! * 4) {
        throw new Error('lexical term sequences do not match the index');
      }
      sequences = { kind: 'file', offsets, file: sequenceFile };
    }
    const index = new Bm25Index(
      meta,
      readTyped(path.join(dir, FILE.offsets), Uint32Array),
      readTyped(path.join(dir, FILE.docs), Uint32Array),
      readTyped(path.join(dir, FILE.tfs), Uint16Array),
      readTyped(path.join(dir, FILE.lengths), Uint16Array),
      sequences,
    );
    if (index.offsets.length !== meta.terms.length + 1 || index.docLengths.length !== meta.docCount) {
      throw new Error('lexical index files do not match each other');
    }
    return index;
  }
}

function grow<T extends Uint32Array | Uint16Array>(array: T, length: number): T {
  const bigger = new (array.constructor as { new (n: number): T })(length);
  bigger.set(array);
  return bigger;
}

/** Best `k` hits by score, ties broken by passage order so results are deterministic. */
export function topK<T extends { score: number; doc: number }>(hits: T[], k: number): T[] {
  return hits.sort((x, y) => y.score - x.score || x.doc - y.doc).slice(0, k);
}

/** `x` ranks before `y`: higher score, then lower passage number. */
const before = (sx: number, dx: number, sy: number, dy: number) => sx > sy || (sx === sy && dx < dy);

/**
 * The `k` best of `docs` by `scores[doc]`, best first, with a bounded min-heap: O(n log k)
 * instead of sorting every passage that shares a word with the question.
 */
export function topKOf(docs: number[], scores: Float32Array, k: number): LexicalHit[] {
  if (k <= 0) return [];
  const heap: number[] = []; // docs; heap[0] is the worst of the kept ones
  const worse = (i: number, j: number) => before(scores[heap[j]!]!, heap[j]!, scores[heap[i]!]!, heap[i]!);
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(l, m)) m = l;
      if (r < heap.length && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (const doc of docs) {
    if (heap.length < k) {
      heap.push(doc);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (before(scores[doc]!, doc, scores[heap[0]!]!, heap[0]!)) {
      heap[0] = doc;
      siftDown(0);
    }
  }
  return heap
    .map((doc) => ({ doc, score: scores[doc]! }))
    .sort((x, y) => y.score - x.score || x.doc - y.doc);
}

function bucketTerms(terms: string[]): Map<string, number[]> {
  const buckets = new Map<string, number[]>();
  terms.forEach((t, id) => {
    const key = `${t[0]}${t.length}`;
    let list = buckets.get(key);
    if (!list) buckets.set(key, (list = []));
    list.push(id);
  });
  return buckets;
}

/**
 * Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent swaps),
 * or `max + 1` as soon as it must exceed `max`.
 */
export function editDistanceWithin(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

function writeTyped(file: string, array: Uint32Array | Uint16Array): void {
  fs.writeFileSync(file, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
}

function readTyped<T extends Uint32Array | Uint16Array>(
  file: string,
  Type: { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
): T {
  // Read straight into an aligned buffer of its own: no second copy of large files in memory.
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size % Type.BYTES_PER_ELEMENT !== 0) throw new Error(`${path.basename(file)} is truncated`);
    const own = new ArrayBuffer(size);
    const bytes = new Uint8Array(own);
    for (let at = 0; at < size; ) {
      const n = fs.readSync(fd, bytes, at, Math.min(size - at, 1 << 30), at);
      if (n === 0) throw new Error(`${path.basename(file)} is truncated`);
      at += n;
    }
    return new Type(own, 0, size / Type.BYTES_PER_ELEMENT);
  } finally {
    fs.closeSync(fd);
  }
}
