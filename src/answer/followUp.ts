import { tokenize } from '../search/tokenize.ts';

/**
 * A follow-up question read with the question it follows ("Where is the Trump–Putin summit?",
 * then "when was that?"): what the follow-up leaves out is filled in from the previous question.
 * Pure and rule-based, so the same pair always gives the same question:
 *
 * - reference: the follow-up points back with a pronoun or demonstrative. "he/she/his/her" stand
 *   for the previous question's first name ("Marco Rubio"); "they/them/their" for its names joined
 *   ("Rubio and Lavrov") when it has two or more; "it/that/this/there/then/those" for its subject,
 *   the previous question without its question word and auxiliary ("the Trump–Putin summit").
 * - ellipsis: "what about Mobil?", "and Lavrov?", "and in 1986?" repeat the previous question with
 *   the new name (or number) in place of the old one, or added when it has none.
 * - continuation: a question of its own that leans on the previous one ("and what did Zelensky
 *   say?", or any follow-up with fewer than three content words) gets the previous subject added.
 * - standalone: a follow-up that names enough itself (three or more content words, no pronoun
 *   pointing back, no "and ..." or "what about ...") is left as it is.
 *
 * What comes out: `question`, the follow-up with its references filled in plus the previous
 * subject's remaining words (what passages are searched with), and `focus`, the follow-up's own
 * words with names for its pronouns (what the quotes are chosen for), falling back to
 * `fallbackFocus` (the whole subject filled in) when the focus alone finds no answer. The previous
 * question's words help find the story; the follow-up's own words decide which sentence answers.
 */
export interface FollowUp {
  /** What passages are searched with: `focus` plus the rest of the previous question's subject. */
  question: string;
  /** What the quotes are chosen for: the follow-up's own words, names filled in for its pronouns. */
  focus: string;
  /** What the quotes are chosen for when `focus` finds none: the follow-up with the whole previous subject filled in. */
  fallbackFocus?: string;
  kind: 'reference' | 'ellipsis' | 'continuation' | 'standalone';
}

/** The subject taken from a previous question is at most this long (a chain of follow-ups stays bounded). */
const MAX_SUBJECT_CHARS = 300;
/** A follow-up with at least this many content words and nothing pointing back stands alone. */
const STANDALONE_TERMS = 3;

const WORD = /[\p{L}\p{N}]+(?:['’]\p{L}+)*(?:[-–—‐‑.][\p{L}\p{N}]+)*\.?/gu;

const QUESTION_WORDS = new Set(['who', 'whom', 'whose', 'what', 'which', 'when', 'where', 'why', 'how']);
/** Words that may follow "how" as part of the question word ("how many"). */
const HOW_WORDS = new Set(['many', 'much', 'long', 'far', 'old', 'often', 'big', 'large', 'high', 'soon']);
const AUXILIARIES = new Set(
  'is are was were be been do does did has have had will would can could should shall may might must'.split(' '),
);
const CONNECTIVES = new Set(['and', 'but', 'so', 'also', 'then', 'ok', 'okay']);
const PERSONAL = new Set(['he', 'him', 'his', 'she', 'her', 'hers', 'himself', 'herself']);
const PLURAL = new Set(['they', 'them', 'their', 'theirs', 'themselves']);
const THING = new Set(['it', 'its', 'that', 'this', 'these', 'those', 'there', 'then', 'itself']);
/** "this", "that", "these", "those" point back on their own; before a noun ("this year") they do not. */
const DEMONSTRATIVES = new Set(['that', 'this', 'these', 'those']);
const PREPOSITIONS = new Set(
  'in on at for of from to by with about after before during since until over under into against between'.split(' '),
);
/** Verbs that commonly follow a demonstrative used as a pronoun ("when did that happen?"). */
const PRONOUN_VERBS = new Set('happen mean cost take start begin end come go say include involve affect work change'.split(' '));
const ELLIPSIS = /^(?:(?:and|but|so|ok|okay)[\s,]+)?(?:what|how)\s+about\s+|^(?:(?:and|but)[\s,]+)?(?:what\s+of|same\s+for)\s+|^(?:and|but)[\s,]+/i;

interface Word {
  text: string;
  start: number;
  end: number;
}

function words(text: string): Word[] {
  return [...text.matchAll(WORD)].map((m) => ({ text: m[0].replace(/\.$/, (dot) => (/\p{Lu}\./u.test(m[0]) ? dot : '')), start: m.index, end: m.index + m[0].length }));
}

const MONTH_WORDS =
  /\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?/gi;
const isMonth = (w: Word) => /^\p{Lu}/u.test(w.text) && new RegExp(`^${MONTH_WORDS.source}$`, 'i').test(w.text);
const lower = (w: Word) => w.text.toLowerCase();
const capitalised = (w: Word) => /^\p{Lu}/u.test(w.text) && w.text !== 'I';
const numeric = (w: Word) => /^\d/.test(w.text);

/**
 * The previous question without its question word, auxiliary and leading "and": its subject,
 * e.g. "Where is the Trump–Putin summit?" -> "the Trump–Putin summit".
 */
export function questionSubject(question: string): string {
  const ws = words(question);
  let i = 0;
  while (i < ws.length && CONNECTIVES.has(lower(ws[i]!))) i++;
  if (i < ws.length && QUESTION_WORDS.has(lower(ws[i]!))) {
    i++;
    if (lower(ws[i - 1]!) === 'how' && i < ws.length && HOW_WORDS.has(lower(ws[i]!))) i++;
  }
  if (i < ws.length && AUXILIARIES.has(lower(ws[i]!))) i++;
  if (i >= ws.length) return '';
  const subject = question.slice(ws[i]!.start, ws.at(-1)!.end).trim();
  return subject.length <= MAX_SUBJECT_CHARS ? subject : subject.slice(0, MAX_SUBJECT_CHARS).replace(/\s+\S*$/, '');
}

/** Runs of capitalised words in the subject: "Marco Rubio", "Trump–Putin", "U.S.". */
export function namesIn(subject: string): string[] {
  const names: string[] = [];
  let run: Word[] = [];
  const flush = () => {
    if (run.length > 0) names.push(subject.slice(run[0]!.start, run.at(-1)!.end));
    run = [];
  };
  for (const w of words(subject)) {
    if (capitalised(w) && !QUESTION_WORDS.has(lower(w)) && !AUXILIARIES.has(lower(w))) run.push(w);
    else flush();
  }
  flush();
  return names;
}

/** `text` with each word matching `replace` swapped for what it returns (undefined: kept). */
function substitute(text: string, replace: (w: Word, next: Word | undefined, before: Word | undefined) => string | undefined): { text: string; replaced: number } {
  let out = '';
  let at = 0;
  let replaced = 0;
  const ws = words(text);
  for (const [i, w] of ws.entries()) {
    const by = replace(w, ws[i + 1], ws[i - 1]);
    if (by === undefined) continue;
    out += text.slice(at, w.start) + by;
    at = w.end;
    replaced++;
  }
  return { text: out + text.slice(at), replaced };
}

const GENERIC_TERMS = new Set(tokenize([...PRONOUN_VERBS].join(' ')));

/** Content words a follow-up brings of its own ("happen" in "when did that happen?" is none). */
function ownTerms(text: string): number {
  return tokenize(text).filter((t) => !GENERIC_TERMS.has(t)).length;
}

/** Whether a demonstrative or "there" stands for something said before, not for a noun after it. */
function pointsBack(word: string, next: Word | undefined, before: Word | undefined): boolean {
  // "is there a date?": existential, not a place.
  if (word === 'there') return !(before && AUXILIARIES.has(lower(before)));
  if (!DEMONSTRATIVES.has(word) || !next) return true;
  const n = lower(next);
  return AUXILIARIES.has(n) || PREPOSITIONS.has(n) || PRONOUN_VERBS.has(n.replace(/(?:s|ed|ing)$/, '')) || /ed$/.test(n);
}

/** The words of `extra` whose terms `base` lacks, in their order. */
function missingWords(base: string, extra: string): string {
  const have = new Set(tokenize(base));
  return words(extra)
    .filter((w) => tokenize(w.text).some((t) => !have.has(t)))
    .map((w) => w.text)
    .join(' ');
}

function joined(focus: string, rest: string): string {
  return rest ? `${focus.replace(/\s*\?+\s*$/, '')} ${rest}?` : focus;
}

/** The follow-up read with the previous question; see the module comment for the rules. */
export function combineFollowUp(previousQuestion: string, followUp: string): FollowUp {
  const followText = followUp.replace(/\s+/g, ' ').trim();
  const previous = previousQuestion.replace(/\s+/g, ' ').trim();
  const subject = questionSubject(previous);
  if (!subject) return { question: followText, focus: followText, kind: 'standalone' };
  const names = namesIn(subject);

  // "what about Mobil?": the previous question again, the new name in place of the old.
  const ellipsis = ELLIPSIS.exec(followText);
  const rest = ellipsis ? followText.slice(ellipsis[0].length).replace(/\s*\?+\s*$/, '').trim() : '';
  const restWords = words(rest);
  const bare = rest !== '' && restWords.length > 0 && !QUESTION_WORDS.has(lower(restWords[0]!)) && !AUXILIARIES.has(lower(restWords[0]!));
  if (bare) {
    const base = previous.replace(/\s*\?+\s*$/, '');
    // A month stands in for a month, a number for a number, a name for the first name.
    const baseWords = words(base);
    const old = restWords.some(isMonth)
      ? baseWords.find(isMonth)?.text
      : restWords.some(numeric)
        ? baseWords.find(numeric)?.text
        : restWords.some(capitalised)
          ? namesIn(subject.replace(MONTH_WORDS, ' '))[0]
          : undefined;
    // "and in 1985?" in place of "1986" in "... fall in 1986": the preposition is there already.
    const replacement = old ? rest.replace(new RegExp(`^(?:${[...PREPOSITIONS].join('|')})\\s+`, 'i'), '') : rest;
    const focus = old ? `${base.replace(old, replacement)}?` : `${base} ${rest}?`;
    return { question: focus, focus, kind: 'ellipsis' };
  }

  // Pronouns and demonstratives stand for the previous question's names or subject. The quotes
  // are first chosen for the follow-up's own words with only names filled in ("which barriers
  // did it mention?" is about barriers); if that finds nothing, for the whole subject filled in.
  const person = names[0];
  const group = names.length >= 2 ? names.join(' and ') : undefined;
  const fill = (all: boolean) =>
    substitute(followText, (w, next, before) => {
      const word = lower(w);
      const possessive = word === 'his' || word === 'hers' || word.startsWith('their');
      const by = PERSONAL.has(word) ? (person ?? (all ? subject : undefined))
        : PLURAL.has(word) ? (group ?? (all ? subject : undefined))
        : THING.has(word) && all && pointsBack(word, next, before) ? subject
        : undefined;
      return by !== undefined && possessive ? `${by}'s` : by;
    });
  const full = fill(true);
  if (full.replaced > 0) {
    const question = joined(full.text, missingWords(full.text, subject));
    const names = fill(false).text;
    if (ownTerms(names) === 0 || names === full.text) return { question, focus: full.text, kind: 'reference' };
    return { question, focus: names, fallbackFocus: full.text, kind: 'reference' };
  }

  const leans = ellipsis !== null || tokenize(followText).length < STANDALONE_TERMS;
  if (!leans) return { question: followText, focus: followText, kind: 'standalone' };
  const cleaned = ellipsis ? followText.slice(ellipsis[0].length) : followText;
  const question = joined(cleaned, missingWords(cleaned, subject));
  // "when?" alone asks nothing the quotes could be chosen for: the previous subject is the focus.
  if (ownTerms(cleaned) === 0) return { question, focus: question, kind: 'continuation' };
  return { question, focus: cleaned, fallbackFocus: question, kind: 'continuation' };
}
