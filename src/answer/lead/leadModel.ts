import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LogisticModel } from '../reader/model.ts';
import { daysBetween, findDays, inWindow, sameDay, type TimeScope } from '../../search/timeScope.ts';

/**
 * Which candidate leads an answer for the question's time: a conditional logit over the reader's
 * candidate sentences (softmax per question), fitted by `npm run train-lead` on time questions
 * (eval/time-train.jsonl) and on reader questions without time words (eval/reuters-train.jsonl),
 * so that it learns both "the newest report of the story answers for now" and "an older article
 * that alone answers is not buried". Its inputs are how strongly the reader says each sentence
 * answers, whether it holds the asked-for thing, whether it tells an earlier state, and how its
 * article's date stands to the story's newest and to the question's period, by kind of question
 * (asks for the latest, present tense, past tense, relative period, calendar period).
 */

/** What a lead is chosen from: a candidate sentence with its article and the reader's strength. */
export interface LeadOption {
  date: string | null;
  articleId: string;
  quote: string;
  /** How strongly it answers (the reader's probability), comparable across the options. */
  strength: number;
  /** It holds what the question asks for (an amount, a name), when it asks for one. */
  fits: boolean;
  /** The reader's features of the sentence, when it is one of the reader's candidates. */
  reader?: Record<string, number>;
}

export interface LeadModel {
  version: 1;
  /** How it was made: the command and the data. */
  trainedWith: string;
  /** How many of the reader's best candidates it chooses among. */
  options: number;
  /**
   * Only a candidate answering at least this share as strongly as the reader's best may lead
   * (chosen by the training script out of fold): an older article that alone answers is not
   * buried under a newer one that hardly does.
   */
  minShare: Record<ScopeClass, number>;
  model: LogisticModel;
  /** Cross-validated figures printed by the training script, kept for the record. */
  crossValidation?: unknown;
}

export const LEAD_FEATURES = [
  'strength',
  'strengthExplicit',
  'strengthPresent',
  'strengthRelative',
  'strengthCalendar',
  'fits',
  'looksBack',
  'looksBackNow',
  'offStory',
  'undated',
  'bestOfArticle',
  'ageExplicit',
  'agePresent',
  'agePast',
  'ageRelative',
  'newestExplicit',
  'newestPresent',
  'newestRelative',
  'outsideWindow',
  'inPeriod',
  'calendarBefore',
  'calendarAfter',
  'namesPeriodMonth',
  'namesOtherMonth',
  'namesDay',
] as const;

/**
 * Signs the weights must keep, whatever a training set's quirks: for a question about now, an
 * older article never gains by being older, nor the story's newest by being newest less, nor a
 * sentence by telling an earlier state; a sentence off the story or outside the question's
 * window never gains by it. The reader questions (eval/reuters-train.jsonl) were written per
 * article, without asking whether a later one changed the fact: left free, they pull the other
 * way.
 */
export const LEAD_SIGNS: Record<string, 1 | -1> = {
  strength: 1,
  fits: 1,
  looksBackNow: -1,
  offStory: -1,
  ageExplicit: -1,
  agePresent: -1,
  ageRelative: -1,
  newestExplicit: 1,
  newestPresent: 1,
  newestRelative: 1,
  outsideWindow: -1,
  inPeriod: 1,
  namesPeriodMonth: 1,
  namesOtherMonth: -1,
};

/** The reader's measures of a sentence (src/answer/reader/features.ts) are inputs too, under this prefix. */
export const READER_PREFIX = 'reader.';

/** Reader log-odds below the best's by more than this count as this (a sentence that hardly answers). */
const MIN_LOG_STRENGTH = -8;
/** Ages beyond this many days count as this. */
const MAX_AGE_DAYS = 365;
/** An option answers at all, for "the newest article that answers", when at least this share of the best's strength. */
const ANSWERS_SHARE = 0.1;

/** The kinds of question the lead treats apart: about now (explicitly or in the present tense), a relative period, a calendar period, the past. */
export type ScopeClass = 'explicit' | 'present' | 'relative' | 'calendar' | 'past';
export const SCOPE_CLASSES: ScopeClass[] = ['explicit', 'present', 'relative', 'calendar', 'past'];

export function scopeClass(scope: TimeScope): ScopeClass {
  if (scope.relative) return 'relative';
  if (isCalendarPeriod(scope)) return 'calendar';
  if (scope.latest === 'explicit') return 'explicit';
  return scope.latest === 'present' ? 'present' : 'past';
}

/** A question about a calendar period ("in February 1987", "on March 3"), not one relative to now. */
export function isCalendarPeriod(scope: TimeScope): boolean {
  return scope.window !== undefined && !scope.relative && scope.latest !== 'explicit';
}

/**
 * A sentence that, by its own words, reports an earlier state of the story: "originally",
 * "previously", "formerly", or a past perfect ("had rejected", "had originally made").
 * "Its previously announced offer" only points back to an announcement, and "earlier" is left
 * out: "raising the figure it gave a week earlier" reports the new figure.
 */
const LOOKS_BACK = /\b(?:originally|previously(?!\s+(?:announced|reported|disclosed|said|stated|filed)\b)|formerly|had\s+(?:\w+ly\s+)?(?:been|\w+ed|made|given|taken|won|held|sold|paid|bid|set|cut|put))\b/i;

export function looksBack(quote: string): boolean {
  return LOOKS_BACK.test(quote);
}

// Capitalised, as news text writes them: "may" the verb is not May.
const MONTH_NAMES = ['Jan(?:uary|\\.)', 'Feb(?:ruary|\\.)', 'March|Mar\\.', 'April|Apr\\.', 'May', 'June', 'July', 'Aug(?:ust|\\.)', 'Sept(?:ember|\\.)?', 'Oct(?:ober|\\.)', 'Nov(?:ember|\\.)', 'Dec(?:ember|\\.)'];
const monthPattern = (months: number[]) => new RegExp(`\\b(?:${months.map((m) => MONTH_NAMES[m - 1]).join('|')})(?![a-z])`);

/**
 * For a question about a month ("in March 1987", "last month"), patterns for a sentence that
 * names that month and for one that names another: a month's figures are reported in the next
 * month's articles, which say which month they are about.
 */
function monthMentions(scope: TimeScope): { period: RegExp; other: RegExp } | undefined {
  const p = scope.period;
  if (!p || p.from.slice(0, 7) !== p.to.slice(0, 7) || daysBetween(p.from, p.to) < 20) return undefined;
  const month = Number(p.from.slice(5, 7));
  return { period: monthPattern([month]), other: monthPattern([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].filter((m) => m !== month)) };
}

/** The lead model's inputs for each option (`story`: the articles on the question's story). */
export function leadFeatures(options: LeadOption[], scope: TimeScope, story: Set<string>): Array<Record<string, number>> {
  // One of the kinds of question, as 0/1 flags for the per-kind measures.
  const kind = scopeClass(scope);
  const [explicit, present, past, relative, calendar] = (['explicit', 'present', 'past', 'relative', 'calendar'] as const).map((k) => (kind === k ? 1 : 0)) as [number, number, number, number, number];
  const best = Math.max(1e-12, ...options.map((o) => o.strength));
  const inScope = (o: LeadOption) => o.date !== null && (!scope.window || inWindow(o.date, scope.window));
  const onStory = options.filter((o) => inScope(o) && story.has(o.articleId));
  const pool = onStory.length > 0 ? onStory : options.filter(inScope);
  // The newest day the story reaches among the options, and the newest of an option that answers at all.
  const newestOf = (list: LeadOption[]) => list.reduce<string | undefined>((m, o) => (!m || o.date! > m ? o.date! : m), undefined);
  const newest = newestOf(pool);
  const newestAnswering = newestOf(pool.filter((o) => o.fits && o.strength >= ANSWERS_SHARE * best));
  const articleBest = new Map<string, number>();
  for (const o of options) articleBest.set(o.articleId, Math.max(articleBest.get(o.articleId) ?? 0, o.strength));
  const period = calendar ? scope.period : undefined;
  const months = monthMentions(scope);
  return options.map((o) => {
    const strength = Math.max(MIN_LOG_STRENGTH, Math.log(Math.max(o.strength, 1e-12) / best));
    // Capped at a year: the training archive spans eight months, and a coverage of years must not
    // turn age alone into a verdict.
    const age = o.date && newest && o.date <= newest ? Math.log1p(Math.min(MAX_AGE_DAYS, daysBetween(o.date, newest))) : 0;
    const isNewest = o.date !== null && o.date === newestAnswering && o.fits && o.strength >= ANSWERS_SHARE * best ? 1 : 0;
    const back = looksBack(o.quote) ? 1 : 0;
    const namesMonth = months?.period.test(o.quote) ? 1 : 0;
    return {
      strength,
      strengthExplicit: strength * explicit,
      strengthPresent: strength * present,
      strengthRelative: strength * relative,
      strengthCalendar: strength * calendar,
      fits: o.fits ? 1 : 0,
      looksBack: back,
      // Telling an earlier state cannot answer for now; for the past it may be just the thing.
      looksBackNow: back * (explicit + present),
      offStory: story.has(o.articleId) ? 0 : 1,
      undated: o.date === null ? 1 : 0,
      bestOfArticle: o.strength >= articleBest.get(o.articleId)! ? 1 : 0,
      ageExplicit: age * explicit,
      agePresent: age * present,
      agePast: age * past,
      ageRelative: age * relative,
      newestExplicit: isNewest * explicit,
      newestPresent: isNewest * present,
      newestRelative: isNewest * relative,
      outsideWindow: scope.window && !inScope(o) ? 1 : 0,
      inPeriod: period && inWindow(o.date, period) ? 1 : 0,
      calendarBefore: period && o.date && o.date < period.from ? Math.log1p(daysBetween(o.date, period.from)) : 0,
      calendarAfter: period && o.date && o.date > period.to ? Math.log1p(daysBetween(period.to, o.date)) : 0,
      namesPeriodMonth: namesMonth,
      namesOtherMonth: months && !namesMonth && months.other.test(o.quote) ? 1 : 0,
      namesDay: scope.days.length > 0 && findDays(o.quote).some((d) => scope.days.some((q) => sameDay(d, q))) ? 1 : 0,
      ...Object.fromEntries(Object.entries(o.reader ?? {}).map(([k, v]) => [`${READER_PREFIX}${k}`, v])),
    };
  });
}

/** Which of `options` (the reader's order) leads the answer: the one the lead model scores highest. */
export function leadIndex(options: LeadOption[], scope: TimeScope, story: Set<string>, model: LeadModel = defaultLeadModel()): number {
  const considered = options.slice(0, model.options);
  // Without dates there is no time to choose for: the reader's order stands.
  if (considered.length < 2 || considered.every((o) => o.date === null)) return 0;
  return chooseLead(leadFeatures(considered, scope, story), model.model, model.minShare[scopeClass(scope)] ?? 0);
}

/**
 * The best-scoring option among those answering at least `minShare` as strongly as the best (the
 * first always may), and among those inside the question's window when any of them is: for a
 * period asked about, a report from outside it never leads one from inside.
 */
export function chooseLead(features: Array<Record<string, number>>, model: LogisticModel, minShare: number): number {
  const floor = Math.log(minShare);
  const eligible = features.map((f, i) => i === 0 || f.strength! >= floor);
  const inside = features.some((f, i) => eligible[i] && f.outsideWindow === 0);
  let best = 0;
  let bestScore = -Infinity;
  features.forEach((f, i) => {
    if (!eligible[i] || (inside && f.outsideWindow === 1)) return;
    const z = leadScore(model, f);
    if (z > bestScore) {
      bestScore = z;
      best = i;
    }
  });
  return best;
}

/**
 * The model's score of one option. A measure the option lacks (a quote that is not one of the
 * reader's candidates has no reader measures; an embedder without word vectors gives no soft
 * matches) counts as the training average, so it neither helps nor hurts.
 */
export function leadScore(model: LogisticModel, values: Record<string, number>): number {
  let z = model.bias;
  for (let i = 0; i < model.features.length; i++) {
    const x = values[model.features[i]!];
    if (x !== undefined) z += model.weights[i]! * ((x - model.mean[i]!) / model.std[i]!);
  }
  return z;
}

export const DEFAULT_LEAD_MODEL_PATH = fileURLToPath(new URL('./model.json', import.meta.url));

let cached: LeadModel | undefined;

/** The committed model (src/answer/lead/model.json, written by `npm run train-lead`). */
export function defaultLeadModel(): LeadModel {
  cached ??= readLeadModel(DEFAULT_LEAD_MODEL_PATH);
  return cached;
}

export function readLeadModel(file: string): LeadModel {
  const model = JSON.parse(fs.readFileSync(file, 'utf8')) as LeadModel;
  if (model.version !== 1 || !model.model?.features || !(model.options > 0) || SCOPE_CLASSES.some((c) => !(model.minShare?.[c]! >= 0))) {
    throw new Error(`${file} is not a lead model (version 1); run npm run train-lead`);
  }
  return model;
}
