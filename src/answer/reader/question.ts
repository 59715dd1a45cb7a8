import { tokenize } from '../../search/tokenize.ts';
import { expectedUnit, type AmountUnit, type AnswerKind } from './answerTypes.ts';

/** How informative a (tokenized) term is; unknown terms should weigh the most. */
export type TermWeight = (term: string) => number;

/** A content word of a text: its surface form (lower-cased, for word vectors) and its search term. */
export interface Word {
  surface: string;
  term: string;
}

/** What the reader knows about a question, worked out once per question. */
export interface QuestionAnalysis {
  text: string;
  words: Word[];
  /** Distinct terms with their weight, normalised to sum to 1. */
  terms: Map<string, number>;
  /** Adjacent term pairs ("a b"). */
  pairs: Set<string>;
  /** What the question asks for. */
  kind: AnswerKind;
  /** For an amount: what it is counted in, when the question's words tell (a rate, a price, "how many X"). */
  unit: AmountUnit | undefined;
  /** The noun the wh-phrase asks about ("price" in "what price", "company" in "which company"). */
  focus: Word | undefined;
  /**
   * Terms that name things: capitalised words past the first, numbers and years. A passage that
   * lacks them is usually about something else (the near-miss question's swapped entity).
   */
  entities: Set<string>;
  /** Lower-cased words of the question, to tell a candidate's new names from the question's own. */
  lowerWords: Set<string>;
}

/** A word of running text, with inner apostrophes and dots ("Reagan's", "U.S."). */
export const WORD = /[\p{L}\p{N}]+(?:['’.][\p{L}\p{N}]+)*/gu;

/** The content words of `text` in order (stop words dropped), each with its search term. */
export function contentWords(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(WORD)) {
    const word = wordOf(m[0]);
    if (word) out.push(word);
  }
  return out;
}

// Words repeat across passages and questions; what each one is, is remembered (bounded).
const WORD_CACHE_LIMIT = 100_000;
let words = new Map<string, Word | null>();

function wordOf(raw: string): Word | null {
  let word = words.get(raw);
  if (word !== undefined) return word;
  const surface = raw.toLowerCase().replace(/['’]s$/, '');
  const [term] = tokenize(surface);
  word = term === undefined ? null : { surface: surface.replace(/['’.]/g, ''), term };
  if (words.size >= WORD_CACHE_LIMIT) words = new Map();
  words.set(raw, word);
  return word;
}

const TIME_WORD =
  /^(?:(?:1[5-9]|20)\d\d|jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|august|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/i;
const WH = /\b(what|which|whose|who|whom|where|when|why|how)\b/i;
const FOCUS_SKIP = new Set(['kind', 'type', 'sort', 'name', 'one', 'ones', 'the', 'a', 'an', 'of']);
const AUXILIARY = new Set(['is', 'was', 'are', 'were', 'did', 'does', 'do', 'has', 'have', 'had', 'will', 'would', 'can', 'could', 'should', 'may', 'might', 'must']);

/** The first content word after "what"/"which"/"how much"/"how many": what the question asks about. */
function findFocus(question: string): Word | undefined {
  const m = /\b(?:what|which|how (?:many|much))\s+((?:[\p{L}\p{N}'’-]+\s+){0,3})/iu.exec(question);
  if (!m) return undefined;
  for (const raw of m[1]!.trim().split(/\s+/)) {
    const w = raw.toLowerCase();
    // "What did Rubio say": the wh-word stands alone; what follows the verb is not its noun.
    if (AUXILIARY.has(w)) return undefined;
    if (FOCUS_SKIP.has(w)) continue;
    const [word] = contentWords(w);
    return word;
  }
  return undefined;
}

export function analyzeQuestion(question: string, termWeight: TermWeight, kindOf: (q: string) => AnswerKind): QuestionAnalysis {
  const words = contentWords(question);
  const raw = new Map<string, number>();
  for (const w of words) if (!raw.has(w.term)) raw.set(w.term, termWeight(w.term));
  const total = [...raw.values()].reduce((a, b) => a + b, 0);
  const terms = new Map([...raw].map(([t, w]) => [t, total > 0 ? w / total : 0]));
  const pairs = new Set<string>();
  for (let i = 1; i < words.length; i++) pairs.add(`${words[i - 1]!.term} ${words[i]!.term}`);

  const entities = new Set<string>();
  const whAt = question.search(WH);
  let first = true;
  for (const m of question.matchAll(WORD)) {
    const word = m[0];
    const isFirst = first;
    first = false;
    if (isFirst || m.index === whAt) continue;
    // Months, weekdays and years scope the question in time; articles carry them as their date
    // rather than in their text, so they are not names the passage must repeat.
    if (TIME_WORD.test(word)) continue;
    if (/^\p{Lu}/u.test(word) || /\d/.test(word)) {
      const [term] = tokenize(word);
      if (term !== undefined) entities.add(term);
    }
  }
  const lowerWords = new Set(question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  const kind = kindOf(question);
  const unit = kind === 'amount' ? expectedUnit(question) : undefined;
  return { text: question, words, terms, pairs, kind, unit, focus: findFocus(question), entities, lowerWords };
}

/** Where the question's terms are in `text`: each matching word's start and length. */
export function questionAnchors(question: Pick<QuestionAnalysis, 'terms'>, text: string): Array<{ at: number; length: number }> {
  const anchors: Array<{ at: number; length: number }> = [];
  for (const m of text.matchAll(WORD)) {
    const [w] = contentWords(m[0]);
    if (w && question.terms.has(w.term)) anchors.push({ at: m.index!, length: m[0].length });
  }
  return anchors;
}

/**
 * True when `terms` hold the entity or a form of it ("Lanka" for "Lankan", "Chilean" for
 * "Chile"): a shared beginning of at least five letters, missing at most three at the end.
 */
export function hasEntity(entity: string, terms: Set<string>): boolean {
  if (terms.has(entity)) return true;
  if (entity.length < 5 || /\d/.test(entity)) return false;
  for (const t of terms) {
    if (t.length < 5) continue;
    const [short, long] = t.length <= entity.length ? [t, entity] : [entity, t];
    if (long.length - short.length <= 3 && long.startsWith(short.slice(0, Math.max(5, short.length - 1)))) return true;
  }
  return false;
}
