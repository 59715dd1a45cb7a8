import fs from 'node:fs';
import readline from 'node:readline';
import type { Coverage } from '../answer/coverage.ts';
import { QuestionError } from '../answer/question.ts';
import { answerToJson, formatAnswerForTerminal } from './formatAnswer.ts';
import { exitWithError, parseCommandLine, openCoverage, startup, UsageError } from './runtime.ts';

const USAGE = `Usage:
  npm run ask -- "question" [--json] [--index DIR]
  npm run ask -- --batch questions.jsonl [--index DIR]   (lines {"id", "question"}; one JSON line out per question)`;

async function main(): Promise<void> {
  const parsed = parseCommandLine(USAGE, {
    allowPositionals: true,
    options: { json: { type: 'boolean' }, batch: { type: 'string' }, index: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (!parsed) return;
  const { values, positionals } = parsed;
  if (!values.batch && positionals.length === 0) throw new UsageError(`No question given.\n${USAGE}`);
  if (values.batch && positionals.length > 0) throw new UsageError(`Give either a question or --batch, not both.\n${USAGE}`);
  const { config, log } = startup({ indexDir: values.index });
  const coverage = await openCoverage(config, log);

  if (values.batch) {
    await answerBatch(coverage, values.batch);
    return;
  }
  const answer = await coverage.ask(positionals.join(' '));
  process.stdout.write(values.json ? `${JSON.stringify(answerToJson(answer))}\n` : `${formatAnswerForTerminal(answer, { bold: process.stdout.isTTY })}\n`);
}

/** Answers each line of a JSONL file with the model and index loaded once; bad lines get an error line. */
async function answerBatch(coverage: Coverage, file: string): Promise<void> {
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
      const item = JSON.parse(line) as { id?: unknown; question?: unknown };
      id = item.id ?? null;
      if (typeof item.question !== 'string') throw new QuestionError('each line needs a "question" string');
      const answer = await coverage.ask(item.question);
      process.stdout.write(`${JSON.stringify({ id, ...answerToJson(answer) })}\n`);
    } catch (err) {
      if (!(err instanceof QuestionError) && !(err instanceof SyntaxError)) throw err;
      process.stdout.write(`${JSON.stringify({ id, line: lineNo, error: err.message })}\n`);
    }
  }
}

main().catch(exitWithError);
