import { dot, type WordVectors } from '../../indexing/wordVectors.ts';
import { answerItems, personNames, unitOf } from './answerTypes.ts';
import type { Span } from '../../indexing/sentences.ts';
import type { RetrievedPassage } from '../../search/types.ts';
import type { CandidateSentence } from './candidates.ts';
import { contentWords, hasEntity, questionAnchors, type QuestionAnalysis, type Word } from './question.ts';

/**
 * The measures the reader's model weighs for one candidate sentence, each on a 0-1 (or small)
 * scale. Names are the keys of the fitted weights in model.json.
 */
export const LEXICAL_FEATURES = [
  'sentCov', // weighted share of the question's terms in the sentence
  'ctxCov', // ... in the sentence with its neighbours
  'passCov', // ... in the passage and its title
  'missingMax', // weight of the most important question term the passage lacks
  'entityMissing', // share of the question's names and numbers the passage and title lack
  'entityMissingCtx', // ... that the sentence and its neighbours lack
  'focusIn', // the wh-phrase's noun ("price", "successor") is in the sentence or a neighbour
  'kindKnown', // the question asks for a person, place, date, amount, reason or name
  'kindItem', // the sentence holds such a thing beyond the question's own words
  'kindItemCtx', // only a neighbour does
  'kindMissing', // the question asks for one and the sentence has none (kindKnown and not kindItem)
  'novelty', // share of the sentence's content words that are not the question's
  'restate', // sentCov x (1 - novelty): a sentence that restates the question
  'covItem', // sentCov x kindItem
  'phrase', // share of the question's adjacent term pairs adjacent in the context
  'retrieval', // the passage's retrieval score over the best passage's
  'rankLog', // log2(1 + passage rank)
  'lead', // the article's first sentence
  'lenLog', // log(1 + content words of the sentence) / 4
  'unitMatch', // an amount in the sentence is in the unit the question expects (a rate: pct; a price: dlrs; "how many X": X)
  'unitClash', // the sentence has amounts, none in the expected unit
  'itemNear', // how close the nearest such thing is to a word of the question in the sentence (1 adjacent, 0 none)
  'covKindMissing', // sentCov x kindMissing: a sentence that restates the question without what it asks for
  'titleSentCov', // weighted share of the question's terms in the sentence and its article's title together
  // kindItem for each kind of question: how much holding a name, a date ... counts depends on what was asked
  'itemPerson',
  'personItem', // a "who" question and the sentence names a person (after a title, or a full name), not only an organisation
  'itemPlace',
  'itemDate',
  'itemAmount',
  'itemName',
  'itemReason',
  'offsetLog', // log2(1 + where the sentence starts in its article, in 100s of characters): news answers early
  'articleCov', // weighted share of the question's terms in all of the article's retrieved passages and its title
  'articleRankLog', // log2(1 + rank of the article's best passage)
  'articleCovGap', // articleCov minus the best articleCov among the candidates
  'residualCov', // share of the question's terms that the title lacks found in the sentence: what this sentence adds to the story's gist
  // Against the other candidates of the same question (the model scores one sentence at a time):
  'sentCovGap', // sentCov minus the best sentCov among the candidates
  'ctxCovGap', // ctxCov minus the best ctxCov
  'covItemGap', // covItem minus the best covItem
  'phraseGap', // phrase minus the best phrase
] as const;

/** Features measured against the best value among a question's candidates: name -> the feature it compares. */
export const RELATIVE_FEATURES: Partial<Record<FeatureName, FeatureName>> = {
  sentCovGap: 'sentCov',
  ctxCovGap: 'ctxCov',
  covItemGap: 'covItem',
  phraseGap: 'phrase',
  articleCovGap: 'articleCov',
  softCovGap: 'softCov',
  softCtxGap: 'softCtx',
};

/** Fills in the relative features of a question's candidates (each candidate's value minus the best). */
export function addRelativeFeatures(all: Features[]): void {
  for (const [name, base] of Object.entries(RELATIVE_FEATURES) as Array<[FeatureName, FeatureName]>) {
    let best = -Infinity;
    for (const f of all) if (f[base] !== undefined) best = Math.max(best, f[base]!);
    if (best === -Infinity) continue;
    for (const f of all) f[name] = f[base]! - best;
  }
}

/** Soft matches through the embedding model's word vectors (meet ~ summit); only with vectors. */
export const VECTOR_FEATURES = [
  'softCov', // weighted share of question terms matched, softly, in the sentence
  'softCtx', // ... in the sentence with its neighbours
  'softFocus', // best similarity of the focus noun to a word of the context
  'softGain', // softCov - sentCov: what only the paraphrase matches add
  'softCovGap', // softCov minus the best softCov among the candidates
  'softCtxGap', // softCtx minus the best softCtx
] as const;

export type FeatureName = (typeof LEXICAL_FEATURES)[number] | (typeof VECTOR_FEATURES)[number];
export type Features = Partial<Record<FeatureName, number>>;

/** Word similarity below this counts as no match; above it, the match counts in proportion. */
const SOFT_FLOOR = 0.45;

export interface FeatureContext {
  question: QuestionAnalysis;
  /** Best retrieval score among the passages, for `retrieval`. */
  topScore: number;
  words?: WordVectors;
  /** Cache of the question words' vectors. */
  questionVectors?: Map<string, Float32Array | undefined>;
  /** Per passage, each sentence's best similarity to each question word (this question's). */
  similarities?: WeakMap<object, Array<Map<string, number>>>;
  /** Per article among the passages: the terms of its retrieved passages and title, and its best rank (see `withArticles`). */
  articles?: Map<string, { terms: Set<string>; rank: number }>;
}

/** Adds what the article-level features need: each article's retrieved text, read as one. */
export function withArticles(ctx: FeatureContext, passages: RetrievedPassage[]): FeatureContext {
  const articles = new Map<string, { terms: Set<string>; rank: number }>();
  passages.forEach((p, rank) => {
    const a = articles.get(p.articleId);
    if (!a) articles.set(p.articleId, { terms: new Set(termsOfPassage(p)), rank });
    else for (const t of termsOfPassage(p)) a.terms.add(t);
  });
  return { ...ctx, articles };
}

function coverage(question: QuestionAnalysis, present: Set<string>): number {
  let covered = 0;
  for (const [t, w] of question.terms) if (present.has(t)) covered += w;
  return covered;
}

/** For each distinct question word, its best similarity to a word of `words` (computed once per sentence). */
function bestSimilarities(ctx: FeatureContext, words: Word[]): Map<string, number> {
  const vectors = ctx.words!;
  const cands: Float32Array[] = [];
  for (const w of words) {
    const v = vectors.vector(w.surface);
    if (v) cands.push(v);
  }
  const best = new Map<string, number>();
  for (const qw of ctx.question.words) {
    if (best.has(qw.term)) continue;
    const qv = questionVector(ctx, qw.surface);
    let b = 0;
    if (qv) for (const v of cands) b = Math.max(b, dot(qv, v));
    best.set(qw.term, b);
  }
  return best;
}

/** Weighted share of question terms found exactly or (discounted) through a similar word. */
function softCoverage(ctx: FeatureContext, similarities: Array<Map<string, number>>, present: Set<string>): number {
  let covered = 0;
  for (const [term, weight] of ctx.question.terms) {
    if (present.has(term)) {
      covered += weight;
      continue;
    }
    let best = 0;
    for (const s of similarities) best = Math.max(best, s.get(term) ?? 0);
    if (best > SOFT_FLOOR) covered += weight * ((best - SOFT_FLOOR) / (1 - SOFT_FLOOR));
  }
  return covered;
}

function questionVector(ctx: FeatureContext, surface: string): Float32Array | undefined {
  ctx.questionVectors ??= new Map();
  if (!ctx.questionVectors.has(surface)) ctx.questionVectors.set(surface, ctx.words!.vector(surface));
  return ctx.questionVectors.get(surface);
}

/** Passage-level sets (terms of passage and title) are shared by its sentences. */
const passageTerms = new WeakMap<object, Set<string>>();
/** Each sentence's content words, per passage (a sentence is read once, also as a neighbour). */
const sentenceWords = new WeakMap<object, Word[][]>();

/** The terms of a passage and its title (read once per passage, shared by its sentences and its article). */
function termsOfPassage(passage: RetrievedPassage): Set<string> {
  let terms = passageTerms.get(passage);
  if (!terms) passageTerms.set(passage, (terms = new Set([...contentWords(passage.text), ...contentWords(passage.title)].map((w) => w.term))));
  return terms;
}

const titleTermSets = new WeakMap<object, Set<string>>();
function titleTerms(passage: { title: string }): Set<string> {
  let terms = titleTermSets.get(passage);
  if (!terms) titleTermSets.set(passage, (terms = new Set(contentWords(passage.title).map((w) => w.term))));
  return terms;
}

/** Weighted share of the question's terms missing from `title` that `present` holds (0 when the title has them all). */
function residualCoverage(q: QuestionAnalysis, present: Set<string>, title: Set<string>): number {
  let total = 0;
  let covered = 0;
  for (const [t, w] of q.terms) {
    if (title.has(t)) continue;
    total += w;
    if (present.has(t)) covered += w;
  }
  return total === 0 ? 0 : covered / total;
}

/** 1 / (1 + d / 30) for the distance d in characters between an item and the nearest question word outside it. */
function nearness(q: QuestionAnalysis, sentence: string, items: Span[]): number {
  const anchors = questionAnchors(q, sentence).map((a) => a.at);
  let best = Infinity;
  for (const item of items) {
    for (const a of anchors) {
      if (a >= item.start && a < item.end) continue;
      best = Math.min(best, a < item.start ? item.start - a : a - item.end);
    }
  }
  return best === Infinity ? 0 : 1 / (1 + best / 30);
}

export function candidateFeatures(ctx: FeatureContext, c: CandidateSentence): Features {
  const q = ctx.question;
  let perSentence = sentenceWords.get(c.passage);
  if (!perSentence) {
    perSentence = c.sentences.map((s) => contentWords(c.passage.text.slice(s.start, s.end)));
    sentenceWords.set(c.passage, perSentence);
  }
  const sentWords = perSentence[c.i]!;
  const sentTerms = new Set(sentWords.map((w) => w.term));
  // The context's words are its sentences' words: sentences are separated by white space.
  const ctxWords = perSentence.slice(Math.max(0, c.i - 1), c.i + 2).flat();
  const ctxTerms = new Set(ctxWords.map((w) => w.term));
  const passTerms = termsOfPassage(c.passage);

  const sentCov = coverage(q, sentTerms);
  const article = ctx.articles?.get(c.passage.articleId);
  let missingMax = 0;
  for (const [t, w] of q.terms) if (!passTerms.has(t)) missingMax = Math.max(missingMax, w);
  const entityShare = (present: Set<string>) => {
    if (q.entities.size === 0) return 0;
    let missing = 0;
    for (const e of q.entities) if (!hasEntity(e, present)) missing++;
    return missing / q.entities.size;
  };
  const kindKnown = q.kind === 'other' ? 0 : 1;
  const items = kindKnown ? answerItems(q.kind, c.text, q.lowerWords) : [];
  const kindItem = items.length > 0 ? 1 : 0;
  let unitMatch = 0;
  let unitClash = 0;
  if (q.kind === 'amount' && q.unit && items.length > 0) {
    const matches = (span: Span) => {
      const after = c.text.slice(span.end, span.end + 25);
      return unitOf(c.text.slice(span.start, span.end), after) === q.unit;
    };
    unitMatch = items.some(matches) ? 1 : 0;
    unitClash = unitMatch ? 0 : 1;
  }
  const itemNear = items.length > 0 ? nearness(q, c.text, items) : 0;
  const kindItemCtx = kindKnown && !kindItem && answerItems(q.kind, c.context, q.lowerWords).length > 0 ? 1 : 0;
  const novel = sentWords.filter((w) => !q.terms.has(w.term)).length;
  const novelty = sentWords.length === 0 ? 0 : novel / sentWords.length;
  let pairs = 0;
  if (q.pairs.size > 0) {
    const found = new Set<string>();
    for (let i = 1; i < ctxWords.length; i++) {
      const p = `${ctxWords[i - 1]!.term} ${ctxWords[i]!.term}`;
      if (q.pairs.has(p)) found.add(p);
    }
    pairs = found.size / q.pairs.size;
  }
  const f: Features = {
    sentCov,
    ctxCov: coverage(q, ctxTerms),
    passCov: coverage(q, passTerms),
    missingMax,
    entityMissing: entityShare(passTerms),
    entityMissingCtx: entityShare(ctxTerms),
    focusIn: q.focus && ctxTerms.has(q.focus.term) ? 1 : 0,
    kindKnown,
    kindItem,
    kindItemCtx,
    kindMissing: kindKnown && !kindItem ? 1 : 0,
    novelty,
    restate: sentCov * (1 - novelty),
    covItem: sentCov * kindItem,
    phrase: pairs,
    retrieval: ctx.topScore > 0 ? Math.max(0, c.passage.score) / ctx.topScore : 0,
    rankLog: Math.log2(1 + c.rank),
    lead: c.lead ? 1 : 0,
    lenLog: Math.log(1 + sentWords.length) / 4,
    unitMatch,
    unitClash,
    itemNear,
    covKindMissing: kindKnown && !kindItem ? sentCov : 0,
    titleSentCov: coverage(q, new Set([...sentTerms, ...titleTerms(c.passage)])),
    itemPerson: q.kind === 'person' ? kindItem : 0,
    personItem: q.kind === 'person' && kindItem && personNames(c.text, items).length > 0 ? 1 : 0,
    itemPlace: q.kind === 'place' ? kindItem : 0,
    itemDate: q.kind === 'date' ? kindItem : 0,
    itemAmount: q.kind === 'amount' ? kindItem : 0,
    itemName: q.kind === 'name' ? kindItem : 0,
    itemReason: q.kind === 'reason' ? kindItem : 0,
    offsetLog: Math.log2(1 + (c.passage.start + c.sentences[c.i]!.start) / 100),
    articleCov: article ? coverage(q, article.terms) : coverage(q, passTerms),
    articleRankLog: Math.log2(1 + (article?.rank ?? c.rank)),
    residualCov: residualCoverage(q, sentTerms, titleTerms(c.passage)),
  };
  if (ctx.words) {
    ctx.similarities ??= new WeakMap();
    let sims = ctx.similarities.get(c.passage);
    if (!sims) ctx.similarities.set(c.passage, (sims = []));
    const simsOf = (j: number) => (sims[j] ??= bestSimilarities(ctx, perSentence[j]!));
    const around = [Math.max(0, c.i - 1), c.i, Math.min(perSentence.length - 1, c.i + 1)];
    f.softCov = softCoverage(ctx, [simsOf(c.i)], sentTerms);
    f.softCtx = softCoverage(ctx, around.map(simsOf), ctxTerms);
    f.softGain = f.softCov - sentCov;
    let focus = f.focusIn!;
    if (!focus && q.focus) {
      const fv = questionVector(ctx, q.focus.surface);
      if (fv) for (const w of ctxWords) {
        const v = ctx.words.vector(w.surface);
        if (v) focus = Math.max(focus, dot(fv, v));
      }
    }
    f.softFocus = focus;
  }
  return f;
}
