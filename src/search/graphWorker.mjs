// Builds a new vector graph on its own thread, so graph insertion (the largest cost of a full
// build) runs beside embedding and the lexical index instead of after them. Plain JavaScript so
// it loads the same under tsx, vitest and plain node. Messages, in order:
//   { init: { dimension, capacity, m, efConstruction, randomSeed } }
//   { vectors: Float32Array (dimension values per id), ids: Uint32Array }   (any number of times)
//   { save: file }  ->  replies { elements } once every vector is in and the file is written
// Any failure replies { error } and ends the thread.
import { parentPort } from 'node:worker_threads';
import hnswlib from 'hnswlib-node';

let index;
let point;
parentPort.on('message', (msg) => {
  try {
    if (msg.init) {
      const { dimension, capacity, m, efConstruction, randomSeed } = msg.init;
      index = new hnswlib.HierarchicalNSW('cosine', dimension);
      index.initIndex({ maxElements: Math.max(1, capacity), m, efConstruction, randomSeed, allowReplaceDeleted: true });
      // hnswlib-node takes plain arrays only: one reused array instead of one per point.
      point = new Array(dimension).fill(0);
    } else if (msg.vectors) {
      const { vectors, ids } = msg;
      const dim = point.length;
      for (let i = 0; i < ids.length; i++) {
        for (let d = 0; d < dim; d++) point[d] = vectors[i * dim + d];
        index.addPoint(point, ids[i], false);
      }
    } else if (msg.save) {
      index.writeIndexSync(msg.save);
      parentPort.postMessage({ elements: index.getCurrentCount() });
      parentPort.close();
    }
  } catch (err) {
    parentPort.postMessage({ error: err instanceof Error ? err.message : String(err) });
    parentPort.close();
  }
});
