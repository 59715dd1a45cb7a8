/**
 * `npm run check-embedder -- [--corpus FILE.jsonl|DIR] [--reference MODEL_DIR] [--limit N]`
 *
 * Embeds the same passages (split and prepared exactly as the index build does) with the embedded
 * static model and with the reference ONNX model it reproduces (default
 * ../shared/models/glove-6b-100d-sif, run through Transformers.js), and prints the minimum and mean
 * cosine between the two, the passages whose cosine is lowest, and each model's embedding rate.
 * Default corpus: ../shared/eval/news/reuters-1987.jsonl (every passage; `--limit` takes the first N).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCorpus } from '../src/corpus/load.ts';
import { EMBEDDED_MODEL_ID, loadEmbedder, type Embedder } from '../src/indexing/embedder.ts';
import { splitPassages } from '../src/indexing/passages.ts';
import { passageSearchText } from '../src/indexing/searchText.ts';

const REPO = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: path.resolve(REPO, '../shared/eval/news/reuters-1987.jsonl') },
    reference: { type: 'string', default: path.resolve(REPO, '../shared/models/glove-6b-100d-sif') },
    limit: { type: 'string' },
  },
});

async function timed(embedder: Embedder, texts: string[]): Promise<{ vectors: Float32Array[]; perSecond: number }> {
  const t0 = performance.now();
  const vectors: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += 32) vectors.push(...(await embedder.embed(texts.slice(i, i + 32))));
  return { vectors, perSecond: texts.length / ((performance.now() - t0) / 1000) };
}

async function main(): Promise<void> {
  for (const [what, p] of [['corpus', values.corpus!], ['reference model', values.reference!]] as const) {
    if (!fs.existsSync(p)) throw new Error(`The ${what} ${p} does not exist (pass --${what === 'corpus' ? 'corpus' : 'reference'}).`);
  }
  const texts: string[] = [];
  for (const a of loadCorpus(values.corpus!).articles) for (const s of splitPassages(a.body)) texts.push(passageSearchText(a, a.body.slice(s.start, s.end)));
  if (values.limit) texts.length = Math.min(texts.length, Number(values.limit));

  const embedded = await loadEmbedder(EMBEDDED_MODEL_ID);
  const reference = await loadEmbedder(values.reference!);
  const mine = await timed(embedded, texts);
  const theirs = await timed(reference, texts);

  const cosines = mine.vectors.map((v, i) => {
    const w = theirs.vectors[i]!;
    let dot = 0;
    for (let d = 0; d < v.length; d++) dot += v[d]! * w[d]!;
    return dot;
  });
  const order = cosines.map((c, i) => [c, i] as const).sort((a, b) => a[0] - b[0]);
  const mean = cosines.reduce((s, c) => s + c, 0) / cosines.length;
  const below = cosines.filter((c) => !(c >= 0.999)).length;
  console.log(`passages: ${texts.length} from ${values.corpus}`);
  console.log(`cosine(${EMBEDDED_MODEL_ID}, ${path.basename(values.reference!)}): min ${order[0]![0].toFixed(6)}, mean ${mean.toFixed(6)}, below 0.999: ${below}`);
  for (const [c, i] of order.slice(0, 3)) console.log(`  lowest ${c.toFixed(6)}: ${JSON.stringify(texts[i]!.slice(0, 100))}`);
  console.log(`embedding rate: ${EMBEDDED_MODEL_ID} ${mine.perSecond.toFixed(0)}/s, ONNX reference ${theirs.perSecond.toFixed(0)}/s`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
