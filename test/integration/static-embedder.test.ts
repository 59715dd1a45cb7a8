import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { env } from '@xenova/transformers';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load.ts';
import { EMBEDDED_MODEL_ID, loadEmbedder, ModelError, modelIdentity } from '../../src/indexing/embedder.ts';
import { splitPassages } from '../../src/indexing/passages.ts';
import { passageSearchText } from '../../src/indexing/searchText.ts';
import { CORPUS_DIR, SHARED_DIR } from '../support/paths.ts';

const REFERENCE = path.join(SHARED_DIR, 'models/glove-6b-100d-sif');

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

/** Text that exercises every step of the tokenizer: case, accents, CJK, control and format characters, special tokens, punctuation, truncation. */
const TRICKY = [
  'The Fed raised rates on Tuesday.',
  'Café RÉSUMÉ naïve Zürich — “quoted” text; l’état',
  'Zelenskyy 中国 met Putin\u00ad in Paris\ton Feb. 12, 2025!\u200b',
  'U.S. oil prices fell 3.5% to $61.20 a barrel (WTI) [CLS] after [SEP]OPEC[UNK] talks',
  'control\u0007chars\u000bglued\fwords and\r\nline breaks\u2028here',
  'İstanbul ﬁnance ＡＢＣ naïveté ǅ',
  `${'peace talks resumed between the two sides '.repeat(80)}and then war`,
];

describe('embedded model (glove-6b-100d)', () => {
  it('is the default, records a name of its own in the manifest and exposes word vectors', async () => {
    expect(modelIdentity('glove-6b-100d')).toBe(EMBEDDED_MODEL_ID);
    const e = await loadEmbedder('glove-6b-100d');
    expect(e.modelId).toBe('glove-6b-100d');
    expect(e.dimension).toBe(100);
    const words = e.words!;
    expect(words.similarity('meet', 'summit')).toBeGreaterThan(0.4);
    expect(words.similarity('meet', 'summit')).toBeGreaterThan(words.similarity('meet', 'banana') + 0.3);
    expect(words.similarity('Purchase', 'BUY')).toBeCloseTo(words.similarity('purchase', 'buy'), 6);
    expect(words.similarity('meet', 'qzxvbnmwk')).toBe(0);
    expect(words.vector('qzxvbnmwk')).toBeUndefined();
    expect(dot(words.vector('summit')!, words.vector('summit')!)).toBeCloseTo(1, 5);
    const [v, empty] = await e.embed(['Rubio and Lavrov hold a phone call', '']);
    expect(dot(v!, v!)).toBeCloseTo(1, 5);
    expect(Array.from(empty!).every((x) => x === 0)).toBe(true);
  });

  it('a hub model that cannot be fetched is an error that says so and names the fixes', async () => {
    // A local port with nothing listening stands in for an unreachable hub.
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
    const { remoteHost, cacheDir } = env;
    env.remoteHost = `http://127.0.0.1:${port}/`;
    env.cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-cache-'));
    try {
      const error = await loadEmbedder('Xenova/no-such-model-here').catch((e: Error) => e);
      expect(error).toBeInstanceOf(ModelError);
      expect((error as Error).message).toMatch(/Could not fetch the embedding model "Xenova\/no-such-model-here" from the Hugging Face hub/);
      expect((error as Error).message).toMatch(/leave EMBEDDING_MODEL unset \(or set it to glove-6b-100d\)/);
      expect((error as Error).message).toMatch(/local Transformers\.js model folder/);
    } finally {
      fs.rmSync(env.cacheDir, { recursive: true, force: true });
      Object.assign(env, { remoteHost, cacheDir });
    }
  });

  it.skipIf(!fs.existsSync(REFERENCE))('gives the vectors of the shared ONNX model it reproduces (cosine >= 0.999)', async () => {
    const mine = await loadEmbedder('glove-6b-100d');
    const reference = await loadEmbedder(REFERENCE);
    const texts = [...TRICKY];
    for (const a of loadCorpus(CORPUS_DIR).articles) for (const s of splitPassages(a.body)) texts.push(passageSearchText(a, a.body.slice(s.start, s.end)));
    const a = await mine.embed(texts);
    const b = await reference.embed(texts);
    const cosines = texts.map((_, i) => dot(a[i]!, b[i]!));
    expect(Math.min(...cosines)).toBeGreaterThanOrEqual(0.999);
  });
});
