import type { Article } from '../../src/corpus/article.ts';
import { splitSentences } from '../../src/indexing/sentences.ts';
import { answerItems, type AnswerKind } from '../../src/answer/reader/answerTypes.ts';

/**
 * Training questions made from a news archive, in memory (they reuse the archive's words, so
 * they are never written into the project). From a sentence with a date, an amount or a name
 * the thing is taken out and the rest becomes a question asking for it, with every third plain
 * word left out so the question does not repeat the sentence. A near-miss twin swaps the
 * question's main name for a name from another article: the archive does not say that, so the
 * right reply is to abstain.
 */
export interface NewsQuestion {
  id: string;
  question: string;
  answers: string[] | null;
  doc_id: string;
}

const WH: Partial<Record<AnswerKind, string>> = { amount: 'How much', date: 'When', person: 'Who' };
const KINDS: AnswerKind[] = ['amount', 'date', 'person'];
const NAME = /\b\p{Lu}\p{Ll}{2,}(?:\s+\p{Lu}\p{Ll}{2,})*/gu;

/** Deterministic: every `step`-th article (by id order), at most `limit` questions and as many near-misses. */
export function newsQuestions(articles: Article[], limit: number, step = 11): NewsQuestion[] {
  const sorted = [...articles].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const picked = sorted.filter((_, i) => i % step === 0);
  // Names of two or more words from the articles' opening lines ("Anadarko Petroleum Corp").
  const names = [...new Set(picked.flatMap((a) => [...a.body.slice(0, 300).matchAll(NAME)].map((m) => m[0]).filter((n) => /\s/.test(n))))].sort();
  const out: NewsQuestion[] = [];
  let n = 0;
  for (const article of picked) {
    if (n >= limit) break;
    const sentences = splitSentences(article.body).slice(0, 5);
    const kind = KINDS[n % KINDS.length]!;
    for (const s of sentences) {
      const text = article.body.slice(s.start, s.end);
      if (text.length < 60 || text.length > 300) continue;
      const item = answerItems(kind, text, new Set())[0];
      if (!item) continue;
      const answer = text.slice(item.start, item.end);
      if (answer.length < 2 || answer.split(/\s+/).length > 6) continue;
      const rest = `${text.slice(0, item.start)} ${text.slice(item.end)}`;
      const words = rest.match(/[\p{L}\p{N}][\p{L}\p{N}.'’-]*/gu) ?? [];
      let plain = 0;
      const kept = words.filter((w) => /\p{Lu}|\d/u.test(w) || ++plain % 3 !== 0).slice(0, 16);
      if (kept.length < 4) continue;
      const question = `${WH[kind]} ${kept.join(' ')}?`;
      out.push({ id: `news-${n}`, question, answers: [answer], doc_id: article.id });
      // The near-miss: another article's name instead of this question's first name.
      const own = [...question.matchAll(NAME)].find((m) => m.index! > WH[kind]!.length + 1 && !answer.includes(m[0]));
      const other = names[(n * 7919) % Math.max(1, names.length)];
      if (own && other && !article.body.includes(other)) {
        out.push({ id: `news-${n}-miss`, question: question.replace(own[0], other), answers: null, doc_id: article.id });
      }
      n++;
      break;
    }
  }
  return out;
}
