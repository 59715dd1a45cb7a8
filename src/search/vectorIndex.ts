import { Worker } from 'node:worker_threads';
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

/**
 * Approximate nearest neighbours over unit vectors (hnswlib, cosine space). Graph labels are
 * stable passage ids (see Manifest.nextPassageId), so an incremental re-index can keep the graph
 * of the previous generation: unchanged passages stay, removed ones are marked deleted and their
 * slots are reused by new passages. M and efConstruction trade build time for recall; efSearch
 * is raised per query to at least k so hnswlib can return k results.
 */
export const HNSW_M = 16;
export const HNSW_EF_CONSTRUCTION = 64;
export const HNSW_EF_SEARCH = 128;

type Hnsw = InstanceType<typeof HierarchicalNSW>;

export interface DenseHit {
  /** Passage number in the loaded generation. */
  doc: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

/**
 * The graph as an index build changes it: vectors added, removed (marked deleted) and read back
 * by passage id. `elements` counts deleted ones too, until a later addition reuses their slot.
 */
export class VectorGraph {
  private constructor(
    private readonly index: Hnsw,
    readonly dimension: number,
    private deletedCount: number,
    private removedCount: number,
  ) {}

  static create(dimension: number, capacity: number): VectorGraph {
    const index = new HierarchicalNSW('cosine', dimension);
    index.initIndex({
      maxElements: Math.max(1, capacity),
      m: HNSW_M,
      efConstruction: HNSW_EF_CONSTRUCTION,
      randomSeed: 42,
      allowReplaceDeleted: true,
    });
    return new VectorGraph(index, dimension, 0, 0);
  }

  /** Opens a saved graph for changes, with its `deleted` and `churn` counts from the manifest. */
  static read(file: string, dimension: number, counts: { deleted: number; churn: number }): VectorGraph {
    const index = new HierarchicalNSW('cosine', dimension);
    index.readIndexSync(file, true);
    return new VectorGraph(index, dimension, counts.deleted, counts.churn);
  }

  get elements(): number {
    return this.index.getCurrentCount();
  }

  get deleted(): number {
    return this.deletedCount;
  }

  /**
   * Vectors removed since the graph was built from scratch. A reused slot keeps some links that
   * suited its old vector, so recall slowly drops as this grows.
   */
  get churn(): number {
    return this.removedCount;
  }

  /** Makes room for `additions` more vectors (deleted slots are reused first). */
  reserve(additions: number): void {
    const needed = this.elements + Math.max(0, additions - this.deletedCount);
    if (needed > this.index.getMaxElements()) this.index.resizeIndex(needed);
  }

  /** Adds a vector under a passage id never used in this graph before (call `reserve` first). */
  add(vector: Float32Array, id: number): void {
    this.index.addPoint(Array.from(vector), id, this.deletedCount > 0);
    if (this.deletedCount > 0) this.deletedCount--;
  }

  remove(id: number): void {
    this.index.markDelete(id);
    this.deletedCount++;
    this.removedCount++;
  }

  /** The stored (unit-length) vector of a passage. */
  vector(id: number): Float32Array {
    return Float32Array.from(this.index.getPoint(id));
  }

  save(file: string): void {
    this.index.writeIndexSync(file);
  }
}

/**
 * A new graph built on a worker thread (src/search/graphWorker.mjs): `add` hands vectors over
 * and returns at once, `save` waits until all are inserted and the file is written. Same
 * parameters, seed and insertion order as VectorGraph, so the same graph; used by full builds,
 * where insertion otherwise runs after embedding and BM25 on one core.
 */
export class BackgroundGraph {
  private readonly worker: Worker;
  private failure: Error | undefined;
  private readonly done: Promise<{ elements: number }>;

  constructor(
    readonly dimension: number,
    capacity: number,
  ) {
    this.worker = new Worker(new URL('./graphWorker.mjs', import.meta.url));
    this.done = new Promise((resolve, reject) => {
      this.worker.on('message', (msg: { elements?: number; error?: string }) => {
        if (msg.error !== undefined) reject((this.failure = new Error(`vector graph: ${msg.error}`)));
        else resolve({ elements: msg.elements! });
      });
      this.worker.on('error', (err) => reject((this.failure = err)));
      this.worker.on('exit', (code) => reject((this.failure ??= new Error(`vector graph worker exited (${code})`))));
    });
    this.done.catch(() => {}); // reported by save()
    this.worker.postMessage({
      init: { dimension, capacity, m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCTION, randomSeed: 42 },
    });
  }

  /** Queues vectors for insertion under passage ids never used in this graph. */
  add(vectors: Float32Array[], ids: ArrayLike<number>): void {
    if (this.failure) throw this.failure;
    const flat = new Float32Array(vectors.length * this.dimension);
    vectors.forEach((v, i) => flat.set(v, i * this.dimension));
    const idArray = Uint32Array.from({ length: vectors.length }, (_, i) => ids[i]!);
    this.worker.postMessage({ vectors: flat, ids: idArray }, [flat.buffer, idArray.buffer]);
  }

  /** Waits for every queued vector, writes the graph, ends the thread; its element count. */
  async save(file: string): Promise<number> {
    if (!this.failure) this.worker.postMessage({ save: file });
    try {
      return (await this.done).elements;
    } finally {
      await this.worker.terminate();
    }
  }

  /** Ends the thread without saving (a failed build). */
  async abandon(): Promise<void> {
    await this.worker.terminate();
  }
}

/** A loaded graph for searching; hits are translated from passage ids to passage numbers. */
export class VectorIndex {
  private constructor(
    private readonly index: Hnsw,
    readonly dimension: number,
    /** Stable id of each passage, strictly ascending: passage number = position in this array. */
    private readonly passageIds: Uint32Array,
  ) {}

  static load(file: string, dimension: number, passageIds: Uint32Array): VectorIndex {
    const index = new HierarchicalNSW('cosine', dimension);
    index.readIndexSync(file);
    index.setEf(HNSW_EF_SEARCH);
    return new VectorIndex(index, dimension, passageIds);
  }

  /** Elements in the graph, deleted ones included. */
  get elements(): number {
    return this.index.getCurrentCount();
  }

  /** The stored (unit-length) vector of passage number `doc`. */
  vector(doc: number): Float32Array {
    return Float32Array.from(this.index.getPoint(this.passageIds[doc]!));
  }

  search(vector: Float32Array, k: number): DenseHit[] {
    const n = Math.min(k, this.passageIds.length);
    if (n === 0) return [];
    if (n > HNSW_EF_SEARCH) this.index.setEf(n);
    const { neighbors, distances } = this.index.searchKnn(Array.from(vector), n);
    if (n > HNSW_EF_SEARCH) this.index.setEf(HNSW_EF_SEARCH);
    const hits: DenseHit[] = [];
    neighbors.forEach((id, i) => {
      const doc = passageNumberOf(this.passageIds, id);
      if (doc !== undefined) hits.push({ doc, similarity: 1 - distances[i]! });
    });
    return hits;
  }
}

/** Position of `id` in the ascending `ids`, or undefined when it is not there. */
export function passageNumberOf(ids: Uint32Array, id: number): number | undefined {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid]!;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}
