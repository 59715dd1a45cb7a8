import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

/**
 * Approximate nearest neighbours over unit vectors (hnswlib, cosine space). Labels are passage
 * numbers. M and efConstruction trade build time for recall; efSearch is raised per query to
 * at least k so hnswlib can return k results.
 */
export const HNSW_M = 16;
export const HNSW_EF_CONSTRUCTION = 200;
export const HNSW_EF_SEARCH = 64;

export interface DenseHit {
  doc: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

export class VectorIndex {
  private constructor(
    private readonly index: InstanceType<typeof HierarchicalNSW>,
    readonly dimension: number,
  ) {}

  static create(dimension: number, capacity: number): VectorIndex {
    const index = new HierarchicalNSW('cosine', dimension);
    index.initIndex({ maxElements: Math.max(1, capacity), m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCTION, randomSeed: 42 });
    return new VectorIndex(index, dimension);
  }

  static load(file: string, dimension: number): VectorIndex {
    const index = new HierarchicalNSW('cosine', dimension);
    index.readIndexSync(file);
    index.setEf(HNSW_EF_SEARCH);
    return new VectorIndex(index, dimension);
  }

  get size(): number {
    return this.index.getCurrentCount();
  }

  add(vector: Float32Array, label: number): void {
    this.index.addPoint(Array.from(vector), label);
  }

  search(vector: Float32Array, k: number): DenseHit[] {
    const n = Math.min(k, this.size);
    if (n === 0) return [];
    if (n > HNSW_EF_SEARCH) this.index.setEf(n);
    const { neighbors, distances } = this.index.searchKnn(Array.from(vector), n);
    if (n > HNSW_EF_SEARCH) this.index.setEf(HNSW_EF_SEARCH);
    return neighbors.map((doc, i) => ({ doc, similarity: 1 - distances[i]! }));
  }

  save(file: string): void {
    this.index.writeIndexSync(file);
  }
}
