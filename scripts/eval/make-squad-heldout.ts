/**
 * Builds the held-out SQuAD sets that measure abstention at scale (see eval/README.md).
 *
 * The 48 Wikipedia articles of ../shared/eval/squad are split by title into two halves, A and B
 * (titles sorted, alternately). For each half X:
 *   - data/eval/squad-heldout-X.corpus.jsonl: the paragraphs of the titles in X only;
 *   - eval/squad-heldout-X.jsonl: all 500 dev questions; those whose paragraph is in X keep their
 *     answers, the others get `answers: null`: their whole article is missing, so the right reply
 *     is to abstain.
 * Half A is for calibrating the abstention threshold, half B for checking it.
 *
 *   npx tsx scripts/eval/make-squad-heldout.ts [--squad ../shared/eval/squad] [--out eval] [--corpus-out data/eval]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    squad: { type: 'string', default: path.resolve(import.meta.dirname, '../../../shared/eval/squad') },
    out: { type: 'string', default: path.resolve(import.meta.dirname, '../../eval') },
    'corpus-out': { type: 'string', default: path.resolve(import.meta.dirname, '../../data/eval') },
  },
});

interface Paragraph {
  id: string;
  title: string;
}
interface Question {
  id: string;
  question: string;
  answers: string[] | null;
  doc_id: string;
}

const readJsonl = <T>(file: string): T[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);

const corpusLines = fs.readFileSync(path.join(values.squad!, 'corpus.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
const paragraphs = corpusLines.map((l) => JSON.parse(l) as Paragraph);
const questions = readJsonl<Question>(path.join(values.squad!, 'questions-dev.jsonl'));
const titles = [...new Set(paragraphs.map((p) => p.title))].sort();
const half = (title: string): 'a' | 'b' => (titles.indexOf(title) % 2 === 0 ? 'a' : 'b');
const titleOf = new Map(paragraphs.map((p) => [p.id, p.title]));

fs.mkdirSync(values.out!, { recursive: true });
fs.mkdirSync(values['corpus-out']!, { recursive: true });
for (const x of ['a', 'b'] as const) {
  const kept = corpusLines.filter((_, i) => half(paragraphs[i]!.title) === x);
  fs.writeFileSync(path.join(values['corpus-out']!, `squad-heldout-${x}.corpus.jsonl`), `${kept.join('\n')}\n`);
  const out = questions.map((q) => {
    const inCorpus = half(titleOf.get(q.doc_id)!) === x;
    return inCorpus ? q : { id: q.id, question: q.question, answers: null, doc_id: q.doc_id, held_out: true };
  });
  // Answerable questions keep doc_id (gold-passage recall); held-out ones drop nothing but are marked.
  fs.writeFileSync(
    path.join(values.out!, `squad-heldout-${x}.jsonl`),
    `${out.map((q) => JSON.stringify('held_out' in q ? { id: q.id, question: q.question, answers: null } : q)).join('\n')}\n`,
  );
  const answerable = out.filter((q) => !('held_out' in q)).length;
  process.stdout.write(
    `half ${x}: ${titles.filter((t) => half(t) === x).length} titles, ${kept.length} paragraphs; ${answerable} answerable + ${out.length - answerable} unanswerable questions\n`,
  );
}
