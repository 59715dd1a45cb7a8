import { createCoverage, type AnswerWriter } from '../../src/answer/coverageService.ts';
import type { Coverage } from '../../src/answer/coverage.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import { buildIndex } from '../../src/indexing/buildIndex.ts';
import { loadEmbedder, type Embedder } from '../../src/indexing/embedder.ts';
import { loadIndex } from '../../src/search/loadIndex.ts';
import { CORPUS_DIR, OFFLINE_MODEL } from './paths.ts';

const silentLog = { error() {}, warn() {}, info() {}, debug() {} };

let embedder: Promise<Embedder> | undefined;
/** The offline model, loaded once per test file. */
export function offlineEmbedder(): Promise<Embedder> {
  embedder ??= loadEmbedder(OFFLINE_MODEL);
  return embedder;
}

/**
 * Builds a real index of `corpusDir` (default: the project's corpus) into `indexDir` and opens it;
 * `writer` (e.g. createLlmAnswerer) writes the answers when given.
 */
export async function buildSeedCoverage(
  indexDir: string,
  corpusDir = CORPUS_DIR,
  options: { writer?: AnswerWriter } = {},
): Promise<Coverage> {
  const e = await offlineEmbedder();
  await buildIndex({ articles: loadCorpus(corpusDir).articles, embedder: e, indexDir });
  return createCoverage({ index: loadIndex(indexDir, e.modelId), embedder: e, log: silentLog, writer: options.writer });
}
