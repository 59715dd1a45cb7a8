/**
 * The query side of `npm run bench`, in a process of its own so its memory is that of a process
 * serving questions: loads the index, then answers every question twice over, timing retrieval
 * alone (question already embedded) and the whole answer (embedding included).
 *
 *   node --import tsx scripts/bench/serve.ts --index DIR --questions FILE.jsonl
 * Prints one JSON object on stdout.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createCoverage } from '../../src/answer/coverageService.ts';
import { percentile } from '../../src/eval/metrics.ts';
import { loadEmbedder } from '../../src/indexing/embedder.ts';
import { loadIndex } from '../../src/search/loadIndex.ts';
import { Retriever } from '../../src/search/retriever.ts';

const { values } = parseArgs({ options: { index: { type: 'string' }, questions: { type: 'string' }, model: { type: 'string' } } });
const model = values.model ?? process.env.EMBEDDING_MODEL!;
const questions = fs
  .readFileSync(values.questions!, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => (JSON.parse(l) as { question: string }).question);

const embedder = await loadEmbedder(model);
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const index = loadIndex(values.index!, embedder.modelId);
const loadMs = performance.now() - t0;
const rssLoaded = process.memoryUsage().rss;

const retriever = new Retriever(index);
const coverage = createCoverage({ index, embedder, log: { error() {} } });
const PASSAGES = 8; // as coverageService asks for

// Warm-up: first queries pay for lazy set-up (JIT, caches); they are not timed.
for (const q of questions.slice(0, 20)) await coverage.ask(q);

const vectors: Float32Array[] = [];
const embedMs: number[] = [];
for (const q of questions) {
  const s = performance.now();
  vectors.push((await embedder.embed([q]))[0]!);
  embedMs.push(performance.now() - s);
}
const retrievalMs: number[] = [];
questions.forEach((q, i) => {
  const s = performance.now();
  retriever.retrieve(q, vectors[i]!, PASSAGES);
  retrievalMs.push(performance.now() - s);
});
const answerMs: number[] = [];
let abstained = 0;
for (const q of questions) {
  const s = performance.now();
  const answer = await coverage.ask(q);
  answerMs.push(performance.now() - s);
  if (answer.abstained) abstained++;
}
const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: xs.reduce((a, b) => a + b, 0) / xs.length };
};
process.stdout.write(
  `${JSON.stringify({
    questions: questions.length,
    passages: index.passageCount,
    loadMs,
    rssModelOnlyBytes: rssBefore,
    rssLoadedBytes: rssLoaded,
    rssServingBytes: process.memoryUsage().rss,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    embedMs: stats(embedMs),
    retrievalMs: stats(retrievalMs),
    answerMs: stats(answerMs),
    abstained,
  })}\n`,
);
