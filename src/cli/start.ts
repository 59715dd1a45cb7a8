import readline from 'node:readline/promises';
import { LiveCoverage } from '../answer/liveCoverage.ts';
import { QuestionError } from '../answer/question.ts';
import { loadEmbedder, modelIdentity, type Embedder } from '../indexing/embedder.ts';
import { reindexAtStart } from '../indexing/reindex.ts';
import { formatAnswerForTerminal } from './formatAnswer.ts';
import { progressReporter } from './progress.ts';
import { exitWithError, openCoverage, startup } from './runtime.ts';

/**
 * `npm start`: brings the index up to date with the corpus, then serves questions: the Discord
 * bot when DISCORD_TOKEN is set, otherwise an interactive session in the terminal.
 */
async function main(): Promise<void> {
  const { config, log } = startup();
  let model: Promise<Embedder> | undefined;
  const embedder = () => (model ??= loadEmbedder(config.embeddingModel));
  await reindexAtStart({ config, log, embedder, onProgress: progressReporter(), command: 'npm start' });
  // Answers come from whatever generation CURRENT names: a later re-index is switched to live.
  const coverage = await LiveCoverage.open({
    indexDir: config.indexDir,
    expectedModel: modelIdentity(config.embeddingModel),
    log,
    open: async (index) => openCoverage(config, log, await embedder(), index),
  });

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
      process.stdout.write(`${formatAnswerForTerminal(await coverage.ask(line), { bold: process.stdout.isTTY })}\n\n`);
    } catch (err) {
      if (!(err instanceof QuestionError)) throw err;
      process.stdout.write(`${err.message}\n\n`);
    }
    rl.prompt();
  }
  rl.close();
}

main().catch(exitWithError);
