import { describe, expect, it } from 'vitest';
import { SPECIAL_TOKEN, tokenize } from '../../src/indexing/staticModel/tokenize.ts';

// The shared GloVe model's tokenizer (BERT normaliser and pre-tokeniser, as Transformers.js runs
// it); test/integration/static-embedder.test.ts compares whole vectors with the model itself.
describe('embedded model tokenizer', () => {
  it('lower-cases, strips accents and splits punctuation off as its own token', () => {
    expect(tokenize('Café RÉSUMÉ: U.S. oil fell 3.5%!', 512)).toEqual(['cafe', 'resume', ':', 'u', '.', 's', '.', 'oil', 'fell', '3', '.', '5', '%', '!']);
    expect(tokenize('l’état — “quoted”', 512)).toEqual(['l', '’', 'etat', '—', '“', 'quoted', '”']);
  });

  it('drops control and format characters, keeps tabs and newlines as spaces, spaces out CJK', () => {
    expect(tokenize('soft\u00adhyphen zero\u200bwidth bell\u0007x tab\tnew\nline', 512)).toEqual(['softhyphen', 'zerowidth', 'bellx', 'tab', 'new', 'line']);
    expect(tokenize('met 中国 leaders', 512)).toEqual(['met', '中', '国', 'leaders']);
  });

  it('treats special tokens in the text as one token each and truncates at the limit', () => {
    expect(tokenize('talks [CLS] resumed[SEP]today [cls]', 512)).toEqual(['talks', SPECIAL_TOKEN, 'resumed', SPECIAL_TOKEN, 'today', '[', 'cls', ']']);
    expect(tokenize('a b c d e f', 4)).toEqual(['a', 'b', 'c', 'd']);
    expect(tokenize('', 512)).toEqual([]);
  });
});
