/**
 * `npm run eval-followups -- --followups FILE.jsonl [--corpus DIR|FILE.jsonl] [--index DIR] [--json] [--details FILE]`
 *
 * Follow-up pairs `{"id", "previous", "question", "answers": [...], "doc_id"?}`: each follow-up is
 * asked twice through the real answering pipeline, alone and with the previous question as
 * context (`Coverage.ask(question, { previousQuestion })`), and scored like `npm run eval`: an
 * accepted answer inside the first three quotes counts as answered right; also abstentions and
 * whether the top passage comes from the gold article (`doc_id`).
 *
 * Index: as `npm run eval` (scripts/eval.ts): `--corpus` alone builds a temporary index, with
 * `--index` it is built there once and reused while the corpus and model are unchanged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createCoverage } from '../src/answer/coverageService.ts';
import type { Answer } from '../src/answer/types.ts';
import { exitWithError, parseCommandLine, UsageError } from '../src/cli/runtime.ts';
import { openEvalIndex } from './eval/evalIndex.ts';
import { count as countOf } from '../src/plural.ts';
import { containsAnswer, readJsonLines } from '../src/eval/questions.ts';
import type { RankedPassage } from '../src/search/retriever.ts';

const USAGE =
  'Usage: npm run eval-followups -- --followups FILE.jsonl [--corpus DIR|FILE.jsonl] [--index DIR] [--json] [--details FILE]';

/** Quotes that count for "answered right", as in `npm run eval`. */
const TOP_QUOTES = 3;

interface FollowUpPair {
  id: string;
  previous: string;
  question: string;
  answers: string[];
  doc_id?: string;
}

interface Outcome {
  correct: boolean;
  abstained: boolean;
  goldFirst: boolean | null;
  searchedAs: string;
  firstQuote: string | null;
}

function readPairs(file: string): FollowUpPair[] {
  return readJsonLines<FollowUpPair>(file, (pair) => {
    if (typeof pair.previous !== 'string' || typeof pair.question !== 'string' || !Array.isArray(pair.answers)) {
      throw new Error('expected {"id", "previous", "question", "answers": [...]}');
    }
  });
}

function outcome(pair: FollowUpPair, answer: Answer, ranked: RankedPassage[]): Outcome {
  const quotes = answer.citations.slice(0, TOP_QUOTES).map((c) => c.quote);
  return {
    correct: !answer.abstained && quotes.some((q) => pair.answers.some((a) => containsAnswer(q, a))),
    abstained: answer.abstained,
    goldFirst: pair.doc_id ? ranked[0]?.articleId === pair.doc_id : null,
    searchedAs: answer.followUp?.searchedAs ?? answer.question,
    firstQuote: quotes[0] ?? null,
  };
}

const pct = (n: number, of: number) => (of === 0 ? '—' : `${((100 * n) / of).toFixed(1)}%`);

async function main(): Promise<void> {
  const parsed = parseCommandLine(USAGE, {
    options: {
      followups: { type: 'string' },
      corpus: { type: 'string' },
      index: { type: 'string' },
      json: { type: 'boolean' },
      details: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (!parsed) return;
  const { values } = parsed;
  if (!values.followups) throw new UsageError(`No follow-up file given.\n${USAGE}`);
  let pairs: FollowUpPair[];
  try {
    pairs = readPairs(values.followups);
  } catch (err) {
    throw new UsageError(`Cannot read the follow-ups in ${values.followups}: ${(err as Error).message}`);
  }

  const { embedder, index, dispose } = await openEvalIndex({ corpus: values.corpus, index: values.index, quiet: values.json });
  try {
    let ranked: RankedPassage[] = [];
    const coverage = createCoverage({
      index,
      embedder,
      log: { error() {} },
      observe: { depth: 1, retrieved: (_q, passages) => (ranked = passages) },
    });

    const rows: Array<{ pair: FollowUpPair; alone: Outcome; withContext: Outcome }> = [];
    for (const pair of pairs) {
      const alone = outcome(pair, await coverage.ask(pair.question), ranked);
      const withContext = outcome(pair, await coverage.ask(pair.question, { previousQuestion: pair.previous }), ranked);
      rows.push({ pair, alone, withContext });
    }

    const total = rows.length;
    const count = (pick: (r: (typeof rows)[number]) => boolean) => rows.filter(pick).length;
    const gold = rows.filter((r) => r.pair.doc_id).length;
    const summary = {
      followUps: total,
      alone: {
        correct: count((r) => r.alone.correct),
        abstained: count((r) => r.alone.abstained),
        goldFirst: count((r) => r.alone.goldFirst === true),
      },
      withContext: {
        correct: count((r) => r.withContext.correct),
        abstained: count((r) => r.withContext.abstained),
        goldFirst: count((r) => r.withContext.goldFirst === true),
      },
      gainedByContext: count((r) => r.withContext.correct && !r.alone.correct),
      lostByContext: count((r) => r.alone.correct && !r.withContext.correct),
    };
    if (values.details) {
      fs.writeFileSync(values.details, rows.map((r) => JSON.stringify({ id: r.pair.id, ...r })).join('\n') + '\n');
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ file: values.followups, passages: index.manifest.passageCount, ...summary })}\n`);
      return;
    }
    const line = (label: string, s: typeof summary.alone) =>
      `${label.padEnd(22)}${pct(s.correct, total).padStart(8)}${pct(s.abstained, total).padStart(12)}${pct(s.goldFirst, gold).padStart(14)}`;
    process.stdout.write(
      [
        `follow-ups ${path.basename(values.followups)}: ${countOf(total, 'pair')} on ${countOf(index.manifest.articleCount, 'article')}, ${countOf(index.manifest.passageCount, 'passage')} (${path.basename(index.manifest.model)})`,
        `${''.padEnd(22)}${'right'.padStart(8)}${'abstained'.padStart(12)}${'gold top-1'.padStart(14)}`,
        line('follow-up alone', summary.alone),
        line('with previous question', summary.withContext),
        `context made ${summary.gainedByContext} right that were not, and ${summary.lostByContext} wrong that were right`,
      ].join('\n') + '\n',
    );
  } finally {
    dispose();
  }
}

main().catch(exitWithError);
