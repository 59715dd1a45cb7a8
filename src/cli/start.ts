import readline from 'node:readline/promises';
import { QuestionError } from '../answer/question.ts';
import { loadCorpus } from '../corpus/load.ts';
import { buildIndex } from '../indexing/buildIndex.ts';
import { loadEmbedder } from '../indexing/embedder.ts';
import { indexStatus } from '../indexing/freshness.ts';
import { formatAnswerForTerminal } from './formatAnswer.ts';
import { progressReporter } from './progress.ts';
import { exitWithError, openCoverage, startup } from './runtime.ts';

/**
 * `npm start`: brings the index up to date with the corpus, then serves questions: the Discord
 * bot when DISCORD_TOKEN is set, otherwise an interactive session in the terminal.
 */
async function main(): Promise<void> {
  const { config, log } = startup();
  const embedder = await loadEmbedder(config.embeddingModel);
  const { articles, skipped } = loadCorpus(config.corpusDir);
  for (const s of skipped) log.warn({ file: s.origin, reason: s.reason }, 'article skipped');
  const status = indexStatus(config.indexDir, articles, embedder.modelId);
  if (status.state !== 'fresh') {
    log.info({ reason: status.reason }, 'building the index');
    await buildIndex({ articles, embedder, indexDir: config.indexDir, onProgress: progressReporter() });
  }
  const coverage = await openCoverage(config, log, embedder);

  if (config.discord.token) {
    const { runBot } = await import('../discord/bot.ts');
    await runBot({ config, coverage, log });
    return;
  }

  const stats = coverage.stats();
  process.stdout.write(
    `Ask about the coverage (${stats.articles} articles, ${stats.passages} passages). Empty line or Ctrl-D to quit.\n`,
  );
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  rl.setPrompt('> ');
  rl.prompt();
  for await (const line of rl) {
    if (line.trim() === '') break;
    try {
      process.stdout.write(`${formatAnswerForTerminal(await coverage.ask(line))}\n\n`);
    } catch (err) {
      if (!(err instanceof QuestionError)) throw err;
      process.stdout.write(`${err.message}\n\n`);
    }
    rl.prompt();
  }
  rl.close();
}

main().catch(exitWithError);
