import { fitConditionalLogitSigned, foldsByGroup, type Example } from '../reader/fit.ts';
import type { LogisticModel } from '../reader/model.ts';
import { chooseLead, LEAD_FEATURES, LEAD_SIGNS, SCOPE_CLASSES, type ScopeClass } from './leadModel.ts';

/** One training question, read: its lead options' features and what each holds. */
export interface LeadQuestion {
  id: string;
  /** The story it is about: cross-validation folds never split one. */
  group: string;
  /** Which training set it came from. */
  set: string;
  /** latest / dated / relative for time questions; 'none' for questions without time words. */
  kind: string;
  /** How the bot reads its time (scopeClass): the share a lead must reach is chosen per class. */
  scopeClass: ScopeClass;
  options: Array<{ features: Record<string, number>; right: boolean; stale: boolean }>;
  /** How much the question counts in the fit. */
  weight: number;
}

export interface LeadFigures {
  questions: number;
  /** The first quote holds the right value: the reader's own order, and with the lead model. */
  readerRight: number;
  leadRight: number;
  /** The first quote holds a superseded value and no right one. */
  readerStale: number;
  leadStale: number;
  /** Some option holds the right value: the most any lead could reach. */
  anyRight: number;
}

function rows(questions: LeadQuestion[]): Example[] {
  return questions.flatMap((q) =>
    q.options.map((o) => ({ x: o.features, y: o.right ? (1 as const) : (0 as const), group: q.group, question: q.id, weight: q.weight })),
  );
}

export function fitLead(questions: LeadQuestion[], l2: number, features: readonly string[] = LEAD_FEATURES): LogisticModel {
  return fitConditionalLogitSigned(rows(questions), features, LEAD_SIGNS, l2);
}

/** Per set and kind: first quote right / stale, in the reader's order and with the model's lead (`leadOf`). */
export function figures(questions: LeadQuestion[], leadOf: (q: LeadQuestion) => number): Record<string, LeadFigures> {
  const out: Record<string, LeadFigures> = {};
  for (const q of questions) {
    const f = (out[`${q.set} ${q.kind}`] ??= { questions: 0, readerRight: 0, leadRight: 0, readerStale: 0, leadStale: 0, anyRight: 0 });
    const lead = q.options[leadOf(q)]!;
    const first = q.options[0]!;
    f.questions++;
    f.readerRight += first.right ? 1 : 0;
    f.readerStale += first.stale && !first.right ? 1 : 0;
    f.leadRight += lead.right ? 1 : 0;
    f.leadStale += lead.stale && !lead.right ? 1 : 0;
    f.anyRight += q.options.some((o) => o.right) ? 1 : 0;
  }
  return out;
}

/** Leads that may be chosen among: candidates answering at least this share as strongly as the best (0: any). */
export const MIN_SHARES = [0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8];

/** Cross-validated figures (folds split by story): each question's lead chosen by a model fitted without its story, with its class's share. */
export function crossValidate(questions: LeadQuestion[], folds: number, l2: number, features: readonly string[], shares: Record<ScopeClass, number>): Record<string, LeadFigures> {
  const byShare = crossValidateByQuestion(questions, folds, l2, features);
  return figures(questions, (q) => byShare.get(shares[q.scopeClass])!.get(q) ?? 0);
}

/** Each question's out-of-fold lead, for each of MIN_SHARES. */
function crossValidateByQuestion(questions: LeadQuestion[], folds: number, l2: number, features: readonly string[]): Map<number, Map<LeadQuestion, number>> {
  const foldOf = foldsByGroup(
    questions.map((q) => q.group),
    folds,
  );
  const leads = new Map(MIN_SHARES.map((share) => [share, new Map<LeadQuestion, number>()]));
  for (let k = 0; k < folds; k++) {
    const model = fitLead(
      questions.filter((q) => foldOf.get(q.group) !== k),
      l2,
      features,
    );
    for (const q of questions) {
      if (foldOf.get(q.group) !== k) continue;
      const optionFeatures = q.options.map((o) => o.features);
      for (const share of MIN_SHARES) leads.get(share)!.set(q, chooseLead(optionFeatures, model, share));
    }
  }
  return leads;
}

/**
 * For each class of question, the share whose out-of-fold figures over that class's questions
 * are best (`merit`); ties go to the lower share.
 */
export function chooseShares(questions: LeadQuestion[], folds: number, l2: number, features: readonly string[]): { shares: Record<ScopeClass, number>; merits: Record<string, Record<string, number>> } {
  const byShare = crossValidateByQuestion(questions, folds, l2, features);
  const shares = {} as Record<ScopeClass, number>;
  const merits: Record<string, Record<string, number>> = {};
  for (const c of SCOPE_CLASSES) {
    const of = questions.filter((q) => q.scopeClass === c);
    merits[c] = Object.fromEntries(MIN_SHARES.map((share) => [share, merit(figures(of, (q) => byShare.get(share)!.get(q) ?? 0))]));
    shares[c] = of.length === 0 ? 0 : MIN_SHARES.reduce((a, b) => (merits[c]![b]! > merits[c]![a]! + 1e-9 ? b : a));
  }
  return { shares, merits };
}

/**
 * How good a set of figures is, for choosing the share: the mean over the sets and kinds of
 * (first quote right - first quote stale), each kind counting alike.
 */
export function merit(f: Record<string, LeadFigures>): number {
  const kinds = Object.values(f);
  return kinds.reduce((sum, k) => sum + (k.leadRight - k.leadStale) / Math.max(1, k.questions), 0) / Math.max(1, kinds.length);
}
