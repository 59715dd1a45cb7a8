import { dayAsTime } from '../search/timeScope.ts';
import fs from 'node:fs';

/** One line of an eval question file; `answers: null` means the coverage cannot answer it. */
export interface EvalQuestion {
  id: string;
  question: string;
  answers: string[] | null;
  /** Optional: the article id that holds the answer (SQuAD paragraph). */
  doc_id?: string;
  /** Optional: what sort of question it is (time sets: "latest", "dated", "relative"). */
  kind?: string;
  /** Optional: the time of asking, YYYY-MM-DD ("this week" is read against it). */
  now?: string;
  /** Optional: superseded values that must not be the first quote. */
  stale?: string[];
}

/**
 * The non-empty lines of a JSONL file, each parsed and checked by `check` (which throws a message
 * for a bad line); errors name the file and line.
 */
export function readJsonLines<T>(file: string, check: (value: T) => void): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, n }) => {
      try {
        const value = JSON.parse(line) as T;
        check(value);
        return value;
      } catch (err) {
        throw new Error(`${file}:${n}: ${(err as Error).message}`);
      }
    });
}

export function readQuestions(file: string): EvalQuestion[] {
  return readJsonLines<EvalQuestion>(file, (q) => {
    if (typeof q.question !== 'string' || !(q.answers === null || Array.isArray(q.answers))) {
      throw new Error('expected {"id", "question", "answers": [..] | null}');
    }
    if (q.now !== undefined && (typeof q.now !== 'string' || dayAsTime(q.now) === undefined)) {
      throw new Error('"now" must be a day, YYYY-MM-DD');
    }
  });
}

const normalise = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** Case-, space- and punctuation-insensitive containment (as ../shared/eval/README.md defines it). */
export function containsAnswer(text: string, answer: string): boolean {
  return ` ${normalise(text)} `.includes(` ${normalise(answer)} `);
}
