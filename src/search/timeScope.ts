import * as chrono from 'chrono-node';
import { tokenize } from './tokenize.ts';

/**
 * Time in questions and in news text, in one place.
 *
 * - `timeScope(question, now, coverage)`: what period a question is about (a day, a month, a
 *   year, "this week", "yesterday", "last month", "recently"), whether it wants the latest state
 *   of a story ("now", "currently", "still", "latest", or simply the present tense), and whether
 *   it names a day that cannot exist ("February 30") or lies after the time of asking ("next
 *   year"). Dates in questions are read by chrono-node; the rules below only decide what a
 *   reading means for a news archive.
 * - `findDays(text)`: the calendar days a passage mentions ("Feb. 12", "12 February 2025",
 *   "2025-02-12"). This runs over every candidate passage of every question, so it is a few
 *   regular expressions rather than a full parse (chrono takes about a millisecond a passage).
 *
 * All days are ISO strings (YYYY-MM-DD) in UTC: article dates carry no time zone.
 */

export interface DayMention {
  month: number; // 1-12
  day: number; // 1-31
  year?: number;
}

/** Inclusive range of ISO days. */
export interface DayWindow {
  from: string;
  to: string;
}

export type TimeProblem =
  | { kind: 'impossible'; text: string }
  | { kind: 'future'; text: string };

/** How strongly a question asks for the current state of its story. */
export type LatestWish = 'explicit' | 'present' | 'none';

export interface TimeScope {
  /** The time of asking, as an ISO day: nothing dated after it counts. */
  now: string;
  /**
   * Articles that can report on the period the question names: from the period's first day to a
   * little after its last (a month's figures are published the month after; "the week ended
   * March 30" is reported in April). Absent when the question names no period.
   */
  window?: DayWindow;
  /** The period itself, as the question names it (for messages). */
  period?: DayWindow & { text: string };
  /** The period is relative to the time of asking ("this week", "yesterday", "recently"). */
  relative: boolean;
  /** Days the question names, for matching passages that mention them. */
  days: DayMention[];
  /** 'explicit': "latest", "now", "currently", "still", "so far"; 'present': present tense, no period. */
  latest: LatestWish;
  /** A named day that cannot exist, or a period after the time of asking. */
  problem?: TimeProblem;
}

/** The articles the coverage holds span these days (for resolving a month named without a year). */
export interface CoverageSpan {
  first?: string;
  last?: string;
}

/** The dated articles' days in order, and the coverage's first and last day. */
export function coverageDays(articles: ReadonlyArray<{ date: string | null }>): { sortedDays: string[]; span: CoverageSpan } {
  const sortedDays = articles.map((a) => a.date).filter((d): d is string => d !== null).sort();
  return { sortedDays, span: { first: sortedDays[0], last: sortedDays[sortedDays.length - 1] } };
}

const DAY_MS = 86_400_000;
/** After a named day, reports about it keep coming for this long ("the week ended March 30" is reported on April 9). */
const DAY_GRACE_DAYS = 10;
/** After a named month or year, its figures are published for this long (February's jobless rate comes out in March). */
const PERIOD_GRACE_DAYS = 31;
/** "recently": the last month. */
const RECENT_DAYS = 30;

const EXPLICIT_LATEST =
  /\b(latest|most recent|newest|most recent(ly)?|now|currently|current|still|so far|to date|presently|at present|nowadays|as it stands|anymore|any more|these days)\b/i;
/** "recently" sets a window (the last RECENT_DAYS); "the most recent figures" only asks for the latest. */
const RECENTLY = /(?<!\bmost )\b(recently|lately|of late|in recent (days|weeks))\b/i;
/** A year on its own ("in 1987"), which chrono leaves alone. */
const BARE_YEAR = /\b(?:in|during|for|of|since|through)\s+((?:1[89]|20)\d\d)\b(?!['’]s|-)/gi;
/** Past-tense auxiliaries and forms that tie a question to a past moment rather than to now. */
const PAST_TENSE = /\b(was|were|did|had|used to|formerly|previously|originally|initially|at first|first)\b/i;

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11,
  november: 11, dec: 12, december: 12,
};
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
const YEAR = '(\\d{4})';
// "Feb. 12", "February 12th, 2025"; "12 February 2025"; "2025-02-12".
const MONTH_DAY = new RegExp(`\\b${MONTH}\\.?\\s+${DAY}\\b(?:,?\\s+${YEAR}\\b)?`, 'gi');
const DAY_MONTH = new RegExp(`\\b${DAY}\\s+(?:of\\s+)?${MONTH}\\b\\.?(?:,?\\s+${YEAR}\\b)?`, 'gi');
const ISO = /\b(\d{4})-(\d{2})-(\d{2})\b/g;

function valid(month: number | undefined, day: number, year?: number): DayMention | undefined {
  if (month === undefined || day < 1 || day > 31) return undefined;
  return year === undefined ? { month, day } : { month, day, year };
}

/** Every day named in `text`. "May 5" counts; "may" alone does not. */
export function findDays(text: string): DayMention[] {
  const out: DayMention[] = [];
  const push = (d: DayMention | undefined) => {
    if (d && !out.some((o) => o.month === d.month && o.day === d.day && o.year === d.year)) out.push(d);
  };
  for (const m of text.matchAll(MONTH_DAY)) {
    push(valid(MONTHS[m[1]!.toLowerCase()], Number(m[2]), m[3] ? Number(m[3]) : undefined));
  }
  for (const m of text.matchAll(DAY_MONTH)) {
    push(valid(MONTHS[m[2]!.toLowerCase()], Number(m[1]), m[3] ? Number(m[3]) : undefined));
  }
  for (const m of text.matchAll(ISO)) push(valid(Number(m[2]), Number(m[3]), Number(m[1])));
  return out;
}

/** The day of an ISO date (YYYY-MM-DD), as a mention. */
export function isoDay(date: string | null): DayMention | undefined {
  const m = date ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  return m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : undefined;
}

/** Same day; a year counts only when both sides give one. */
export function sameDay(a: DayMention, b: DayMention): boolean {
  return a.month === b.month && a.day === b.day && (a.year === undefined || b.year === undefined || a.year === b.year);
}

/** True when the day exists in the calendar (February 29 only in leap years; any year when none is given). */
export function dayExists(d: DayMention): boolean {
  const year = d.year ?? 2000; // a leap year: "February 29" without a year may exist
  const t = new Date(Date.UTC(year, d.month - 1, d.day));
  return t.getUTCMonth() === d.month - 1 && t.getUTCDate() === d.day;
}

/** A day (YYYY-MM-DD) given as the time of asking, as a moment: noon UTC, so every zone agrees on the day. Undefined when it is not a real day. */
export function dayAsTime(day: string): Date | undefined {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(day) ? isoDay(day) : undefined;
  if (!d || !dayExists(d)) return undefined;
  return new Date(`${day}T12:00:00Z`);
}

export function isoOf(t: Date): string {
  return t.toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
  return isoOf(new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS));
}

/** Days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

export function inWindow(date: string | null, w: DayWindow): boolean {
  return date !== null && date >= w.from && date <= w.to;
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const lastOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** "April 8, 1987" (or "April 8" when `withYear` is false), from an ISO day. */
export function readableDay(day: string, withYear = true): string {
  const d = isoDay(day);
  if (!d) return day;
  const month = new Date(Date.UTC(2000, d.month - 1, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
  return withYear ? `${month} ${d.day}, ${d.year}` : `${month} ${d.day}`;
}

interface Period {
  from: string;
  to: string;
  text: string;
  relative: boolean;
  grace: number;
  /** "last year's level": a comparison, not the period the question is about. */
  comparison: boolean;
}

/**
 * What a question says about time, read against `now` (the time of asking). Months and days
 * named without a year mean their latest occurrence up to the time of asking, and, when the
 * coverage ends earlier, up to its last article: in an archive "in October" means its October.
 */
export function timeScope(question: string, now: Date, coverage: CoverageSpan = {}): TimeScope {
  const today = isoOf(now);
  const days: DayMention[] = [];
  const impossible = findImpossibleDay(question);
  if (impossible) return { now: today, relative: false, days, latest: 'none', problem: { kind: 'impossible', text: impossible } };

  // Year-less dates resolve against the earlier of now and the coverage's last day.
  const anchorDay = coverage.last && coverage.last < today ? coverage.last : today;
  const periods: Period[] = [];
  for (const r of chrono.en.parse(question, { instant: now, timezone: 0 })) {
    const p = periodOf(r, today, anchorDay, question);
    if (p) periods.push(p);
    const c = r.start;
    if (!isCasual(r) && c.isCertain('day') && c.isCertain('month')) {
      days.push(c.isCertain('year') ? { month: c.get('month')!, day: c.get('day')!, year: c.get('year')! } : { month: c.get('month')!, day: c.get('day')! });
    }
  }
  for (const m of question.matchAll(BARE_YEAR)) {
    const y = Number(m[1]);
    periods.push({ from: iso(y, 1, 1), to: iso(y, 12, 31), text: m[1]!, relative: false, grace: PERIOD_GRACE_DAYS, comparison: false });
  }
  if (RECENTLY.test(question) && !periods.some((p) => p.relative)) {
    periods.push({ from: addDays(today, -RECENT_DAYS), to: today, text: 'recently', relative: true, grace: 0, comparison: false });
  }

  // With several, the period the question is about is the first that is not a comparison.
  const period = periods.find((p) => !p.comparison) ?? periods[0];
  const explicitLatest = EXPLICIT_LATEST.test(question) || RECENTLY.test(question);
  const latest: LatestWish = explicitLatest ? 'explicit' : period || PAST_TENSE.test(question) ? 'none' : 'present';
  const scope: TimeScope = { now: today, relative: period?.relative ?? false, days, latest };
  if (!period) return scope;
  if (period.from > today) return { ...scope, problem: { kind: 'future', text: period.text } };
  const to = period.to > today ? today : period.to;
  scope.period = { from: period.from, to, text: period.text };
  const graceEnd = addDays(to, period.grace);
  scope.window = { from: period.from, to: graceEnd > today ? today : graceEnd };
  return scope;
}

/** The first month-and-day in the question that no calendar has ("February 30"), as written. */
function findImpossibleDay(question: string): string | undefined {
  for (const re of [MONTH_DAY, DAY_MONTH]) {
    for (const m of question.matchAll(re)) {
      const monthFirst = re === MONTH_DAY;
      const month = MONTHS[m[monthFirst ? 1 : 2]!.toLowerCase()];
      const day = Number(m[monthFirst ? 2 : 1]);
      if (month === undefined) continue;
      if (!dayExists({ month, day, ...(m[3] ? { year: Number(m[3]) } : {}) })) return m[0];
    }
  }
  return undefined;
}

/** A reading relative to the time of asking ("last week"), not one that names a calendar date ("in the week to March 11"). */
function isCasual(r: chrono.ParsedResult): boolean {
  const tags = [...r.tags()];
  if (tags.some((t) => /^parser\/EN(MonthName|ISO|SlashDate|Year)/.test(t))) return false;
  return tags.includes('parser/ENCasualDateParser') || tags.includes('result/relativeDate') || /\b(this|last|next|past|ago)\b/i.test(r.text);
}

/** The period a chrono reading stands for, or undefined for readings that name no period ("now"). */
function periodOf(r: chrono.ParsedResult, today: string, anchorDay: string, question: string): Period | undefined {
  const c = r.start;
  const text = r.text;
  const lower = text.toLowerCase();
  if (/^(now|right now)$/.test(lower)) return undefined;
  // "protesters march", "prices may rise": a lowercase verb, not a month.
  if (/^(march|may)$/.test(text)) return undefined;
  // "on Monday": the latest Monday up to now; its news is dated that day or the next.
  if (c.isCertain('weekday') && !c.isCertain('day')) {
    let day = isoOf(c.date());
    while (day > today) day = addDays(day, -7);
    return { from: day, to: addDays(day, 1), text, relative: true, grace: 0, comparison: false };
  }
  // What follows the expression: "last year's level" compares with last year, it is not the period asked about.
  const after = question.slice(r.index + text.length, r.index + text.length + 3);
  const comparison = /^['’]s\b/.test(after) && /\b(last|previous|a) year\b|\byear ago\b/.test(lower);

  if (isCasual(r)) return relativePeriod(lower, today, comparison, text);

  const anchor = isoDay(anchorDay)!;
  if (c.isCertain('month') && c.isCertain('day')) {
    const month = c.get('month')!;
    const day = c.get('day')!;
    let year = c.isCertain('year') ? c.get('year')! : anchor.year!;
    if (!c.isCertain('year') && iso(year, month, day) > anchorDay) year--;
    const d = iso(year, month, day);
    return { from: d, to: d, text, relative: false, grace: DAY_GRACE_DAYS, comparison };
  }
  if (c.isCertain('month')) {
    const month = c.get('month')!;
    let year = c.isCertain('year') ? c.get('year')! : anchor.year!;
    if (!c.isCertain('year') && iso(year, month, 1) > anchorDay) year--;
    // "early March": its first ten days, reported soon after; "mid-", "late" likewise.
    const part = /\b(early|mid|late)[\s-]+$/i.exec(question.slice(Math.max(0, r.index - 8), r.index))?.[1]?.toLowerCase();
    const last = lastOfMonth(year, month);
    if (part) {
      const [from, to] = part === 'early' ? [1, 10] : part === 'mid' ? [11, 20] : [21, last];
      return { from: iso(year, month, from), to: iso(year, month, to), text: `${part} ${text}`, relative: false, grace: DAY_GRACE_DAYS, comparison };
    }
    return { from: iso(year, month, 1), to: iso(year, month, last), text, relative: false, grace: PERIOD_GRACE_DAYS, comparison };
  }
  if (c.isCertain('year')) {
    const year = c.get('year')!;
    return { from: iso(year, 1, 1), to: iso(year, 12, 31), text, relative: false, grace: PERIOD_GRACE_DAYS, comparison };
  }
  return undefined;
}

/**
 * "today", "yesterday", "this week" (the last seven days), "last week", "last month", "last year",
 * "next ...". A relative period names when things were reported, so its window has no grace.
 */
function relativePeriod(lower: string, today: string, comparison: boolean, text: string): Period | undefined {
  const t = isoDay(today)!;
  const make = (from: string, to: string, grace = 0): Period => ({ from, to, text, relative: true, grace, comparison });
  if (/\bnext\b|\btomorrow\b|\bfrom now\b|\bin \d+ (days?|weeks?|months?|years?)\b/.test(lower)) {
    return make(addDays(today, 1), addDays(today, 1)); // a future period: reported as a problem
  }
  // A report of "yesterday's" events is dated that day or the next: yesterday to today.
  if (/\byesterday\b/.test(lower)) return make(addDays(today, -1), today);
  if (/\btoday\b|\btonight\b|\bthis (morning|afternoon|evening)\b/.test(lower)) return make(today, today);
  if (/\bthis week\b|\bpast week\b/.test(lower)) return make(addDays(today, -6), today);
  if (/\blast week\b/.test(lower)) return make(addDays(today, -13), addDays(today, -7));
  if (/\bthis month\b|\bpast month\b/.test(lower)) return make(iso(t.year!, t.month, 1), today);
  if (/\blast month\b/.test(lower)) {
    const y = t.month === 1 ? t.year! - 1 : t.year!;
    const m = t.month === 1 ? 12 : t.month - 1;
    return make(iso(y, m, 1), iso(y, m, lastOfMonth(y, m)));
  }
  if (/\bthis year\b|\bpast year\b/.test(lower)) return make(iso(t.year!, 1, 1), today);
  if (/\blast year\b|\ba year ago\b/.test(lower)) return make(iso(t.year! - 1, 1, 1), iso(t.year! - 1, 12, 31));
  const ago = /\b(\d+|a|an|one|two|three|four|five|six|seven|ten) (days?|weeks?|months?) ago\b/.exec(lower);
  if (ago) {
    const words: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, ten: 10 };
    const n = words[ago[1]!] ?? Number(ago[1]);
    const unit = ago[2]!.startsWith('day') ? 1 : ago[2]!.startsWith('week') ? 7 : 30;
    const at = addDays(today, -n * unit);
    return make(addDays(at, -Math.floor(unit / 2)), addDays(at, Math.ceil(unit / 2)));
  }
  return undefined;
}

/** Words that say when, not what: relative expressions and "latest"-words, removed before words are matched. */
const TIME_WORDS = new RegExp(
  [
    String.raw`\b(?:according to )?the (?:latest|newest|most recent) (?:reports?|figures?|data|news)\b`,
    String.raw`\b(?:released |published |reported )?(?:this|last|past|next) (?:week|month)(?:['’]s)?\b`,
    String.raw`\b(?:yesterday|today|tonight|tomorrow)(?:['’]s)?\b`,
    String.raw`\b(?:right now|now|currently|presently|at present|so far|to date|these days|nowadays|as it stands|(?:most )?recently|lately|of late)\b`,
  ].join('|'),
  'gi',
);

/** The question without its relative time words (absolute dates stay: news text writes them). */
export function withoutTimeWords(question: string): string {
  // "Yesterday, what ...": no stray comma left at the front.
  const stripped = question.replace(TIME_WORDS, ' ').replace(/\s+/g, ' ').replace(/^[\s,;:]+/, '').trim();
  return stripped === '' ? question : stripped;
}

/** Fewer search words than this besides the dates, and the dates stay in the question. */
const MIN_WORDS_WITHOUT_DATES = 2;

/** What introduces a date that says when the question is about: "on", "in early", "as of", "during". */
const DATE_ADVERBIAL = /\b(?:on|in|during|as of|since|through|until|by|at)\s+(?:(?:the\s+)?(?:early|mid|late|end of|beginning of|start of)[\s-]+)?$/i;

/**
 * The question as the sentences that answer it are worded: without the time it is about, which
 * an article carries as its date rather than in its text ("What was the rate on March 5, 1987?"
 * is answered by "The rate is 7.5 pct" in an article of March 5). Only dates said as an adverbial
 * go ("on ...", "in early ...", "as of ..."); a date that names the thing itself stays ("the
 * week ended March 30": reports say "in the March 30 week"). Relative time words go too.
 */
export function withoutDates(question: string): string {
  let out = '';
  let at = 0;
  for (const r of chrono.en.parse(question, { instant: new Date(0), timezone: 0 })) {
    if (isCasual(r) || r.index < at) continue;
    const before = question.slice(at, r.index);
    const lead = DATE_ADVERBIAL.exec(before);
    if (!lead) continue;
    out += before.slice(0, lead.index);
    at = r.index + r.text.length;
  }
  out += question.slice(at);
  out = out.replace(new RegExp(BARE_YEAR.source, 'gi'), ' ');
  // "What happened on Feb. 14?": with hardly a word besides its date, the date is what to find.
  const kept = tokenize(out).length >= MIN_WORDS_WITHOUT_DATES ? out : question;
  return withoutTimeWords(kept).replace(/\s+([?.!,;:])/g, '$1');
}
