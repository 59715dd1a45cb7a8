import { fitConditionalLogitSigned, foldsByGroup, type Example } from '../reader/fit.ts';
import type { LogisticModel } from '../reader/model.ts';
import { LEAD_FEATURES, LEAD_SIGNS, leadScore } from './leadModel.ts';

/** One training question, read: its lead options' features and what each holds. */
export interface LeadQuestion {
  id: string;
  /** The story it is about: cross-validation folds never split one. */
  group: string;
  /** Which training set it came from. */
  set: string;
  /** latest / dated / relative for time questions; 'none' for questions without time words. */
  kind: string;
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

/** The option the model puts first (ties: the reader's order). */
export function chosen(model: LogisticModel, q: LeadQuestion): number {
  let best = 0;
  let bestScore = -Infinity;
  q.options.forEach((o, i) => {
    const z = leadScore(model, o.features);
    if (z > bestScore) {
      bestScore = z;
      best = i;
    }
  });
  return best;
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

/** Cross-validated figures (folds split by story): each question's lead chosen by a model fitted without its story. */
export function crossValidate(questions: LeadQuestion[], folds: number, l2: number, features: readonly string[] = LEAD_FEATURES): Record<string, LeadFigures> {
  const foldOf = foldsByGroup(
    questions.map((q) => q.group),
    folds,
  );
  const lead = new Map<LeadQuestion, number>();
  for (let k = 0; k < folds; k++) {
    const model = fitLead(
      questions.filter((q) => foldOf.get(q.group) !== k),
      l2,
      features,
    );
    for (const q of questions) if (foldOf.get(q.group) === k) lead.set(q, chosen(model, q));
  }
  return figures(questions, (q) => lead.get(q) ?? 0);
}
