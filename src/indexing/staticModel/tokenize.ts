/**
 * The shared GloVe model's tokenizer (tokenizer.json: BertNormalizer with clean_text,
 * handle_chinese_chars and lowercase, BertPreTokenizer, a whole-word WordPiece vocabulary),
 * reproduced step for step as Transformers.js 2.x runs it, so the native embedder sees exactly the
 * tokens the ONNX pipeline sees. The vocabulary has no `##` pieces, so WordPiece reduces to "the
 * whole word or [UNK]".
 */

/** Special tokens: Transformers.js splits the raw text at them before normalising. */
const SPECIAL_TOKENS = /(\[(?:PAD|UNK|CLS|SEP)\])/;

/** clean_text: control and format characters (but not tab, newline, return), U+0000 and U+FFFD are dropped. */
const REMOVED = /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}\p{Cs}\uFFFD]/gu;
/** handle_chinese_chars: the BMP CJK blocks get spaces around each character. */
const CJK = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/g;
const NON_ASCII = /[^\x00-\x7F]/;
const COMBINING_MARKS = /[\u0300-\u036F]/g;
/** BertPreTokenizer: runs of non-space, non-punctuation characters, or single punctuation marks. */
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const PRE_TOKEN = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');

/** The normaliser: text as the vocabulary spells it (cleaned, lower case, accents stripped). */
export function normalizeText(text: string): string {
  let t = text.replace(REMOVED, '');
  if (!NON_ASCII.test(t)) return t.toLowerCase();
  t = t.replace(CJK, ' $& ').toLowerCase();
  return t.normalize('NFD').replace(COMBINING_MARKS, '');
}

/** Normalised words and punctuation marks of one stretch of text without special tokens. */
export function preTokenize(text: string): string[] {
  return normalizeText(text).trim().match(PRE_TOKEN) ?? [];
}

/**
 * Calls `onToken` with each token of `text` in order, at most `maxTokens` of them (the shared
 * model's tokenizer truncates to model_max_length): a word or mark, or `null` for a special token
 * (whose vector is zero).
 */
export function forEachToken(text: string, maxTokens: number, onToken: (token: string | null) => void): void {
  let count = 0;
  const sections = text.includes('[') ? text.split(SPECIAL_TOKENS) : [text];
  for (let i = 0; i < sections.length; i++) {
    const section = sections[i]!;
    if (section === '') continue;
    if (i % 2 === 1) {
      if (count++ >= maxTokens) return;
      onToken(null);
      continue;
    }
    for (const token of preTokenize(section)) {
      if (count++ >= maxTokens) return;
      onToken(token);
    }
  }
}
