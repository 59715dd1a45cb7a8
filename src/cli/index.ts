import type { BuildProgress } from '../indexing/buildIndex.ts';
import { IndexLockedError } from '../indexing/indexLock.ts';
import { formatReindexSummary, reindex } from '../indexing/reindex.ts';
import type { ReindexMessage } from '../indexing/reindexProcess.ts';
import { progressReporter } from './progress.ts';
import { exitWithError, parseCommandLine, startup, UsageError } from './runtime.ts';

const USAGE = `Usage: npm run index -- [--full] [--wait SECONDS] [--json] [--corpus DIR|FILE.jsonl] [--index DIR]
  Embeds only new and changed articles and drops removed ones; --full embeds everything again.
  --wait: how long to wait for another re-index of the same index to finish (default 60).
  --json: one JSON object a line on stdout: {"type":"progress",...} while embedding, then
  {"type":"summary",...} or {"type":"error","name","message"} (what the bot's /reindex reads).`;

async function main(): Promise<void> {
  const parsed = parseCommandLine(USAGE, {
    options: {
      corpus: { type: 'string' },
      index: { type: 'string' },
      full: { type: 'boolean' },
      wait: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (!parsed) return;
  const { values } = parsed;
  const waitSeconds = values.wait === undefined ? 60 : Number(values.wait);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new UsageError(`--wait needs a number of seconds, got "${values.wait}".\n${USAGE}`);
  const { config, log } = startup({ corpusDir: values.corpus, indexDir: values.index });
  const json = values.json === true;
  const emit = (message: ReindexMessage) => process.stdout.write(`${JSON.stringify(message)}\n`);
  try {
    const summary = await reindex({
      config,
      log,
      full: values.full,
      waitMs: waitSeconds * 1000,
      command: values.full ? 'npm run index -- --full' : 'npm run index',
      onWait: (holder) => process.stderr.write(`Waiting up to ${waitSeconds} s for the re-index running since ${holder.since} (pid ${holder.pid})...\n`),
      onProgress: json ? (progress: BuildProgress) => emit({ type: 'progress', progress }) : progressReporter(),
    });
    if (json) emit({ type: 'summary', summary });
    else process.stdout.write(`${formatReindexSummary(summary)}\n`);
  } catch (err) {
    if (json && err instanceof Error) {
      emit({ type: 'error', name: err.name, message: err.message, ...(err instanceof IndexLockedError ? { holder: err.owner } : {}) });
    }
    throw err;
  }
}

main().catch(exitWithError);
