import { ImportProblem } from '../corpus/import/fetch.ts';
import { importArticles, type ImportReport } from '../corpus/import/importer.ts';
import { acquireIndexLock } from '../indexing/indexLock.ts';
import { formatReindexSummary, reindex } from '../indexing/reindex.ts';
import { progressReporter } from './progress.ts';
import { exitWithError, parseCommandLine, startup, UsageError } from './runtime.ts';
import { count } from '../plural.ts';

const USAGE = `Usage: npm run add -- <file|folder|url>... [--no-index] [--max-mb N] [--timeout SECONDS] [--wait SECONDS]
  Imports Markdown/text files with front matter, HTML files and pages, and RSS/Atom feeds (every
  item not yet in the corpus) as Markdown files into the corpus, then re-indexes (--no-index: don't).
  --max-mb: largest file or download (default 5); --timeout: per download (default 20);
  --wait: how long to wait for a re-index already running (default 60).`;

async function main(): Promise<void> {
  const parsed = parseCommandLine(USAGE, {
    allowPositionals: true,
    options: {
      'no-index': { type: 'boolean' },
      'max-mb': { type: 'string' },
      timeout: { type: 'string' },
      wait: { type: 'string' },
      corpus: { type: 'string' },
      index: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (!parsed) return;
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError(`Nothing to add.\n${USAGE}`);
  const number = (name: string, value: string | undefined, fallback: number) => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} needs a number, got "${value}".\n${USAGE}`);
    return n;
  };
  const maxBytes = Math.round(number('max-mb', values['max-mb'], 5) * 1024 * 1024);
  const timeoutMs = number('timeout', values.timeout, 20) * 1000;
  const waitSeconds = number('wait', values.wait, 60);
  const { config, log } = startup({ corpusDir: values.corpus, indexDir: values.index });

  // One lock for the whole run: no other import or re-index changes the corpus or the index meanwhile.
  const lock = await acquireIndexLock(config.indexDir, {
    waitMs: waitSeconds * 1000,
    command: 'npm run add',
    onWait: (holder) => process.stderr.write(`Waiting up to ${waitSeconds} s for the re-index running since ${holder.since} (pid ${holder.pid})...\n`),
  });
  let report: ImportReport;
  try {
    try {
      report = await importArticles(positionals, { corpusDir: config.corpusDir, limits: { maxBytes, timeoutMs } });
    } catch (err) {
      if (err instanceof ImportProblem) throw new UsageError(err.message);
      throw err;
    }
    process.stdout.write(`${formatImportReport(report)}\n`);
    if (report.imported.length === 0) {
      process.stdout.write('Nothing new: the index was not changed.\n');
    } else if (values['no-index']) {
      process.stdout.write('Not re-indexed (--no-index): run `npm run index` to make the new articles searchable.\n');
    } else {
      const summary = await reindex({ config, log, lock, onProgress: progressReporter() });
      process.stdout.write(`${formatReindexSummary(summary)}\n`);
    }
  } finally {
    lock.release();
  }
  if (report.failed.length > 0) process.exitCode = 1;
}

function formatImportReport(report: ImportReport): string {
  const lines: string[] = [];
  const { imported } = report;
  const duplicates = report.skipped.filter((s) => s.duplicate);
  const problems = report.skipped.filter((s) => !s.duplicate);
  lines.push(`Imported ${count(imported.length, 'article')}${imported.length > 0 ? ':' : '.'}`);
  for (const a of imported) lines.push(`  ${a.id}: ${a.title}${a.url ? ` <${a.url}>` : ''}${a.input !== a.url ? ` (from ${a.input})` : ''}`);
  if (duplicates.length > 0) {
    lines.push(`Already in the corpus, skipped (${duplicates.length}):`, ...duplicates.map((s) => `  ${s.input}: ${s.reason}`));
  }
  if (problems.length > 0) {
    lines.push(`Could not import (${problems.length}):`, ...problems.map((s) => `  ${s.input}: ${s.reason}`));
  }
  return lines.join('\n');
}

main().catch(exitWithError);
