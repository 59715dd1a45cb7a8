import type { LogisticModel } from './model.ts';

/** One training row: feature values by name, and whether it is a positive example. */
export interface Example {
  x: Record<string, number | undefined>;
  y: 0 | 1;
  /** Rows of one group (an article) are kept in the same cross-validation fold. */
  group: string;
  /** Rows of one question, for per-question measures. */
  question: string;
  /** How much the row counts in the fit (default 1): evens out training sets of unequal size. */
  weight?: number;
}

/**
 * L2-regularised logistic regression by Newton's method on standardised features. Deterministic;
 * a few dozen features and a few hundred thousand rows fit in seconds.
 */
export function fitLogistic(rows: Example[], features: readonly string[], l2 = 1, iterations = 12): LogisticModel {
  const d = features.length;
  const n = rows.length;
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  const X = rows.map((r) => features.map((f) => r.x[f] ?? 0));
  for (const x of X) for (let j = 0; j < d; j++) mean[j]! += x[j]! / n;
  for (const x of X) for (let j = 0; j < d; j++) std[j]! += (x[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) > 1e-6 ? Math.sqrt(std[j]!) : 1; // a constant feature
  const Z = X.map((x) => [1, ...x.map((v, j) => (v - mean[j]!) / std[j]!)]);
  const w = new Array<number>(d + 1).fill(0);
  for (let it = 0; it < iterations; it++) {
    const g = new Array<number>(d + 1).fill(0);
    const H = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const z = Z[i]!;
      let s = 0;
      for (let j = 0; j <= d; j++) s += w[j]! * z[j]!;
      const p = 1 / (1 + Math.exp(-s));
      const weight = rows[i]!.weight ?? 1;
      const r = weight * (p - rows[i]!.y);
      const v = weight * p * (1 - p);
      for (let j = 0; j <= d; j++) {
        g[j]! += r * z[j]!;
        const vz = v * z[j]!;
        const Hj = H[j]!;
        for (let k = j; k <= d; k++) Hj[k]! += vz * z[k]!;
      }
    }
    for (let j = 0; j <= d; j++) for (let k = 0; k < j; k++) H[j]![k] = H[k]![j]!;
    for (let j = 1; j <= d; j++) {
      g[j]! += l2 * w[j]!;
      H[j]![j]! += l2;
    }
    H[0]![0]! += 1e-6;
    const step = solve(H, g);
    let change = 0;
    for (let j = 0; j <= d; j++) {
      w[j]! -= step[j]!;
      change = Math.max(change, Math.abs(step[j]!));
    }
    if (change < 1e-6) break;
  }
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return { features: [...features], mean: mean.map(round), std: std.map(round), weights: w.slice(1).map(round), bias: round(w[0]!) };
}

/** Solves A x = b for a symmetric positive definite A (Gaussian elimination with pivoting). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const pivot = M[c]![c]! || 1e-12;
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / pivot;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / (M[r]![r]! || 1e-12);
  }
  return x;
}

/** Fold of a group, stable across runs: groups are sorted and dealt round-robin. */
export function foldsByGroup(groups: string[], k: number): Map<string, number> {
  const sorted = [...new Set(groups)].sort();
  return new Map(sorted.map((g, i) => [g, i % k]));
}

/**
 * Logistic regression whose weights keep the signs the features must have (more of the question
 * covered never lowers the probability; a missing name never raises it): a feature whose fitted
 * weight has the wrong sign is dropped (weight 0) and the rest refitted. Without this, quirks of a
 * training set leak in: SQuAD 2.0's unanswerable questions were written to share their paragraph's
 * words, so there a high coverage looks like a warning sign.
 */
export function fitLogisticSigned(rows: Example[], features: readonly string[], signs: Record<string, 1 | -1>, l2 = 1): LogisticModel {
  return fitSigned(fitLogistic, rows, features, signs, l2);
}

/** `fitConditionalLogit` with weights that keep the signs the features must have (as `fitLogisticSigned`). */
export function fitConditionalLogitSigned(rows: Example[], features: readonly string[], signs: Record<string, 1 | -1>, l2 = 1): LogisticModel {
  return fitSigned(fitConditionalLogit, rows, features, signs, l2);
}

function fitSigned(
  fit: (rows: Example[], features: readonly string[], l2: number) => LogisticModel,
  rows: Example[],
  features: readonly string[],
  signs: Record<string, 1 | -1>,
  l2: number,
): LogisticModel {
  let kept = [...features];
  for (;;) {
    const model = fit(rows, kept, l2);
    const wrong = kept.filter((f, i) => signs[f] !== undefined && Math.sign(model.weights[i]!) === -signs[f]!);
    if (wrong.length === 0) {
      // Report every feature, the dropped ones with weight 0, so the model lists what it was offered.
      const at = (f: string) => kept.indexOf(f);
      return {
        features: [...features],
        mean: features.map((f) => (at(f) >= 0 ? model.mean[at(f)]! : 0)),
        std: features.map((f) => (at(f) >= 0 ? model.std[at(f)]! : 1)),
        weights: features.map((f) => (at(f) >= 0 ? model.weights[at(f)]! : 0)),
        bias: model.bias,
      };
    }
    kept = kept.filter((f) => !wrong.includes(f));
  }
}

/**
 * A conditional logit (a softmax over each question's candidates): the weights that make the
 * candidates holding the answer the likeliest among their own question's candidates. It learns
 * to rank, not to judge a sentence alone: a question whose every candidate shares its words
 * teaches as much as one with a single good candidate. Rows of questions with no positive
 * candidate carry no ranking information and are skipped. The bias is 0 (a softmax ignores it).
 * Fitted by damped Newton steps with the all-candidates covariance as the curvature (always
 * positive definite), halving a step that does not improve the objective. Deterministic.
 */
export function fitConditionalLogit(rows: Example[], features: readonly string[], l2 = 1, iterations = 40): LogisticModel {
  const d = features.length;
  const byQuestion = new Map<string, Example[]>();
  for (const r of rows) {
    let list = byQuestion.get(r.question);
    if (!list) byQuestion.set(r.question, (list = []));
    list.push(r);
  }
  const groups = [...byQuestion.values()].filter((g) => g.some((r) => r.y === 1) && g.length > 1);
  const used = groups.flat();
  const n = used.length;
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (const r of used) for (let j = 0; j < d; j++) mean[j]! += (r.x[features[j]!] ?? 0) / Math.max(1, n);
  for (const r of used) for (let j = 0; j < d; j++) std[j]! += ((r.x[features[j]!] ?? 0) - mean[j]!) ** 2 / Math.max(1, n);
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) > 1e-6 ? Math.sqrt(std[j]!) : 1;
  const Z = groups.map((g) => ({ x: g.map((r) => features.map((f, j) => ((r.x[f] ?? 0) - mean[j]!) / std[j]!)), y: g.map((r) => r.y), weight: g[0]!.weight ?? 1 }));

  const objective = (w: number[]): number => {
    let total = 0;
    for (const g of Z) {
      const s = g.x.map((x) => x.reduce((acc, v, j) => acc + v * w[j]!, 0));
      const max = Math.max(...s);
      let all = 0;
      let pos = 0;
      s.forEach((v, i) => {
        const e = Math.exp(v - max);
        all += e;
        if (g.y[i] === 1) pos += e;
      });
      total += g.weight * (Math.log(pos) - Math.log(all));
    }
    return total - (l2 / 2) * w.reduce((acc, v) => acc + v * v, 0);
  };

  let w = new Array<number>(d).fill(0);
  let current = objective(w);
  for (let it = 0; it < iterations; it++) {
    const g = new Array<number>(d).fill(0);
    const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (const grp of Z) {
      const s = grp.x.map((x) => x.reduce((acc, v, j) => acc + v * w[j]!, 0));
      const max = Math.max(...s);
      const e = s.map((v) => Math.exp(v - max));
      const all = e.reduce((a, b) => a + b, 0);
      const pos = e.reduce((a, b, i) => a + (grp.y[i] === 1 ? b : 0), 0);
      const meanAll = new Array<number>(d).fill(0);
      const meanPos = new Array<number>(d).fill(0);
      grp.x.forEach((x, i) => {
        const pa = e[i]! / all;
        const pp = grp.y[i] === 1 ? e[i]! / pos : 0;
        for (let j = 0; j < d; j++) {
          meanAll[j]! += pa * x[j]!;
          meanPos[j]! += pp * x[j]!;
        }
      });
      for (let j = 0; j < d; j++) g[j]! += grp.weight * (meanPos[j]! - meanAll[j]!);
      grp.x.forEach((x, i) => {
        const pa = (grp.weight * e[i]!) / all;
        for (let j = 0; j < d; j++) {
          const dj = pa * (x[j]! - meanAll[j]!);
          const Hj = H[j]!;
          for (let k = j; k < d; k++) Hj[k]! += dj * (x[k]! - meanAll[k]!);
        }
      });
    }
    for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) H[j]![k] = H[k]![j]!;
    for (let j = 0; j < d; j++) {
      g[j]! -= l2 * w[j]!;
      H[j]![j]! += l2;
    }
    const step = solve(H, g);
    let scale = 1;
    let next = w.map((v, j) => v + step[j]!);
    let value = objective(next);
    while (value < current && scale > 1e-4) {
      scale /= 2;
      next = w.map((v, j) => v + scale * step[j]!);
      value = objective(next);
    }
    if (value < current) break;
    const change = Math.max(...step.map((v) => Math.abs(v * scale)));
    w = next;
    current = value;
    if (change < 1e-6) break;
  }
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return { features: [...features], mean: mean.map(round), std: std.map(round), weights: w.map(round), bias: 0 };
}
