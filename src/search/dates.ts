/**
 * Calendar dates as news text writes them ("Feb. 12", "February 12, 2025", "12 February",
 * "2025-02-12"), so a question about a day finds the passages that mention it and the articles
 * published on it, whatever the spelling.
 */
export interface DayMention {
  month: number; // 1-12
  day: number; // 1-31
  year?: number;
}

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
