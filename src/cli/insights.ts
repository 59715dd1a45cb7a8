import { computeInsights, formatInsights } from '../insights/insights.ts';
import { readEntries } from '../insights/questionLog.ts';
import { exitWithError, parseCommandLine, startup, UsageError } from './runtime.ts';

const USAGE = 'Usage: npm run insights -- [--days 7] [--json]   (reads QUESTION_LOG; all servers and the terminal)';

/**
 * `npm run insights`: what readers asked in the last days, from the question log: questions,
 * share answered, the most asked questions the coverage did not answer, feedback. The same
 * report as `/insights` in Discord (there, for that server only).
 */
async function main(): Promise<void> {
  const parsed = parseCommandLine(USAGE, { options: { days: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (!parsed) return;
  const days = parsed.values.days === undefined ? 7 : Number(parsed.values.days);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError(`--days must be a whole number from 1 to 3650.\n${USAGE}`);
  const { config } = startup();
  const { file, retentionDays } = config.questionLog;
  if (retentionDays === 0) {
    process.stdout.write('The question log is off (QUESTION_LOG_DAYS=0): no questions are recorded.\n');
    return;
  }
  const report = computeInsights(await readEntries(file), { days });
  if (parsed.values.json) {
    process.stdout.write(`${JSON.stringify({ log: file, ...report })}\n`);
    return;
  }
  const note = days > retentionDays ? `\n(The log keeps ${retentionDays} days: QUESTION_LOG_DAYS.)` : '';
  process.stdout.write(`${formatInsights(report)}${note}\n`);
}

main().catch(exitWithError);
