import type { CurvePoint, EvalSummary, RankMetrics } from './metrics.ts';

const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null, digits = 2): string => (v === null ? '—' : v.toFixed(digits));

/** Lines of a two-column table, first column padded. */
export function table(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

function rankRows(label: string, m: RankMetrics | null): Array<[string, string]> {
  if (!m) return [];
  return [
    [`${label} R@1 / R@5 / R@10`, `${num(m.recallAt1, 3)} / ${num(m.recallAt5, 3)} / ${num(m.recallAt10, 3)}  (n=${m.n})`],
    [`${label} MRR@10`, num(m.mrr, 3)],
  ];
}

export function formatSummary(s: EvalSummary, title: string): string {
  const rows: Array<[string, string]> = [
    ['questions', `${s.questions} (${s.answerable} answerable, ${s.unanswerable} unanswerable)`],
  ];
  if (s.answerable > 0) {
    rows.push(
      ['answered correctly (answer in 1st quote)', pct(s.answeredFirstQuote)],
      ['answered correctly (answer in first 3 quotes)', pct(s.answeredCorrectly)],
      ['answered correctly (any quote)', pct(s.answeredCorrectlyAnyQuote)],
      ['answerable but abstained', pct(s.wronglyAbstained)],
      ['answered with wrong quotes (none holds the answer)', pct(s.wrongQuotesShown)],
      ...rankRows('answer passage', s.answerPassage),
      ...rankRows('gold article passage', s.goldPassage),
    );
  }
  if (s.unanswerable > 0) rows.push(['unanswerable and abstained', pct(s.abstainedUnanswerable)]);
  for (const [kind, m] of Object.entries(s.firstQuoteByKind)) {
    rows.push([`${kind}: first quote right / stale / gold article`, `${pct(m.right)} / ${pct(m.stale)} / ${pct(m.goldArticle)}  (n=${m.n})`]);
  }
  rows.push(
    ['quotes shown / verbatim', `${s.quotesShown} / ${pct(s.quotesVerbatim)}`],
    ['quotes per answer, chars per quote', `${num(s.meanQuotesPerAnswer, 2)}, ${num(s.meanQuoteChars, 0)}`],
    ['answer latency p50 / p95', `${s.latencyMs.p50.toFixed(1)} ms / ${s.latencyMs.p95.toFixed(1)} ms`],
  );
  return `${title}\n${table(rows)}`;
}

export function formatCurve(points: CurvePoint[], current: number): string {
  const header = 'threshold  right in 1st quote  right in first 3  answerable abstained  unanswerable abstained';
  const lines = points.map((p) => {
    const mark = Math.abs(p.threshold - current) < 1e-9 ? '  <- current' : '';
    return `${p.threshold.toFixed(2).padStart(9)}  ${pct(p.answeredFirstQuote).padStart(17)}  ${pct(p.answeredCorrectly).padStart(16)}  ${pct(p.wronglyAbstained).padStart(20)}  ${pct(p.abstainedUnanswerable).padStart(22)}${mark}`;
  });
  return ["abstention trade-off (threshold on the reader's P(answers), MIN_ANSWER_CONFIDENCE)", header, ...lines].join('\n');
}
