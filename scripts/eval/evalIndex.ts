/**
 * The index an eval script runs on, shared by `npm run eval` and `npm run eval-followups`:
 * `--corpus` alone builds a fresh index in a temporary folder; with `--index` it is (re)built
 * there when missing or out of date (`rebuild` forces it); `--index` alone is used as it is;
 * neither uses CORPUS_DIR / INDEX_DIR like `npm start`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startup } from '../../src/cli/runtime.ts';
import type { Config } from '../../src/config.ts';
import type { Article } from '../../src/corpus/article.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import { buildIndex } from '../../src/indexing/buildIndex.ts';
import { loadEmbedder, type Embedder } from '../../src/indexing/embedder.ts';
import { indexStatus } from '../../src/indexing/freshness.ts';
import { DEFAULT_CHUNKING } from '../../src/indexing/passages.ts';
import { loadIndex, type LoadedIndex } from '../../src/search/loadIndex.ts';
import { TOKENIZER_VERSION } from '../../src/search/tokenize.ts';
import { count } from '../../src/plural.ts';

export interface EvalIndexOptions {
  corpus?: string;
  index?: string;
  rebuild?: boolean;
  /** No progress lines on stderr (for --json). */
  quiet?: boolean;
}

export interface EvalIndex {
  config: Config;
  embedder: Embedder;
  index: LoadedIndex;
  /** The corpus, when one is in play: quotes can then be checked against the source files. */
  articles?: Article[];
  /** Time spent building the index, or null when an existing one was used. */
  buildMs: number | null;
  /** Closes the index and removes it when it was temporary. */
  dispose(): void;
}

export async function openEvalIndex(options: EvalIndexOptions): Promise<EvalIndex> {
  const temporary = options.corpus !== undefined && options.index === undefined;
  const indexDir = temporary ? fs.mkdtempSync(path.join(os.tmpdir(), 'coverage-eval-')) : options.index;
  const removeTemporary = () => {
    if (temporary && indexDir) fs.rmSync(indexDir, { recursive: true, force: true });
  };
  try {
    const { config } = startup({ corpusDir: options.corpus, indexDir });
    const embedder = await loadEmbedder(config.embeddingModel);
    const useCorpus = options.corpus !== undefined || options.index === undefined;
    const articles = useCorpus ? loadCorpus(config.corpusDir).articles : undefined;
    let buildMs: number | null = null;
    if (articles) {
      const status = indexStatus(config.indexDir, articles, embedder.modelId);
      // The freshness check compares articles and model; chunking and tokenizer changes count too here.
      const outdated = status.state === 'fresh' && indexOutdated(config.indexDir);
      if (options.rebuild || status.state !== 'fresh' || outdated) {
        if (!options.quiet) process.stderr.write(`building the index of ${count(articles.length, 'article')} in ${config.indexDir}\n`);
        const t0 = performance.now();
        await buildIndex({ articles, embedder, indexDir: config.indexDir });
        buildMs = performance.now() - t0;
      }
    }
    const index = loadIndex(config.indexDir, embedder.modelId);
    if (!articles && indexOutdated(config.indexDir)) {
      process.stderr.write('warning: the index was built with other chunking or tokenizer settings; pass --corpus to rebuild it\n');
    }
    return {
      config,
      embedder,
      index,
      articles,
      buildMs,
      dispose() {
        index.close();
        removeTemporary();
      },
    };
  } catch (err) {
    removeTemporary();
    throw err;
  }
}

/** True when the index was made with other chunking or another tokenizer than this code's. */
function indexOutdated(indexDir: string): boolean {
  const index = loadIndex(indexDir);
  try {
    return (
      JSON.stringify(index.manifest.chunking) !== JSON.stringify(DEFAULT_CHUNKING) ||
      index.lexical.tokenizerVersion !== TOKENIZER_VERSION
    );
  } finally {
    index.close();
  }
}
