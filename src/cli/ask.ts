import fs from 'node:fs';
import readline from 'node:readline';
import type { Coverage } from '../answer/coverage.ts';
import { QuestionError } from '../answer/question.ts';
import { dayAsTime } from '../search/timeScope.ts';
import { answerToJson, formatAnswerForTerminal, formatLatestForTerminal } from './formatAnswer.ts';
import { exitWithError, parseCommandLine, openCoverage, startup, UsageError } from './runtime.ts';

const USAGE = `Usage:
  npm run ask -- "question" [--json] [--now YYYY-MM-DD] [--index DIR]
  npm run ask -- --latest "topic" [--json] [--now YYYY-MM-DD] [--index DIR]   (the newest articles on a topic)
  npm run ask -- --batch questions.jsonl [--now YYYY-MM-DD] [--index DIR]   (lines {"id", "question", "now"?}; one JSON line out per question)
--now is the time of asking ("this week", "latest" are read against it; nothing dated after it counts); default: today.`;

async function main(): Promise<void> {
  const parsed = parseCommandLine(USAGE, {
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      batch: { type: 'string' },
      latest: { type: 'string' },
      now: { type: 'string' },
      index: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (!parsed) return;
  const { values, positionals } = parsed;
  const modes = [values.batch !== undefined, values.latest !== undefined, positionals.length > 0].filter(Boolean).length;
  if (modes === 0) throw new UsageError(`No question given.\n${USAGE}`);
  if (modes > 1) throw new UsageError(`Give one of a question, --latest or --batch.\n${USAGE}`);
  const now = values.now === undefined ? new Date() : dayAsTime(values.now);
  if (!now) throw new UsageError(`--now must be a day, YYYY-MM-DD (got "${values.now}").\n${USAGE}`);
  const { config, log } = startup({ indexDir: values.index });
  const coverage = await openCoverage(config, log);

  if (values.batch) {
    await answerBatch(coverage, values.batch, now);
    return;
  }
  if (values.latest !== undefined) {
    const articles = await coverage.latest(values.latest, { now });
    process.stdout.write(values.json ? `${JSON.stringify({ topic: values.latest, articles })}\n` : `${formatLatestForTerminal(values.latest, articles)}\n`);
    return;
  }
  const answer = await coverage.ask(positionals.join(' '), { now });
  process.stdout.write(values.json ? `${JSON.stringify(answerToJson(answer))}\n` : `${formatAnswerForTerminal(answer, { bold: process.stdout.isTTY })}\n`);
}

/** Answers each line of a JSONL file with the model and index loaded once; bad lines get an error line. */
async function answerBatch(coverage: Coverage, file: string, defaultNow: Date): Promise<void> {
  let input: fs.ReadStream;
  try {
    fs.accessSync(file, fs.constants.R_OK);
    input = fs.createReadStream(file, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the batch file ${file}.`);
  }
  let lineNo = 0;
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    let id: unknown = null;
    try {
      const item = JSON.parse(line) as { id?: unknown; question?: unknown; now?: unknown };
      id = item.id ?? null;
      if (typeof item.question !== 'string') throw new QuestionError('each line needs a "question" string');
      const now = item.now === undefined ? defaultNow : typeof item.now === 'string' ? dayAsTime(item.now) : undefined;
      if (!now) throw new QuestionError('"now" must be a day, YYYY-MM-DD');
      const answer = await coverage.ask(item.question, { now });
      process.stdout.write(`${JSON.stringify({ id, ...answerToJson(answer) })}\n`);
    } catch (err) {
      if (!(err instanceof QuestionError) && !(err instanceof SyntaxError)) throw err;
      process.stdout.write(`${JSON.stringify({ id, line: lineNo, error: err.message })}\n`);
    }
  }
}

main().catch(exitWithError);
