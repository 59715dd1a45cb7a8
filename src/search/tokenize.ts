import { stemmer } from 'stemmer';

/**
 * Bumped whenever tokenize() changes what it returns: a lexical index made by another version
 * matches questions differently and should be rebuilt (see Bm25Index.tokenizerVersion).
 *   1: hyphenated words also joined, accents folded, month names unified, irregular verbs.
 */
export const TOKENIZER_VERSION = 1;

// Function words carry no topic: matching them would rank passages by grammar, not content.
const STOPWORDS = new Set(
  (
    'a an and are as at be been being but by can could did do does doing for from had has have having he her ' +
    'hers him his how i if in into is it its itself just me more most my no nor not of off on once only or ' +
    'other our ours out over own same she should so some such than that the their theirs them then there ' +
    'these they this those through to too under until up very was we were what when where which while who ' +
    'whom why will with would you your yours about after again against all am any because before below ' +
    'between both down during each few further here s t don now also said says say us'
  ).split(' '),
);

// A word, possibly with an apostrophe ("Russia's") and hyphenated parts ("non-religious").
const WORD = /[\p{L}\p{N}]+(?:['’]\p{L}+)*(?:[-‐‑][\p{L}\p{N}]+(?:['’]\p{L}+)*)*/gu;
const HYPHEN = /[-‐‑]/;

// Month names and their abbreviations are one term, so "February 12" matches "Feb. 12".
const MONTHS = new Map<string, string>();
for (const names of ['jan january', 'feb february', 'mar march', 'apr april', 'may', 'jun june', 'jul july', 'aug august', 'sep sept september', 'oct october', 'nov november', 'dec december']) {
  const [short, ...long] = names.split(' ');
  for (const name of [short!, ...long]) MONTHS.set(name, short!);
}

// Irregular verb forms the stemmer cannot relate to their base ("held" talks, "hold" a summit);
// forms that are also common words of their own ("fed", "bit", "born", "bound") are left alone.
const IRREGULAR = new Map<string, string>();
for (const forms of (
  'hold held|meet met|win won|begin began begun|write wrote written|speak spoke spoken|take took taken|give gave given|' +
  'make made|tell told|leave left|lead led|run ran|send sent|bring brought|buy bought|think thought|find found|' +
  'become became|come came|go went gone|see saw seen|know knew known|grow grew grown|fall fell fallen|rise rose risen|' +
  'choose chose chosen|drive drove driven|break broke broken|sell sold|pay paid|lose lost|build built|fight fought|' +
  'teach taught|catch caught|keep kept|feel felt|stand stood|understand understood|strike struck|shoot shot|' +
  'wear wore worn|forget forgot forgotten|hide hid hidden|sing sang sung|draw drew drawn|fly flew flown|throw threw thrown|' +
  'shake shook shaken|freeze froze frozen|steal stole stolen|swear swore sworn|eat ate eaten|sit sat|seek sought|' +
  'spend spent|lend lent|bend bent|dig dug|flee fled|hang hung|mean meant|sleep slept|' +
  'sweep swept|weep wept|withdraw withdrew withdrawn|undergo underwent undergone|overcome overcame|arise arose arisen|' +
  'forbid forbade forbidden|forgive forgave forgiven|ride rode ridden|wake woke woken|tear tore torn|' +
  'beat beaten|bite bitten|blow blew blown|drink drank drunk|ring rang rung|sink sank sunk|swim swam swum|' +
  'shrink shrank shrunk|spring sprang sprung|stick stuck|sting stung|swing swung|strive strove striven|' +
  'child children|man men|woman women|mouse mice|foot feet|tooth teeth'
).split('|')) {
  const [base, ...others] = forms.split(' ');
  for (const form of others) IRREGULAR.set(form, base!);
}

// Words repeat (news text is mostly the same few thousand), so each word's term is remembered:
// a million passages are tokenized once for BM25, and the stemmer and the clean-up expressions
// are the costly steps. null: the word is no term (a stopword).
const TERM_CACHE_LIMIT = 200_000;
let terms = new Map<string, string | null>();

function term(word: string): string | undefined {
  let t = terms.get(word);
  if (t === undefined) {
    if (terms.size >= TERM_CACHE_LIMIT) terms = new Map();
    t = termOf(word) ?? null;
    terms.set(word, t);
  }
  return t ?? undefined;
}

function termOf(word: string): string | undefined {
  // "Russia's" and "Russia" are the same word for matching.
  const w = word.replace(/['’]s$/, '').replace(/['’]/g, '');
  if (STOPWORDS.has(w)) return undefined;
  if (w.length === 1 && !/\d/.test(w)) return undefined;
  if (/^\d/.test(w)) return /^\d+(?:st|nd|rd|th)$/.test(w) ? w.replace(/\D+$/, '') : w; // "12th" is "12"
  const month = MONTHS.get(w);
  if (month !== undefined) return month;
  return stemmer(IRREGULAR.get(w) ?? w);
}

const COMBINING_MARKS = /\p{M}+/gu;
const NON_ASCII = /[^\x00-\x7f]/;

/** "Céloron" and "Celoron", "Erdoğan" and "Erdogan" are the same word for matching. */
function foldAccents(text: string): string {
  return NON_ASCII.test(text) ? text.normalize('NFD').replace(COMBINING_MARKS, '').normalize('NFC') : text;
}

/**
 * Lower-cased, stemmed content words of `text`, in order (repeats kept: BM25 counts them).
 * A hyphenated word gives its parts and then the parts joined, so "non-religious" also matches
 * "nonreligious" and "Mercedes-Benz" matches "Benz". Accents are dropped.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const m of foldAccents(text.toLowerCase()).matchAll(WORD)) {
    const word = m[0];
    if (!HYPHEN.test(word)) {
      const t = term(word);
      if (t !== undefined) tokens.push(t);
      continue;
    }
    const parts = word.split(HYPHEN);
    for (const part of parts) {
      const t = term(part);
      if (t !== undefined) tokens.push(t);
    }
    const joined = term(parts.join(''));
    if (joined !== undefined) tokens.push(joined);
  }
  return tokens;
}
