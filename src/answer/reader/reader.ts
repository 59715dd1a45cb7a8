import type { WordVectors } from '../../indexing/wordVectors.ts';
import type { RetrievedPassage } from '../../search/types.ts';
import { answerKind } from './answerTypes.ts';
import { candidateSentences, type CandidateSentence } from './candidates.ts';
import { addRelativeFeatures, candidateFeatures, withArticles, type FeatureContext, type Features } from './features.ts';
import { defaultReaderModel, logit, sigmoid, type ReaderModel, type ReaderVariant } from './model.ts';
import { analyzeQuestion, type QuestionAnalysis, type TermWeight } from './question.ts';

/**
 * The reader: between retrieval and the answer. Given the question and the retrieved passages it
 * scores every sentence by whether it answers the question (a fitted logistic model over the
 * features in features.ts) and says how likely it is that the best one does (a second fitted
 * model over the best sentence's features and the score margins). Pure and deterministic.
 */
export interface ReaderResources {
  termWeight: TermWeight;
  /** The embedding model's word vectors, for soft matches; without them the lexical model is used. */
  words?: WordVectors;
  model?: ReaderModel;
}

export interface ScoredCandidate extends CandidateSentence {
  features: Features;
  /** The candidate model's log-odds that this sentence holds the answer. */
  logit: number;
  /**
   * Probability that this sentence answers the question: for the best candidate P(answers); for
   * the others P(answers) scaled by their candidate-model odds relative to the best.
   */
  probability: number;
}

export interface Reading {
  question: QuestionAnalysis;
  /** Best first. */
  candidates: ScoredCandidate[];
  /** Calibrated probability that the best candidate answers the question (0 with no candidates). */
  pAnswer: number;
  /** What P(answers) was computed from (for training and inspection). */
  answerFeatures: Record<string, number>;
  variant: ReaderVariant;
}

/** How many of the best candidates count as agreeing when their log-odds are this close to the best's. */
const AGREEMENT_MARGIN = 1;

export function read(questionText: string, passages: RetrievedPassage[], resources: ReaderResources): Reading {
  const model = resources.model ?? defaultReaderModel();
  const variant = resources.words && model.vectors ? model.vectors : model.lexical;
  const question = analyzeQuestion(questionText, resources.termWeight, answerKind);
  const ctx: FeatureContext = {
    question,
    topScore: Math.max(0, ...passages.map((p) => p.score)),
    words: variant === model.vectors ? resources.words : undefined,
  };
  const candidates = candidateSentences(passages);
  const withArticle = withArticles(ctx, passages);
  const features = candidates.map((c) => candidateFeatures(withArticle, c));
  addRelativeFeatures(features);
  const scored = candidates.map((c, i) => ({ ...c, features: features[i]!, logit: logit(variant.candidate, features[i]!), probability: 0 }));
  scored.sort((a, b) => b.logit - a.logit || a.rank - b.rank || a.i - b.i);
  const answerFeatures = answerLevelFeatures(scored);
  const pAnswer = scored.length === 0 ? 0 : sigmoid(logit(variant.answer, answerFeatures));
  const top = scored[0];
  for (const c of scored) c.probability = top ? pAnswer * Math.exp(Math.min(0, c.logit - top.logit)) : 0;
  return { question, candidates: scored, pAnswer, answerFeatures, variant };
}

/** The inputs of the P(answers) model: the best candidate, and how far it stands above the rest. */
export function answerLevelFeatures(sorted: ScoredCandidate[]): Record<string, number> {
  const top = sorted[0];
  if (!top) return {};
  const second = sorted[1];
  const agreeing = new Set(sorted.filter((c) => c.logit >= top.logit - AGREEMENT_MARGIN).map((c) => c.passage.articleId));
  const f = top.features;
  return {
    topLogit: top.logit,
    gap: second ? Math.min(5, top.logit - second.logit) : 5,
    agreeingArticles: Math.min(4, agreeing.size),
    entityMissing: f.entityMissing ?? 0,
    entityMissingAny: (f.entityMissing ?? 0) > 0 ? 1 : 0,
    sentCov: f.sentCov ?? 0,
    kindItem: f.kindItem ?? 0,
    softCov: f.softCov ?? f.sentCov ?? 0,
    entityMissingCtx: f.entityMissingCtx ?? 0,
    missingMax: f.missingMax ?? 0,
    passCov: f.passCov ?? 0,
    ctxCov: f.ctxCov ?? 0,
    kindMissing: f.kindMissing ?? 0,
    kindItemCtx: f.kindItemCtx ?? 0,
    softCtx: f.softCtx ?? f.ctxCov ?? 0,
    retrievalTop: top.rank === 0 ? 1 : 0,
    unitMatch: f.unitMatch ?? 0,
    unitClash: f.unitClash ?? 0,
    itemNear: f.itemNear ?? 0,
    articleCov: f.articleCov ?? 0,
    residualCov: f.residualCov ?? 0,
  };
}

export const ANSWER_FEATURES = Object.keys(
  answerLevelFeatures([{ features: {}, logit: 0, probability: 0, rank: 0, passage: { articleId: '' } } as unknown as ScoredCandidate]),
);
