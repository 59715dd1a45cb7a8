import readline from 'node:readline/promises';
import { LiveCoverage } from '../answer/liveCoverage.ts';
import { QuestionError } from '../answer/question.ts';
import { FeedFollower } from '../corpus/feeds/follower.ts';
import { importFeedItemsInChildProcess } from '../corpus/feeds/importProcess.ts';
import { DEFAULT_FETCH_LIMITS } from '../corpus/import/fetch.ts';
import { loadEmbedder, modelIdentity, type Embedder } from '../indexing/embedder.ts';
import { reindexAtStart } from '../indexing/reindex.ts';
import { reindexInChildProcess } from '../indexing/reindexProcess.ts';
import { QuestionLog } from '../insights/questionLog.ts';
import { formatAnswerForTerminal } from './formatAnswer.ts';
import { progressReporter } from './progress.ts';
import { exitWithError, openCoverage, startup } from './runtime.ts';
import type { Logger } from '../log.ts';
import { count } from '../plural.ts';

/**
 * `npm start`: brings the index up to date with the corpus, then serves questions: the Discord
 * bot when DISCORD_TOKEN is set, otherwise an interactive session in the terminal. Meanwhile the
 * feeds in FEEDS and the followed list are polled, and what they bring is indexed live.
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

  // Questions asked here or in Discord are logged for `npm run insights` (QUESTION_LOG; no user ids).
  const questionLog = await QuestionLog.open(config.questionLog.file, { retentionDays: config.questionLog.retentionDays, log });

  // New and corrected feed articles are imported and re-indexed in child processes (as /reindex), under the same lock.
  const follower = new FeedFollower({
    config,
    log,
    limits: DEFAULT_FETCH_LIMITS,
    reindex: () => reindexInChildProcess({ config, command: 'feed follower' }),
    // Reading a large corpus and extracting pages would hold up answering: imports run in a child too.
    importItems: importFeedItemsInChildProcess,
  });
  const feeds = follower.feeds();
  if (feeds.length > 0) {
    log.info({ feeds, everyMinutes: config.feedPollMinutes, stateDir: config.feedStateDir }, 'following feeds');
  }
  // Started even with no feed yet: `npm run add -- --follow URL` may add one while the bot runs.
  follower.start();
  try {
    if (config.discord.token) {
      const { runBot } = await import('../discord/bot.ts');
      await runBot({ config, coverage, log, questionLog, feeds: () => follower.status() });
      return;
    }
    await terminalSession(coverage, questionLog, log);
  } finally {
    await follower.stop();
    await questionLog.close();
  }
}

async function terminalSession(coverage: LiveCoverage, questionLog: QuestionLog, log: Logger): Promise<void> {
  const stats = coverage.stats();
  process.stdout.write(
    `Ask about the coverage (${count(stats.articles, 'article')}, ${count(stats.passages, 'passage')}). Empty line or Ctrl-D to quit.\n`,
  );
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  rl.setPrompt('> ');
  rl.prompt();
  for await (const line of rl) {
    if (line.trim() === '') break;
    try {
      const answer = await coverage.ask(line, { now: new Date() });
      process.stdout.write(`${formatAnswerForTerminal(answer, { bold: process.stdout.isTTY })}\n\n`);
      await questionLog
        .record({ question: answer.question, answered: !answer.abstained, source: 'terminal' })
        .catch((err: unknown) => log.warn({ err }, 'could not write the question log'));
    } catch (err) {
      if (!(err instanceof QuestionError)) throw err;
      process.stdout.write(`${err.message}\n\n`);
    }
    rl.prompt();
  }
  rl.close();
}

main().catch(exitWithError);
