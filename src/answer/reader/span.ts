import type { Span } from '../../indexing/sentences.ts';
import { answerItems, personNames } from './answerTypes.ts';
import { questionAnchors, type QuestionAnalysis } from './question.ts';

/**
 * The words of `sentence` that answer the question: the thing of the asked-for kind (a name, a
 * date, an amount, a reason clause) that is not the question's own words, nearest to where the
 * sentence matches the question. Undefined when the question's kind is open ("what did they
 * say") or the sentence holds no such thing. Offsets are relative to `sentence`.
 */
export function answerSpan(question: QuestionAnalysis, sentence: string): Span | undefined {
  if (question.kind === 'other') return undefined;
  const all = answerItems(question.kind, sentence, question.lowerWords);
  // "Who": a person's name when the sentence has one, else the organisation it names.
  const people = question.kind === 'person' ? personNames(sentence, all) : [];
  const items = people.length > 0 ? people : all;
  if (items.length === 0) return undefined;
  // Where the question's words are in the sentence: the answer is usually close to them.
  const anchors = questionAnchors(question, sentence).map((a) => a.at + a.length / 2);
  // Nearest to the middle of the question's words in the sentence: one stray match far away
  // (a verb repeated later) does not pull the span to another name.
  const centre = anchors.length === 0 ? 0 : anchors.reduce((a, b) => a + b, 0) / anchors.length;
  let best = items[0]!;
  let bestDistance = Infinity;
  for (const item of items) {
    const mid = (item.start + item.end) / 2;
    const d = Math.abs(centre - mid);
    if (d < bestDistance) {
      best = item;
      bestDistance = d;
    }
  }
  if (question.kind === 'reason') {
    // A reason is the clause its cue word opens, to the end of the sentence or the next comma.
    const rest = sentence.slice(best.start);
    const stop = /[,;:]|\.\s*$|\.$/.exec(rest.slice(best.end - best.start));
    const end = stop ? best.end + stop.index : sentence.length;
    return { start: best.start, end: Math.max(best.end, end) };
  }
  return best;
}
