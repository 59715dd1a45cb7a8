import type { WordVectors } from '../../indexing/wordVectors.ts';
import type { RetrievedPassage } from '../../search/types.ts';
import { containsAnswer } from '../../eval/questions.ts';
import { withoutDates } from '../../search/timeScope.ts';
import { answerKind } from './answerTypes.ts';
import { candidateSentences } from './candidates.ts';
import { addRelativeFeatures, candidateFeatures, withArticles, LEXICAL_FEATURES, VECTOR_FEATURES, type Features } from './features.ts';
import { fitConditionalLogit, fitLogisticSigned, foldsByGroup, type Example } from './fit.ts';
import { logit, sigmoid, type LogisticModel, type ReaderModel, type ReaderVariant } from './model.ts';
import { analyzeQuestion, type TermWeight } from './question.ts';
import { answerLevelFeatures, ANSWER_FEATURES, type ScoredCandidate } from './reader.ts';
import { answerSpan } from './span.ts';

/** "Now" for training questions without their own: after all the coverage, and fixed, so refits agree. */
export const TRAINING_NOW = new Date('2026-01-01T12:00:00Z');

/** One training question, read: its candidates' features and whether each holds an answer. */
export interface ReadQuestion {
  id: string;
  /** The article it is about: cross-validation folds never split one. */
  group: string;
  /** Which training set it came from, for per-set figures. */
  set: string;
  answerable: boolean;
  /** What the question asks for (answer spans are judged per kind). */
  kind: string;
  candidates: Array<{ features: Features; label: 0 | 1; articleId: string; rank: number; spanHit: boolean | null }>;
}

/** Reads one training question's retrieved passages into candidates with labels. */
export function readForTraining(
  q: { id: string; question: string; answers: string[] | null },
  group: string,
  set: string,
  passages: RetrievedPassage[],
  termWeight: TermWeight,
  words?: WordVectors,
): ReadQuestion {
  // Read as the bot reads it (coverageService.ts): without the time it is about.
  const question = analyzeQuestion(withoutDates(q.question), termWeight, answerKind);
  const ctx = { question, topScore: Math.max(0, ...passages.map((p) => p.score)), words };
  const holds = (text: string) => (q.answers ?? []).some((a) => containsAnswer(text, a));
  const sentences = candidateSentences(passages);
  const withArticle = withArticles(ctx, passages);
  const features = sentences.map((c) => candidateFeatures(withArticle, c));
  addRelativeFeatures(features);
  const candidates = sentences.map((c, i) => {
    const label: 0 | 1 = q.answers && holds(c.text) ? 1 : 0;
    // Whether the span the reader would mark holds an answer (null: it would mark none).
    const span = answerSpan(question, c.text);
    const spanText = span ? c.text.slice(span.start, span.end) : undefined;
    const spanHit = spanText === undefined ? null : label === 1 && (q.answers ?? []).some((a) => containsAnswer(spanText, a) || containsAnswer(a, spanText));
    return { features: features[i]!, label, articleId: c.passage.articleId, rank: c.rank, spanHit };
  });
  return { id: q.id, group, set, answerable: q.answers !== null, kind: question.kind, candidates };
}

export interface TrainOptions {
  folds: number;
  /** Train the word-vector variant too (the questions were read with word vectors). */
  vectors: boolean;
  /** Wrongly abstained answerable questions allowed at the suggested threshold (cross-validated). */
  maxWronglyAbstained: number;
  trainedWith: string;
  /** The set answer spans are judged on, when it is among the data (default: all sets). */
  spanSet?: string;
  /** How much one question of a set counts in the fit (default 1), by set name. */
  setWeights?: Record<string, number>;
}

export interface CurveRow {
  threshold: number;
  answeredFirst: number;
  answeredTop3: number;
  wronglyAbstained: number;
  unanswerableAbstained: number | null;
}

export interface TrainReport {
  variant: 'lexical' | 'vectors';
  questions: number;
  candidates: number;
  /** Per set, out of fold: the right sentence first / in the first three, with no threshold. */
  bySet: Record<string, { answerable: number; unanswerable: number; first: number; top3: number; curve: CurveRow[] }>;
  suggestedMinConfidence: number;
  spanMinProbability: Record<string, number>;
  /** Out of fold, per kind, the share of spans marked in right sentences that are the answer. */
  spanPrecision: Record<string, number>;
}

/** The direction each P(answers) input must push: coverage up, missing names down. */
const ANSWER_SIGNS: Record<string, 1 | -1> = {
  topLogit: 1,
  gap: 1,
  sentCov: 1,
  ctxCov: 1,
  passCov: 1,
  softCov: 1,
  softCtx: 1,
  kindItem: 1,
  entityMissing: -1,
  entityMissingAny: -1,
  entityMissingCtx: -1,
  missingMax: -1,
  kindMissing: -1,
  unitMatch: 1,
  unitClash: -1,
  articleCov: 1,
};

/** A kind's span threshold is chosen only from at least this many marked spans. */
const MIN_SPANS_JUDGED = 15;

const THRESHOLDS = Array.from({ length: 19 }, (_, i) => (i + 1) / 20);

function scoredList(q: ReadQuestion, model: LogisticModel): ScoredCandidate[] {
  const list = q.candidates.map(
    (c) =>
      ({ features: c.features, logit: logit(model, c.features), probability: 0, rank: c.rank, passage: { articleId: c.articleId }, label: c.label, spanHit: c.spanHit }) as unknown as ScoredCandidate & {
        label: 0 | 1;
        spanHit: boolean | null;
      },
  );
  return list.sort((a, b) => b.logit - a.logit || a.rank - b.rank);
}

/** Fits one variant with k-fold cross-validation by article; returns the variant fitted on everything and the out-of-fold figures. */
function trainVariant(data: ReadQuestion[], features: readonly string[], options: TrainOptions, name: 'lexical' | 'vectors') {
  const folds = foldsByGroup(data.map((q) => q.group), options.folds);
  const rowsOf = (qs: ReadQuestion[]): Example[] =>
    qs.flatMap((q) => q.candidates.map((c) => ({ x: c.features, y: c.label, group: q.group, question: q.id, weight: options.setWeights?.[q.set] ?? 1 })));
  // Out-of-fold candidate scores, so the P(answers) model learns on scores like those it will see.
  const oof = new Map<string, ReturnType<typeof scoredList>>();
  for (let f = 0; f < options.folds; f++) {
    const train = data.filter((q) => folds.get(q.group) !== f);
    const test = data.filter((q) => folds.get(q.group) === f);
    if (test.length === 0) continue;
    const model = fitConditionalLogit(rowsOf(train), features);
    for (const q of test) oof.set(q.id, scoredList(q, model));
  }
  const answerRows = (qs: ReadQuestion[]): Example[] =>
    qs.flatMap((q) => {
      const list = oof.get(q.id)!;
      if (list.length === 0) return [];
      return [{ x: answerLevelFeatures(list), y: (list[0] as unknown as { label: 0 | 1 }).label, group: q.group, question: q.id, weight: options.setWeights?.[q.set] ?? 1 }];
    });
  const pAnswer = new Map<string, number>();
  for (let f = 0; f < options.folds; f++) {
    const train = data.filter((q) => folds.get(q.group) !== f);
    const test = data.filter((q) => folds.get(q.group) === f);
    if (test.length === 0) continue;
    const model = fitLogisticSigned(answerRows(train), ANSWER_FEATURES, ANSWER_SIGNS);
    for (const row of answerRows(test)) pAnswer.set(row.question, sigmoid(logit(model, row.x)));
  }

  const bySet: TrainReport['bySet'] = {};
  for (const set of [...new Set(data.map((q) => q.set))].sort()) {
    const qs = data.filter((q) => q.set === set);
    const ans = qs.filter((q) => q.answerable);
    const un = qs.filter((q) => !q.answerable);
    const labels = (q: ReadQuestion) => (oof.get(q.id) ?? []).map((c) => (c as unknown as { label: number }).label);
    const first = (q: ReadQuestion) => labels(q)[0] === 1;
    const top3 = (q: ReadQuestion) => labels(q).slice(0, 3).includes(1);
    const p = (q: ReadQuestion) => pAnswer.get(q.id) ?? 0;
    const share = (n: number, d: number) => (d === 0 ? 0 : n / d);
    bySet[set] = {
      answerable: ans.length,
      unanswerable: un.length,
      first: share(ans.filter(first).length, ans.length),
      top3: share(ans.filter(top3).length, ans.length),
      curve: THRESHOLDS.map((t) => ({
        threshold: t,
        answeredFirst: share(ans.filter((q) => p(q) >= t && first(q)).length, ans.length),
        answeredTop3: share(ans.filter((q) => p(q) >= t && top3(q)).length, ans.length),
        wronglyAbstained: share(ans.filter((q) => p(q) < t).length, ans.length),
        unanswerableAbstained: un.length === 0 ? null : share(un.filter((q) => p(q) < t).length, un.length),
      })),
    };
  }

  // The suggested threshold: the highest at which, in every training set, the share of
  // answerable questions abstained (out of fold) stays within the allowance; an easy set must
  // not set it for a hard one.
  let suggested = THRESHOLDS[0]!;
  for (const [i, t] of THRESHOLDS.entries()) {
    if (Object.values(bySet).every((s) => s.answerable === 0 || s.curve[i]!.wronglyAbstained <= options.maxWronglyAbstained)) suggested = t;
  }
  // Mark the answer span for the kinds of question where, out of fold, at least 3 in 4 of the
  // spans the reader marks in a best sentence that holds the answer are the answer (the words
  // are right when the sentence is); they are marked whenever the answer is shown. Judged on
  // the news questions when there are any (the bot reads news; SQuAD's accepted answers are
  // spans of other lengths than the names and amounts news answers with), else on all.
  const judged = data.some((q) => q.set === options.spanSet) ? data.filter((q) => q.set === options.spanSet) : data;
  const spanMinByKind: Record<string, number> = {};
  const spanPrecision: Record<string, number> = {};
  for (const kind of [...new Set(judged.map((q) => q.kind))].sort()) {
    const spans = judged
      .filter((q) => q.kind === kind && (pAnswer.get(q.id) ?? 0) >= suggested && oof.get(q.id)?.[0])
      .map((q) => oof.get(q.id)![0] as unknown as { label: 0 | 1; spanHit: boolean | null })
      .filter((c) => c.label === 1 && c.spanHit !== null);
    if (spans.length < MIN_SPANS_JUDGED) continue;
    const hits = spans.filter((c) => c.spanHit === true).length;
    if (hits / spans.length >= 0.75) {
      spanMinByKind[kind] = suggested;
      spanPrecision[kind] = hits / spans.length;
    }
  }

  const answerable = data.filter((q) => q.answerable);
  const candidate = fitConditionalLogit(rowsOf(data), features);
  const answer = fitLogisticSigned(answerRows(data), ANSWER_FEATURES, ANSWER_SIGNS);
  const variant: ReaderVariant = { candidate, answer, spanMinProbability: spanMinByKind, minConfidence: suggested };
  const report: TrainReport = {
    variant: name,
    questions: data.length,
    candidates: data.reduce((n, q) => n + q.candidates.length, 0),
    bySet,
    suggestedMinConfidence: suggested,
    spanMinProbability: spanMinByKind,
    spanPrecision,
  };
  return { variant, report };
}

export function trainReader(data: ReadQuestion[], options: TrainOptions): { model: ReaderModel; reports: TrainReport[] } {
  const lexical = trainVariant(data, LEXICAL_FEATURES, options, 'lexical');
  const vectors = options.vectors ? trainVariant(data, [...LEXICAL_FEATURES, ...VECTOR_FEATURES], options, 'vectors') : undefined;
  const reports = [lexical.report, ...(vectors ? [vectors.report] : [])];
  return {
    model: {
      version: 1,
      trainedWith: options.trainedWith,
      lexical: lexical.variant,
      ...(vectors ? { vectors: vectors.variant } : {}),
      crossValidation: reports,
    },
    reports,
  };
}
