import { stemmer } from 'stemmer';

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

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Lower-cased, stemmed content words of `text`, in order (repeats kept: BM25 counts them). */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const m of text.toLowerCase().matchAll(WORD)) {
    // "Russia's" and "Russia" are the same word for matching.
    const word = m[0].replace(/['’]s$/, '').replace(/['’]/g, '');
    if (STOPWORDS.has(word)) continue;
    if (word.length === 1 && !/\d/.test(word)) continue;
    tokens.push(/^\d/.test(word) ? word : stemmer(word));
  }
  return tokens;
}
