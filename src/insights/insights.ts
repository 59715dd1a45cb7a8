import { tokenize } from '../search/tokenize.ts';
import { wordRarity } from '../search/wordRarity.ts';
import type { LogEntry, QuestionEntry } from './questionLog.ts';

/**
 * What readers asked in a period, from the question log: how many questions, the share the
 * coverage answered, the questions it could not answer (similar ones grouped, most asked first:
 * a list of stories to write) and the Helpful / Not helpful votes. Pure: entries in, report out.
 *
 * Grouping is lexical: a question is its set of content terms (src/search/tokenize.ts: stop words
 * dropped, stemmed, accents and month spellings folded), so "Where is the Trump-Putin summit?" and
 * "where will the trump putin summit be" are one group. Terms weigh by how rare they are in
 * everyday English (src/search/wordRarity.ts), so sharing "ceasefire" counts for more than
 * sharing "soon". A question joins the group whose terms it shares most with (weighted Jaccard
 * similarity at least GROUP_SIMILARITY), else starts its own. A follow-up is grouped as the
 * question it was searched as ("when was that?" alone says nothing).
 */
export interface UnansweredGroup {
  /** The group's most asked wording (the latest on a tie). */
  question: string;
  count: number;
  /** Other wordings in the group, most asked first. */
  variants: string[];
  lastAskedAt: string;
}

export interface Insights {
  days: number;
  from: string;
  to: string;
  questions: number;
  answered: number;
  declined: number;
  /** answered / questions, 0 when there were none. */
  answeredShare: number;
  unanswered: UnansweredGroup[];
  feedback: { helpful: number; notHelpful: number };
}

export interface InsightsOptions {
  days: number;
  now?: Date;
  /** Only questions asked in this Discord server (null: the terminal); undefined: all. */
  guildId?: string | null;
  /** Longest unanswered list. Default 10. */
  top?: number;
}

/**
 * Chosen on hand-made pairs: "will there be a ceasefire soon" / "Will there be a ceasefire in
 * Ukraine?" score 0.40 (same story), "ceasefire in Ukraine" / "election in Ukraine" 0.36 (not).
 */
export const GROUP_SIMILARITY = 0.4;
const DAY_MS = 24 * 60 * 60 * 1000;

export function computeInsights(entries: readonly LogEntry[], options: InsightsOptions): Insights {
  const to = options.now ?? new Date();
  const from = new Date(to.getTime() - options.days * DAY_MS);
  const inWindow = (at: string) => {
    const t = Date.parse(at);
    return t >= from.getTime() && t <= to.getTime();
  };
  const questions = entries.filter(
    (e): e is QuestionEntry =>
      e.type === 'question' && inWindow(e.at) && (options.guildId === undefined || e.guildId === options.guildId),
  );
  const ids = new Set(questions.map((q) => q.id));
  const feedback = { helpful: 0, notHelpful: 0 };
  for (const e of entries) {
    if (e.type !== 'feedback' || !ids.has(e.id)) continue;
    if (e.vote === 'helpful') feedback.helpful++;
    else feedback.notHelpful++;
  }
  const answered = questions.filter((q) => q.answered).length;
  return {
    days: options.days,
    from: from.toISOString(),
    to: to.toISOString(),
    questions: questions.length,
    answered,
    declined: questions.length - answered,
    answeredShare: questions.length === 0 ? 0 : answered / questions.length,
    unanswered: groupQuestions(questions.filter((q) => !q.answered)).slice(0, options.top ?? 10),
    feedback,
  };
}

interface Group {
  terms: Set<string>;
  wordings: Map<string, { count: number; last: string }>;
  count: number;
  last: string;
}

/** Similar questions together, most asked group first (latest first on a tie). */
export function groupQuestions(questions: readonly Pick<QuestionEntry, 'question' | 'searchedAs' | 'at'>[]): UnansweredGroup[] {
  const groups: Group[] = [];
  const ordered = [...questions].sort((a, b) => a.at.localeCompare(b.at));
  for (const q of ordered) {
    const text = (q.searchedAs ?? q.question).replace(/\s+/g, ' ').trim();
    const terms = new Set(tokenize(text));
    let best: Group | undefined;
    let bestScore = 0;
    for (const g of groups) {
      const score = jaccard(terms, g.terms);
      if (score > bestScore) [best, bestScore] = [g, score];
    }
    // Questions with no content words at all ("?") group by their exact text.
    const group = best && bestScore >= GROUP_SIMILARITY ? best : undefined;
    const target = group ?? { terms, wordings: new Map(), count: 0, last: q.at };
    if (!group) groups.push(target);
    const wording = target.wordings.get(text) ?? { count: 0, last: q.at };
    wording.count++;
    wording.last = q.at;
    target.wordings.set(text, wording);
    target.count++;
    target.last = q.at;
  }
  return groups
    .sort((a, b) => b.count - a.count || b.last.localeCompare(a.last))
    .map((g) => {
      const wordings = [...g.wordings.entries()].sort((a, b) => b[1].count - a[1].count || b[1].last.localeCompare(a[1].last));
      return { question: wordings[0]![0], count: g.count, variants: wordings.slice(1).map(([w]) => w), lastAskedAt: g.last };
    });
}

/** Shared terms' weight over all terms' weight, each term weighing by its rarity in English. */
function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  let all = 0;
  for (const t of a) {
    const w = wordRarity(t);
    all += w;
    if (b.has(t)) shared += w;
  }
  for (const t of b) if (!a.has(t)) all += wordRarity(t);
  return all === 0 ? 0 : shared / all;
}

/** The report as plain text for the terminal (`npm run insights`). */
export function formatInsights(r: Insights): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const lines = [
    `Questions in the last ${r.days} day${r.days === 1 ? '' : 's'} (${r.from.slice(0, 10)} to ${r.to.slice(0, 10)}): ${r.questions}`,
    `Answered: ${r.answered} (${pct(r.answeredShare)}), declined: ${r.declined}`,
    `Feedback: ${r.feedback.helpful} helpful, ${r.feedback.notHelpful} not helpful`,
  ];
  if (r.unanswered.length === 0) {
    lines.push('', r.questions === 0 ? 'No questions were asked.' : 'Every question was answered.');
  } else {
    lines.push('', 'Most asked questions the coverage did not answer:');
    r.unanswered.forEach((g, i) => {
      lines.push(`${String(i + 1).padStart(2)}. ${g.question} (${g.count}×, last ${g.lastAskedAt.slice(0, 16).replace('T', ' ')} UTC)`);
      for (const v of g.variants.slice(0, 3)) lines.push(`      also: ${v}`);
      if (g.variants.length > 3) lines.push(`      and ${g.variants.length - 3} more wordings`);
    });
  }
  return lines.join('\n');
}
