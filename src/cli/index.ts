import { parseArgs } from 'node:util';
import { loadCorpus } from '../corpus/load.ts';
import { buildIndex } from '../indexing/buildIndex.ts';
import { loadEmbedder } from '../indexing/embedder.ts';
import { progressReporter } from './progress.ts';
import { exitWithError, startup, UsageError } from './runtime.ts';

const USAGE = 'Usage: npm run index -- [--corpus DIR|FILE.jsonl] [--index DIR]';

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: { corpus: { type: 'string' }, index: { type: 'string' }, full: { type: 'boolean' }, help: { type: 'boolean' } },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { config, log } = startup({ corpusDir: values.corpus, indexDir: values.index });
  const { articles, skipped } = loadCorpus(config.corpusDir);
  for (const s of skipped) log.warn({ file: s.origin, reason: s.reason }, 'article skipped');
  const embedder = await loadEmbedder(config.embeddingModel);
  const result = await buildIndex({ articles, embedder, indexDir: config.indexDir, onProgress: progressReporter() });

  const m = result.manifest;
  const lines = [
    `Indexed ${m.articleCount} article(s), ${m.passageCount} passages, with ${m.model} (${m.dimension} dimensions)`,
    `  in ${(result.timings.totalMs / 1000).toFixed(2)} s (model: ${(result.timings.embedMs / 1000).toFixed(2)} s); ` +
      `${(result.bytesOnDisk / 1024).toFixed(1)} KiB on disk at ${config.indexDir}`,
  ];
  if (skipped.length > 0) {
    lines.push(`Skipped ${skipped.length} article(s):`, ...skipped.map((s) => `  ${s.origin}: ${s.reason}`));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch(exitWithError);
