import { passageSearchText } from '../indexing/searchText.ts';
import type { LexicalHit, QueryTerm } from './bm25.ts';
import { storyMembers, storyShare } from './story.ts';
import { findDays, isoDay, sameDay, withoutTimeWords, type DayMention, type TimeScope } from './timeScope.ts';
import type { LoadedIndex } from './loadIndex.ts';
import { tokenize } from './tokenize.ts';
import type { RetrievedPassage } from './types.ts';

/**
 * Hybrid retrieval in two steps.
 *
 * 1. Candidates: the best passages by BM25 (LEXICAL_CANDIDATES) and by embedding similarity
 *    (DENSE_CANDIDATES), plus, when the question names a day, the opening passages of articles
 *    published that day.
 * 2. Reranking: each candidate's score is a weighted sum of evidence, each part on a 0-1 scale
 *    (RerankWeights), read from the passage's stored term sequence (no text is re-read). The
 *    weights were set with pairwise logistic regression on the SQuAD dev questions, checked by
 *    two-fold cross-validation (README "Retrieval quality"). On that set, with the offline
 *    model: BM25 alone R@1 0.81, R@5 0.93; with the rest 0.84 / 0.95; dropping proximity costs
 *    0.03 of R@1, the embedding 0.016, phrase 0.018.
 *
 * Rank fusion (RRF) is not used: it gives a weak ranking as much say as a strong one, and with
 * the offline model an equal-weight RRF is far worse than BM25 alone (R@1 0.54 vs 0.80 here).
 * Scores are fused instead, BM25 normalised by the best candidate's, so the embedding can only
 * reorder passages BM25 finds close. The weights suit the offline model's cosines; with
 * another model re-check them with `npm run eval` (README "Retrieval quality").
 */
export interface RerankWeights {
  /** BM25 score, divided by the best candidate's. */
  lexical: number;
  /** Cosine similarity of question and passage embeddings. */
  dense: number;
  /** Share of the question's (idf-weighted) terms found together within PROXIMITY_WINDOW tokens. */
  proximity: number;
  /** Share of the question's adjacent term pairs that are adjacent in the passage too. */
  phrase: number;
  /** Share of the question's (idf-weighted) terms in the article title. */
  title: number;
  /** 1 when the passage mentions, or its article is dated, a day the question names. */
  date: number;
}

export const DEFAULT_WEIGHTS: RerankWeights = { lexical: 2.2, dense: 3.7, proximity: 2.5, phrase: 1.6, title: 1.4, date: 1 };

/**
 * How much time counts (src/search/timeScope.ts says what a question's time is).
 *
 * - window: added when the passage's article is dated inside the period the question names. It
 *   is about as large as the lexical and title evidence together, so an article from the period
 *   on the story outranks a better-worded one from another time, but not an off-topic one.
 * - recency: for articles on the question's story (src/search/story.ts), from 0 for the oldest
 *   to the weight for the newest, by date. Larger when the question says "latest", "now",
 *   "currently"; smaller for a bare present tense; smallest for a period's own articles ("this
 *   week": the newest of the week first).
 * Set by hand from these orders of magnitude, not fitted; checked with `npm run eval` on
 * ../shared/eval/news/time-dev.jsonl (README "Time in questions").
 */
export const TIME_WEIGHTS = { window: 3, recencyExplicit: 1.6, recencyPresent: 1.0, recencyInWindow: 0.6 };
/** A report from the end of a period's grace days counts this much less than one from within it. */
const GRACE_DISCOUNT = 0.3;
/**
 * Extra candidates for questions that say "latest", "now", "currently": the story's newest
 * articles among the best STORY_DEPTH passages by BM25. (For a bare present tense it gained
 * nothing on time-dev and costs reading STORY_DEPTH term sequences, so it is not done.)
 */
const NEWER_CANDIDATES = 5;
const STORY_DEPTH = 100;
/** Passages read for "the newest articles on a topic". */
const TOPIC_DEPTH = 200;
/** Extra candidates from a BM25 search over the period's articles only. */
const WINDOW_CANDIDATES = 20;
/** How deep the BM25 ranking is read for candidates. */
export const LEXICAL_CANDIDATES = 40;
/** How deep the embedding ranking is read for candidates. */
export const DENSE_CANDIDATES = 10;
/** Articles published on a day the question names whose opening passage becomes a candidate. */
const DATED_CANDIDATES = 20;
/** Tokens (content words) in a proximity window: about two sentences. */
export const PROXIMITY_WINDOW = 30;
/** Passages this similar (shared share of distinct terms) count as the same text: one is kept. */
const NEAR_DUPLICATE = 0.9;
/** Articles whose title terms are remembered. */
const TITLE_CACHE_SIZE = 20_000;
const EMPTY = new Uint32Array(0);
/** Stands for a word the index does not know (never a question term). */
const UNKNOWN_TERM = 0xffffffff;

export interface RetrievalSignals {
  /** Cosine similarity of question and passage. */
  dense?: number;
  /** BM25 score of the passage (with its title). */
  lexical?: number;
  proximity?: number;
  phrase?: number;
  title?: number;
  date?: number;
  /** 1 when the article is dated inside the question's period, less in the days after it (windowFit). */
  window?: number;
  /** Recency among the story's articles (0 oldest, 1 newest), when the question prefers the latest. */
  recency?: number;
}

export type RankedPassage = RetrievedPassage & { signals: RetrievalSignals };

export interface Candidate {
  doc: number;
  cosine?: number;
  /** Term ids of the passage's search text (title, then passage), in order. */
  terms: Uint32Array;
  /** Distinct terms, for near-duplicate detection. */
  termSet?: Set<number>;
  bm25: number;
  signals: RetrievalSignals;
  score: number;
}

/** What reranking knows about the question, computed once per question. */
export interface QueryInfo {
  terms: QueryTerm[];
  /** term id -> its weight (idf), for the question terms the index knows */
  weights: Map<number, number>;
  totalWeight: number;
  /** Adjacent pairs of question terms: first id -> second ids. */
  pairs: Map<number, Set<number>>;
  pairCount: number;
  days: DayMention[];
}

export class Retriever {
  private readonly titleCache = new Map<number, Set<number>>();
  private firstPassageOfArticle: Int32Array | undefined;
  private articlesByDay: Map<string, number[]> | undefined;
  /** Per passage, its article's date as days since 1970 (NaN when undated). */
  private passageDays: Float64Array | undefined;
  private newestDay: number | undefined;

  constructor(
    private readonly index: LoadedIndex,
    private readonly weights: RerankWeights = DEFAULT_WEIGHTS,
  ) {}

  /** The `k` best passages for a question whose embedding is `questionVector`. */
  /**
   * The `k` best passages for a question whose embedding is `questionVector`. With a time scope,
   * nothing dated after its `now` is returned, articles of its period rank first and the newest
   * coverage of the question's story is preferred when the question asks for the latest.
   */
  retrieve(question: string, questionVector: Float32Array, k: number, scope?: TimeScope): RankedPassage[] {
    return this.rank(question, questionVector, k, scope).map((c) => this.toPassage(c));
  }

  /** The `k` best candidates, scored and ordered, near-duplicates removed (exposed for tuning). */
  rank(question: string, questionVector: Float32Array, k: number, scope?: TimeScope): Candidate[] {
    // "now", "this week", "latest" say when, not what: they are read by the time scope, not matched.
    const query = this.queryInfo(scope ? withoutTimeWords(question) : question, scope);
    const candidates = new Map<number, Candidate>();
    const nowDay = scope ? dayNumber(scope.now) : Infinity;
    const days = scope ? this.dayTable() : undefined;
    // Checking every BM25 hit's date costs time: only when some article is dated after now.
    const filterFuture = days !== undefined && nowDay < this.newestDay!;
    const allowed = (doc: number) => !filterFuture || !(days![doc]! > nowDay);
    const add = (doc: number): Candidate | undefined => {
      if (!allowed(doc)) return undefined;
      let c = candidates.get(doc);
      if (!c) candidates.set(doc, (c = { doc, terms: EMPTY, bm25: 0, signals: {}, score: 0 }));
      return c;
    };
    // For a question that asks for the latest state of a story, also the story's newest articles,
    // which plain BM25 may rank lower: one BM25 pass read deeper serves both.
    const wantsNewest = days !== undefined && !scope!.window && scope!.latest === 'explicit';
    const lexicalHits = this.index.lexical.searchTerms(query.terms, wantsNewest ? STORY_DEPTH : LEXICAL_CANDIDATES, filterFuture ? allowed : undefined);
    for (const hit of lexicalHits.slice(0, LEXICAL_CANDIDATES)) add(hit.doc);
    if (wantsNewest) for (const c of this.newestOnStory(query, lexicalHits, NEWER_CANDIDATES)) add(c.doc);
    const window = scope?.window
      ? { from: dayNumber(scope.window.from), to: dayNumber(scope.window.to), periodEnd: dayNumber(scope.period?.to ?? scope.window.to) }
      : undefined;
    const inWindow = (doc: number) => window !== undefined && days![doc]! >= window.from && days![doc]! <= window.to;
    if (window) for (const hit of this.index.lexical.searchTerms(query.terms, WINDOW_CANDIDATES, inWindow)) add(hit.doc);
    if (this.weights.dense > 0) {
      for (const hit of this.index.vectors.search(questionVector, DENSE_CANDIDATES)) {
        const c = add(hit.doc);
        if (c) c.cosine = hit.similarity;
      }
    }
    if (query.days.length > 0) for (const doc of this.datedOpenings(query.days)) add(doc);
    if (candidates.size === 0) return [];

    const list = [...candidates.values()];
    const sequences = this.termSequences(list.map((c) => c.doc));
    let bestBm25 = 0;
    list.forEach((c, i) => {
      c.terms = sequences[i]!;
      c.bm25 = this.bm25(query, c);
      bestBm25 = Math.max(bestBm25, c.bm25);
    });
    const w = this.weights;
    for (const c of list) {
      const s = c.signals;
      s.lexical = c.bm25;
      s.dense = c.cosine ?? (w.dense > 0 ? this.cosine(c.doc, questionVector) : 0);
      s.proximity = proximity(query, c.terms);
      s.phrase = phrase(query, c.terms);
      s.title = this.titleCoverage(query, c.doc);
      s.date = query.days.length > 0 && this.mentionsDay(query.days, c.doc) ? 1 : 0;
      c.score =
        w.lexical * (bestBm25 > 0 ? c.bm25 / bestBm25 : 0) +
        w.dense * s.dense +
        w.proximity * s.proximity +
        w.phrase * s.phrase +
        w.title * s.title +
        w.date * s.date;
      if (window) {
        s.window = windowFit(days![c.doc]!, window);
        c.score += TIME_WEIGHTS.window * s.window;
      }
    }
    if (scope && days) this.preferRecent(list, scope, days, window ? inWindow : undefined);
    list.sort((a, b) => b.score - a.score || a.doc - b.doc);
    return this.withoutNearDuplicates(list, k);
  }

  /**
   * The newest articles on a topic: among the best TOPIC_DEPTH passages by BM25 (none dated
   * after the scope's now), those on the topic's story (src/search/story.ts), one passage per
   * article, newest first. For "what's new on X?", where the date matters more than the wording.
   */
  newest(topic: string, k: number, scope: TimeScope): RankedPassage[] {
    const query = this.queryInfo(withoutTimeWords(topic), scope);
    const days = this.dayTable();
    const nowDay = dayNumber(scope.now);
    const hits = this.index.lexical.searchTerms(query.terms, TOPIC_DEPTH, (d) => !(days[d]! > nowDay));
    return this.newestOnStory(query, hits, k).map((c) => this.toPassage(c));
  }

  /** The best passages of the newest `k` articles on the story among BM25 `hits`. */
  private newestOnStory(query: QueryInfo, hits: LexicalHit[], k: number): Candidate[] {
    const days = this.dayTable();
    if (hits.length === 0) return [];
    const sequences = this.termSequences(hits.map((h) => h.doc));
    const list: Candidate[] = hits.map((h, i) => ({ doc: h.doc, terms: sequences[i]!, bm25: h.score, signals: {}, score: h.score }));
    for (const c of list) c.signals.proximity = proximity(query, c.terms);
    const byArticle = new Map<number, Candidate>();
    for (const c of storyMembers(list, (x) => x.signals.proximity ?? 0)) {
      const article = this.index.passage(c.doc).articleIndex;
      const kept = byArticle.get(article);
      if (!kept || c.score > kept.score) byArticle.set(article, c);
    }
    const dayOf = (c: Candidate) => (Number.isNaN(days[c.doc]!) ? -Infinity : days[c.doc]!);
    return [...byArticle.values()].sort((a, b) => dayOf(b) - dayOf(a) || b.score - a.score).slice(0, k);
  }

  /**
   * Raises the story's newer articles: by date, from nothing for the story's oldest to the
   * weight for its newest. With a period, only the period's articles are compared.
   */
  private preferRecent(list: Candidate[], scope: TimeScope, days: Float64Array, inWindow?: (doc: number) => boolean): void {
    const weight = inWindow
      ? scope.relative || scope.latest === 'explicit'
        ? TIME_WEIGHTS.recencyInWindow
        : 0
      : scope.latest === 'explicit'
        ? TIME_WEIGHTS.recencyExplicit
        : scope.latest === 'present'
          ? TIME_WEIGHTS.recencyPresent
          : 0;
    if (weight === 0) return;
    const pool = inWindow ? list.filter((c) => inWindow(c.doc)) : list;
    const story = storyMembers(pool, (c) => c.signals.proximity ?? 0, storyShare(scope.latest)).filter((c) => !Number.isNaN(days[c.doc]!));
    if (story.length < 2) return;
    let oldest = Infinity;
    let newest = -Infinity;
    for (const c of story) {
      oldest = Math.min(oldest, days[c.doc]!);
      newest = Math.max(newest, days[c.doc]!);
    }
    if (newest === oldest) return;
    for (const c of story) {
      c.signals.recency = (days[c.doc]! - oldest) / (newest - oldest);
      c.score += weight * c.signals.recency;
    }
  }

  /** Makes the per-passage date table now (at load) rather than during the first question. */
  prepareDates(): void {
    this.dayTable();
  }

  /** Each passage's article date in days since 1970 (NaN when undated), made on first use. */
  private dayTable(): Float64Array {
    if (!this.passageDays) {
      const articleDays = this.index.articles.map((a) => (a.date ? dayNumber(a.date) : NaN));
      const table = new Float64Array(this.index.passageCount);
      for (let p = 0; p < table.length; p++) table[p] = articleDays[this.index.passage(p).articleIndex]!;
      this.passageDays = table;
      this.newestDay = articleDays.reduce((m, d) => (d > m ? d : m), -Infinity);
    }
    return this.passageDays;
  }

  queryInfo(question: string, scope?: TimeScope): QueryInfo {
    const lexical = this.index.lexical;
    const terms = lexical.queryTerms(question);
    const weights = new Map<number, number>();
    for (const t of terms) if (t.id >= 0 && t.idf > 0) weights.set(t.id, t.idf);
    let totalWeight = 0;
    for (const v of weights.values()) totalWeight += v;
    const idOf = new Map(terms.map((t) => [t.term, t.id]));
    const sequence = tokenize(question).map((t) => idOf.get(t) ?? -1);
    const pairs = new Map<number, Set<number>>();
    let pairCount = 0;
    for (let i = 1; i < sequence.length; i++) {
      const a = sequence[i - 1]!;
      const b = sequence[i]!;
      if (!weights.has(a) || !weights.has(b)) continue;
      let next = pairs.get(a);
      if (!next) pairs.set(a, (next = new Set()));
      if (!next.has(b)) {
        next.add(b);
        pairCount++;
      }
    }
    return { terms, weights, totalWeight, pairs, pairCount, days: scope ? scope.days : findDays(question) };
  }

  /** Term ids of the passages' search texts: stored with the index, or made from the text. */
  private termSequences(docs: number[]): Uint32Array[] {
    const lexical = this.index.lexical;
    if (lexical.hasSequences) return lexical.termSequences(docs);
    return docs.map((doc) => {
      const { article, articleIndex, start, end } = this.index.passage(doc);
      const tokens = tokenize(passageSearchText(article, this.index.body(articleIndex).slice(start, end)));
      return Uint32Array.from(tokens, (t) => {
        const id = lexical.termId(t);
        return id < 0 ? UNKNOWN_TERM : id;
      });
    });
  }

  /** BM25 of the passage with its title, exactly as the index scores it. */
  private bm25(query: QueryInfo, c: Candidate): number {
    const tf = new Map<number, number>();
    for (const id of c.terms) if (query.weights.has(id)) tf.set(id, (tf.get(id) ?? 0) + 1);
    const length = this.index.lexical.docLength(c.doc);
    let score = 0;
    for (const [id, n] of tf) score += this.index.lexical.termScore(query.weights.get(id)!, n, length);
    return score;
  }

  private cosine(doc: number, vector: Float32Array): number {
    const stored = this.index.vectors.vector(doc);
    let dot = 0;
    for (let i = 0; i < stored.length; i++) dot += stored[i]! * vector[i]!;
    return dot;
  }

  private titleCoverage(query: QueryInfo, doc: number): number {
    if (query.totalWeight === 0) return 0;
    const { articleIndex } = this.index.passage(doc);
    let set = this.titleCache.get(articleIndex);
    if (!set) {
      set = new Set(tokenize(this.index.articles[articleIndex]!.title).map((t) => this.index.lexical.termId(t)));
      if (this.titleCache.size >= TITLE_CACHE_SIZE) this.titleCache.delete(this.titleCache.keys().next().value!);
      this.titleCache.set(articleIndex, set);
    }
    let covered = 0;
    for (const [id, weight] of query.weights) if (set.has(id)) covered += weight;
    return covered / query.totalWeight;
  }

  private mentionsDay(days: DayMention[], doc: number): boolean {
    const { article, articleIndex, start, end } = this.index.passage(doc);
    const published = isoDay(article.date);
    if (published && days.some((d) => sameDay(d, published))) return true;
    const mentioned = findDays(this.index.body(articleIndex).slice(start, end));
    return mentioned.some((m) => days.some((d) => sameDay(d, m)));
  }

  /** Opening passages of articles published on one of `days` (the latest articles first). */
  private datedOpenings(days: DayMention[]): number[] {
    if (!this.articlesByDay) {
      this.articlesByDay = new Map();
      this.index.articles.forEach((a, i) => {
        const d = isoDay(a.date);
        if (!d) return;
        const key = `${d.month}-${d.day}`;
        const list = this.articlesByDay!.get(key) ?? [];
        list.push(i);
        this.articlesByDay!.set(key, list);
      });
      this.firstPassageOfArticle = new Int32Array(this.index.articles.length).fill(-1);
      for (let p = this.index.passageCount - 1; p >= 0; p--) this.firstPassageOfArticle[this.index.passage(p).articleIndex] = p;
    }
    const out: number[] = [];
    for (const day of days) {
      const articles = (this.articlesByDay.get(`${day.month}-${day.day}`) ?? []).filter((i) => {
        const published = isoDay(this.index.articles[i]!.date);
        return published !== undefined && sameDay(day, published);
      });
      for (const i of articles.slice(-DATED_CANDIDATES)) {
        const p = this.firstPassageOfArticle![i]!;
        if (p >= 0) out.push(p);
      }
    }
    return out;
  }

  /**
   * The first `k` candidates, skipping any whose text is (nearly) the same as a better-ranked
   * one's, such as a wire story published twice: it would only repeat the same quote.
   */
  private withoutNearDuplicates(ordered: Candidate[], k: number): Candidate[] {
    const kept: Candidate[] = [];
    for (const c of ordered) {
      if (kept.length >= k) break;
      c.termSet ??= new Set(c.terms);
      const duplicate = kept.some((o) => {
        if (Math.abs(o.terms.length - c.terms.length) > (1 - NEAR_DUPLICATE) * Math.max(o.terms.length, c.terms.length)) return false;
        return overlapShare(o.termSet!, c.termSet!) >= NEAR_DUPLICATE;
      });
      if (!duplicate) kept.push(c);
    }
    return kept;
  }

  private toPassage(c: Candidate): RankedPassage {
    const { article, articleIndex, start, end } = this.index.passage(c.doc);
    return {
      passageId: this.index.passageId(c.doc),
      articleId: article.id,
      title: article.title,
      date: article.date,
      url: article.url,
      start,
      end,
      text: this.index.body(articleIndex).slice(start, end),
      score: c.score,
      signals: c.signals,
    };
  }
}

/**
 * How well an article's day fits the question's window: 1 inside the period itself, falling to
 * 1 - GRACE_DISCOUNT over the days after it when reports about it still come in, 0 outside.
 */
function windowFit(day: number, w: { from: number; to: number; periodEnd: number }): number {
  if (Number.isNaN(day) || day < w.from || day > w.to) return 0;
  if (day <= w.periodEnd) return 1;
  return 1 - (GRACE_DISCOUNT * (day - w.periodEnd)) / Math.max(1, w.to - w.periodEnd);
}

/** An ISO day as days since 1970. */
function dayNumber(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
}

/** Shared distinct terms over the larger set's size. */
function overlapShare(a: Set<number>, b: Set<number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (large.size === 0) return 1;
  let shared = 0;
  for (const t of small) if (large.has(t)) shared++;
  return shared / large.size;
}

/** Best idf-weighted share of the question's terms present together in `window` consecutive terms. */
export function proximity(query: Pick<QueryInfo, 'weights' | 'totalWeight'>, terms: ArrayLike<number>, window = PROXIMITY_WINDOW): number {
  if (query.totalWeight === 0) return 0;
  const counts = new Map<number, number>();
  let covered = 0;
  let best = 0;
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    const w = query.weights.get(t);
    if (w !== undefined) {
      const n = counts.get(t) ?? 0;
      if (n === 0) covered += w;
      counts.set(t, n + 1);
    }
    const out = i - window;
    if (out >= 0) {
      const o = terms[out]!;
      const ow = query.weights.get(o);
      if (ow !== undefined) {
        const n = counts.get(o)! - 1;
        counts.set(o, n);
        if (n === 0) covered -= ow;
      }
    }
    if (covered > best) best = covered;
  }
  return Math.min(1, best / query.totalWeight);
}

/** Share of the question's adjacent term pairs found adjacent in the passage. */
export function phrase(query: Pick<QueryInfo, 'pairs' | 'pairCount'>, terms: ArrayLike<number>): number {
  if (query.pairCount === 0) return 0;
  let found: Set<string> | undefined;
  for (let i = 1; i < terms.length; i++) {
    const next = query.pairs.get(terms[i - 1]!);
    if (next?.has(terms[i]!)) (found ??= new Set()).add(`${terms[i - 1]} ${terms[i]}`);
  }
  return (found?.size ?? 0) / query.pairCount;
}
