import type { Span } from '../../indexing/sentences.ts';

/**
 * What a question asks for, told by its wh-phrase, and where a sentence holds such a thing.
 * Patterns, not a tagger: the taggers on npm (compromise, wink-nlp) cost 0.3-1 ms a sentence,
 * and the reader reads about forty sentences a question within a 10 ms budget.
 */
export type AnswerKind = 'person' | 'place' | 'date' | 'amount' | 'reason' | 'name' | 'other';

export const ANSWER_KINDS: AnswerKind[] = ['person', 'place', 'date', 'amount', 'reason', 'name', 'other'];

const PERSON_NOUNS =
  'person|man|woman|people|official|officials|minister|president|chairman|chairwoman|executive|director|leader|spokesman|spokeswoman|' +
  'secretary|governor|senator|judge|justice|negotiator|economist|analyst|chief|head|premier|king|queen|prince|author|player|' +
  'scientist|architect|founder|owner|ombudsman|successor|ambassador|envoy|general|commander|candidate|politician|member|writer|artist|' +
  'congressman|congresswoman|commissioner|administrator|representative|associate|deputy|trader|dealer|banker|investor|businessman|' +
  'financier|lawyer|attorney|prosecutor|mayor|chancellor|treasurer|counsel|vice';
const PLACE_NOUNS = 'country|countries|city|cities|town|state|states|nation|province|region|capital|port|island|continent|area|place|location|site|venue|district|county';
const DATE_NOUNS = 'year|years|month|day|date|decade|century|time|period|week|season|era|deadline';
const AMOUNT_NOUNS =
  'percentage|percent|pct|number|amount|proportion|share|price|prices|cost|rate|rates|value|total|sum|level|figure|size|height|length|' +
  'population|volume|output|production|profit|loss|revenue|revenues|sales|earnings|dividend|debt|deficit|surplus|budget|capacity|tonnes|tons|barrels|' +
  'discount|premium|stake|fee|fees|fine|wage|salary|tax|tariff|toll|fare|fares|charge|levy|rent|margin|yield|growth|increase|rise|fall|drop|cut|payment|bid|offer|loan|quota|target|forecast|estimate|inflation|' +
  'pledge|aid|gain|ceiling|limit|cap|income|reserves|exports|imports|consumption|balance|count|ratio|reduction|subsidy|spending|investment|turnover|stock|stocks|shares|holding|holdings|valuation';
const NAME_NOUNS =
  'company|companies|firm|firms|bank|banks|group|organi[sz]ation|agency|party|team|club|university|newspaper|name|unit|subsidiary|airline|ship|brand|body|council|' +
  'committee|exchange|union|brokerage|broker|insurer|lender|carrier|maker|producer|manufacturer|chipmaker|automaker|carmaker|drugmaker|refiner|utility|network|aircraft|' +
  'plane|planes|missile|product|products|program|programme|plan|index|currency|fund|market|court|ministry|department|rival|partner|buyer|bidder|suitor|division|concern|' +
  'venture|magazine|paper|chain|law|act|bill|treaty|agreement|accord|contract|project|system|drug|hormone|institution|government|authority|board|association|' +
  'consortium|operator|retailer|supplier|shipper|exporter|importer|partnership|coalition|station|field|mine|plant|refinery|factory';

const KIND_OF_NOUN = new Map<string, AnswerKind>();
for (const [nouns, kind] of [[NAME_NOUNS, 'name'], [PLACE_NOUNS, 'place'], [DATE_NOUNS, 'date'], [AMOUNT_NOUNS, 'amount'], [PERSON_NOUNS, 'person']] as const) {
  for (const n of nouns.replace(/organi\[sz\]ation/, 'organisation|organization').split('|')) KIND_OF_NOUN.set(n, kind);
}

// Where the noun phrase after "what"/"which" ends: an auxiliary, a preposition, a relative word.
const AUXILIARY = /^(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could|should|may|might|shall|be|been|being|must)$/;
const PHRASE_END = /^(?:of|for|in|at|on|to|from|by|with|about|under|after|over|between|into|than|against|during|before|since|per|that|which|who|whom|whose|as|if|when|where|while|and|or|but|not|so)$/;
const DETERMINER = /^(?:the|a|an|this|that|these|those|its|their|his|her|our)$/;
// Verbs that often follow the phrase's head ("Which ... economist said"); past forms in -ed end it after a noun.
const COMMON_VERB = /^(?:said|says|say|told|tells|won|wins|rose|rises|fell|falls|sold|sells|bought|buys|made|makes|gave|gives|took|takes|got|gets|put|puts|led|leads|signed|chairs|heads|runs|ran|owns|holds|held|paid|pays|plans|wants|hopes|expects|thinks|urged|blamed|warned|called|became|remains|left|went|came|sent|cut|cuts|set|sets|kept|make|own|hold|run|control|supply|produce|need|needs|face|faces|expect)$/;

/**
 * The kind of thing named by the noun phrase that follows "what"/"which" (after "is", "was" and
 * a determiner when the question asks "What is the ..."), told by its head noun: the last noun of
 * the phrase with a known kind ("Which Jardine Fleming economist said ..." -> person; "What is
 * Martin Sosnoff's latest per-share offer" -> amount; "What was Genentech's growth hormone
 * product" -> name). Undefined when the phrase has no such noun.
 */
function whPhraseKind(words: string[], whAt: number): AnswerKind | undefined {
  let i = whAt + 1;
  const copula = i < words.length && /^(?:is|was|are|were)$/i.test(words[i]!);
  if (copula) i++;
  if (i < words.length && DETERMINER.test(words[i]!)) i++;
  let kind: AnswerKind | undefined;
  for (let n = 0; i < words.length && n < 7; i++, n++) {
    const raw = words[i]!;
    const w = raw.toLowerCase();
    if (AUXILIARY.test(w) || (n > 0 && COMMON_VERB.test(w))) break;
    // "of" inside a name ("Bank of Australia's") does not end the phrase.
    if (w === 'of' && /^\p{Lu}/u.test(words[i - 1] ?? '') && /^\p{Lu}/u.test(words[i + 1] ?? '')) continue;
    if (PHRASE_END.test(w) || (n > 0 && DETERMINER.test(w))) break;
    if (kind !== undefined && /ed$/.test(w) && !KIND_OF_NOUN.has(w)) break;
    // A hyphenated word is a modifier ("per-share", "five-year"), except a title ("vice-president").
    const parts = w.replace(/['’]s$/, '').split('-');
    const head = parts[parts.length - 1]!;
    const found = KIND_OF_NOUN.get(head);
    if (found && (parts.length === 1 || found === 'person')) {
      kind = found;
      // "Which company's bid": the owner is what is asked; a person noun is not a modifier.
      if ((!copula && /['’]s$/.test(w)) || found === 'person') break;
    }
  }
  return kind;
}

export function answerKind(question: string): AnswerKind {
  const q = question.toLowerCase();
  if (/\bhow (many|much|long|far|old|large|big|tall|high|often|fast|heavy|deep|steep|sharp|severe|low|wide|small)\b/.test(q)) return 'amount';
  if (/\bwhy\b|\bwhat (caused|led to|prompted|made|drove|triggered)\b|\bwhat (is|was|were|are) the (reason|cause)/.test(q)) return 'reason';
  const words = question.match(/[\p{L}\p{N}][\p{L}\p{N}'’.&-]*/gu) ?? [];
  if (/\bwhat (is|was|are|were) the names? of\b/.test(q)) {
    // "What is the name of the ... official who ...": a person's name when the phrase names a person.
    const of = words.findIndex((w) => w.toLowerCase() === 'of');
    return whPhraseKind(words, of) === 'person' ? 'person' : 'name';
  }
  const whAt = words.findIndex((w) => /^(?:what|which)$/i.test(w));
  // "What is Dart Group offering per share?": the price, whatever the subject is.
  if (/^\W*what (is|are|was|were|did|does|do|has|have|had)\b.*\b(offering|paying|charging|bidding|offered|paid|charged|bid)\b/.test(q)) return 'amount';
  const phrase = whAt >= 0 ? whPhraseKind(words, whAt) : undefined;
  if (phrase === 'amount') return 'amount';
  if (/\bwhen\b/.test(q)) return 'date';
  if (phrase) return phrase;
  if (/\bwhere\b/.test(q)) return 'place';
  if (/\b(who|whom|whose)\b/.test(q)) return 'person';
  // "To what did the bank cut its rate?", "What per share ...?", "What did the embassy put output at?"
  if (/\bto what\b(?! extent)/.test(q) && /\b(cut|cuts|raise|raised|raises|lift|lifted|lower|lowered|reduce|reduced|increase|increased|boost|boosted|trim|trimmed|set|fix|fixed|rise|rose|fall|fell|extend|extended)\b/.test(q)) return 'amount';
  if (/\bper[- ]share\b|\ba share\b/.test(q) && /\bwhat\b/.test(q)) return 'amount';
  if (/\bwhat\b.*\b(put|value|valued|peg|pegged|quote|quoted|price|priced|estimate|estimated|set|fix|fixed)\b[^?]*\bat\W*$/.test(q)) return 'amount';
  return 'other';
}

const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|march|mar|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const WEEKDAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const DATE_RE = new RegExp(
  `\\b(?:${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s+\\d{4})?|\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH}(?:\\s+\\d{4})?|${MONTH}\\s+\\d{4}|(?:early|mid|late)[- ]\\d{4}s?|(?:in|since|by|until|from|of|during)\\s+\\d{4}s?|\\d{4}s|\\d{1,2}(?:st|nd|rd|th)\\s+century|${WEEKDAY}|${MONTH}(?=\\s|$|[,.;])|(?:last|next|this)\\s+(?:week|month|year|quarter)|yesterday|today|tomorrow|\\b(?:1[0-9]|20)\\d{2}\\b)`,
  'giu',
);
const NUMBER_WORDS = 'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|half|quarter';
const AMOUNT_RE = new RegExp(
  `(?:[$£€¥]\\s?|\\b(?:us|u\\.s\\.|dlrs?|stg|yen)\\s?)?\\b(?:\\d[\\d,.]*\\d|\\d|${NUMBER_WORDS})(?:\\s+(?:and\\s+)?(?:${NUMBER_WORDS}|\\d[\\d,.]*))*` +
    `(?:\\s*(?:%|pct|percent|per cent|mln|billion|million|bln|trillion|thousand|dlrs|dollars|euros?|yen|marks|francs|pounds|stg|cents|tonnes|tons|barrels|bpd|shares|points|miles|km|kilometres|kilometers|feet|metres|meters|years|months|days|hours|people|times))*`,
  'giu',
);
// A run of capitalised words (with "of", "de", "and" inside), e.g. "Bank of Japan", "Nicanor Araya".
const NAME_RE = /\b\p{Lu}[\p{L}'’.-]*(?:\s+(?:(?:of|de|du|van|von|der|la|le|al|bin|the|and|&)\s+)?\p{Lu}[\p{L}'’.-]*)*/gu;
const REASON_RE = /\b(?:because(?: of)?|due to|owing to|as a result of|result(?:ed|ing)? from|caused by|after|since|following|amid|in order to|so that|aimed at|to (?:protect|avoid|reduce|boost|cut|offset|meet|help|prevent|finance|fund|pay|raise|curb|stem|support|ease|allow))\b/giu;
const PLACE_CUE = /\b(?:in|at|to|from|near|into|across|outside|inside)\s+$/i;

/** Spans of the sentence that are of `kind` and not just words of the question itself. */
export function answerItems(kind: AnswerKind, sentence: string, questionWords: Set<string>): Span[] {
  const spans: Span[] = [];
  const isNew = (text: string) => (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).some((w) => !questionWords.has(w) && !/^(of|the|and|de|in|at)$/.test(w));
  const push = (re: RegExp, keep?: (m: RegExpMatchArray) => boolean) => {
    for (const m of sentence.matchAll(re)) {
      const text = m[0].trim();
      if (text === '' || !isNew(text) || (keep && !keep(m))) continue;
      const start = m.index! + m[0].indexOf(text);
      spans.push({ start, end: start + text.length });
    }
  };
  switch (kind) {
    case 'date':
      push(DATE_RE, (m) => m[0] !== 'may'); // "may" the verb, not the month
      break;
    case 'amount':
      // Not a day of a month ("May 1", "1 May") nor a bare year: those are dates.
      push(AMOUNT_RE, (m) => /\d|[a-z]/i.test(m[0]) && !partOfDate(sentence, m));
      break;
    case 'reason':
      push(REASON_RE);
      break;
    case 'person': // "who said so?" is often answered by a ministry or a company: any name counts; `personNames` tells people
    case 'name':
      push(NAME_RE, (m) => m.index! > 0 && !sentenceStartOnly(sentence, m) && !TIME_NAME.test(m[0]));
      break;
    case 'place':
      push(NAME_RE, (m) => m.index! > 0 && PLACE_CUE.test(sentence.slice(Math.max(0, m.index! - 12), m.index!)));
      break;
    default:
      break;
  }
  return spans;
}

// Capitalised words that are not people: times, organisations' and places' common words.
const TIME_NAME = /^(?:jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|august|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\.?$/i;
const NOT_PERSON_WORD =
  /^(?:the|a|an|and|of|in|reuters|u\.s\.|u\.k\.|corp|corporation|inc|co|ltd|plc|ag|sa|nv|bv|spa|group|bank|banks|association|board|commission|ministry|department|party|council|committee|exchange|fund|union|federal|national|international|government|company|companies|securities|trust|holdings|industries|oil|petroleum|energy|airlines?|motors?|chemical|steel|electric|financial|capital|savings|loan|court|house|senate|congress|parliament|agency|office|authority|institute|university|organisation|organization|news|times|street|market|markets|exchange|treasury|reserve|central|state|states|republic|kingdom|city|river|gulf|sea|north|south|east|west|northern|southern|eastern|western|european|american|british|french|german|japanese|soviet|chinese|arab|opec|ec|gatt|imf)$/i;
const PERSON_TITLE =
  /\b(?:mr|mrs|ms|dr|sir|lord|president|premier|minister|chancellor|secretary|chairman|chairwoman|governor|senator|sen|rep|representative|judge|justice|ombudsman|spokesman|spokeswoman|director|executive|officer|chief|head|leader|king|queen|prince|general|gen|ambassador|envoy|commissioner|economist|analyst|businessman|negotiator|mayor|prosecutor|president-elect|candidate)\.?\s+$/i;

/**
 * A run of capitalised words that names a person: after a title ("Prime Minister Branko
 * Mikulic", "businessman Donald Dixon"), or two or more words none of which is a time, an
 * organisation's or a place's common word, or one such word followed by "said", "told" or a comma.
 */
/** Of the names `answerItems('person', sentence, …)` found, those that look like people's (see `personLike`). */
export function personNames(sentence: string, names: Span[]): Span[] {
  return names.filter((span) => {
    const text = sentence.slice(span.start, span.end);
    return personLike(sentence, text, span.start);
  });
}

function personLike(sentence: string, name: string, at: number): boolean {
  const words = name.split(/\s+/);
  if (words.every((w) => TIME_NAME.test(w) || NOT_PERSON_WORD.test(w))) return false;
  if (PERSON_TITLE.test(sentence.slice(Math.max(0, at - 40), at))) return true;
  if (words.some((w) => NOT_PERSON_WORD.test(w) || TIME_NAME.test(w))) return false;
  if (words.length >= 2) return true;
  return /^\s*(?:,|said|says|told|who)\b/.test(sentence.slice(at + name.length, at + name.length + 8));
}

const MONTH_BEFORE = new RegExp(`\\b${MONTH}\\s+$`, 'i');
const MONTH_AFTER = new RegExp(`^\\s+${MONTH}\\b`, 'i');

/** True when an amount match is a date's day ("May 1", "3 March") or a bare year ("in 1984"). */
function partOfDate(sentence: string, m: RegExpMatchArray): boolean {
  const text = m[0].trim();
  if (/^(?:1[5-9]|20)\d\d$/.test(text)) return true;
  if (!/^\d{1,2}(?:st|nd|rd|th)?$/.test(text)) return false;
  const at = m.index! + m[0].indexOf(text);
  return MONTH_BEFORE.test(sentence.slice(Math.max(0, at - 12), at)) || MONTH_AFTER.test(sentence.slice(at + text.length, at + text.length + 12));
}

/** What an amount is counted in, as far as a question and an answer need to agree on it. */
export type AmountUnit = 'percent' | 'money' | 'duration' | 'distance' | 'count';

const PERCENT_Q = /\b(?:rate|rates|percentage|percent|pct|proportion|discount|growth|inflation|yield|margin|share of|stake)\b/i;
const DURATION_A = /\b(?:years?|months?|weeks?|days?|hours?|minutes?|decades?)\b/i;
const DISTANCE_A = /\b(?:miles?|km|kilomet(?:re|er)s?|met(?:re|er)s?|feet|foot|yards?)\b/i;
const MONEY_Q =
  /\b(?:price|prices|cost|costs|pay|paid|paying|worth|value|valued|offer|offered|offering|bid|fine|fined|loan|loans|debt|budget|sum|spend|spent|sell|sold|buy|bought|charge|fee|revenue|revenues|profit|profits|loss|losses|earnings|sales|dividend|invest|investment|money|capital|funds|credit|aid|salary|wage|wages|tax|owed|owe|borrow|raise|raised|dollars|dlrs)\b/i;
const PERCENT_A = /%|\bpct\b|\bper ?cent\b|\bpercentage points?\b/i;
const MONEY_A = /[$£€¥]|\b(?:dlrs?|dollars?|stg|sterling|yen|marks|francs|pounds|cents|lire|guilders|pesos|rupees|won|crowns|rand|riyals|dinars|ecus?)\b/i;

/** The unit a "how much"/"what rate" question expects, when its words tell; "how many X" counts X. */
export function expectedUnit(question: string): AmountUnit | undefined {
  if (/\bhow long\b|\bfor how (?:many|much) (?:years|months|weeks|days)\b/i.test(question)) return 'duration';
  if (/\bhow far\b|\b(?:range|distance)\b/i.test(question)) return 'distance';
  if (/\bhow many (?:years|months|weeks|days|hours)\b/i.test(question)) return 'duration';
  if (/\bhow many\b/i.test(question)) return 'count';
  if (PERCENT_Q.test(question)) return 'percent';
  if (MONEY_Q.test(question)) return 'money';
  return undefined;
}

/** The unit of an amount found in a sentence (read with the few words after it). */
export function unitOf(amount: string, after: string): AmountUnit {
  const text = `${amount} ${after.slice(0, 20)}`;
  if (PERCENT_A.test(text)) return 'percent';
  if (MONEY_A.test(text)) return 'money';
  if (DURATION_A.test(text)) return 'duration';
  if (DISTANCE_A.test(text)) return 'distance';
  return 'count';
}

/** A capitalised single word right after a quote mark or at a clause start carries no name. */
function sentenceStartOnly(sentence: string, m: RegExpMatchArray): boolean {
  const before = sentence.slice(Math.max(0, m.index! - 2), m.index!);
  return /^[“"‘(]$/.test(before.trim()) && !/\s/.test(m[0]);
}
