import type { BuildProgress } from '../indexing/buildIndex.ts';
import { count } from '../plural.ts';

/**
 * Progress for long index builds: a redrawn bar with count, rate and ETA on a terminal; plain
 * lines every few seconds otherwise (logs, CI), so output stays readable in both. The last one
 * says how long embedding took and at what rate.
 */
export function progressReporter(
  stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'> = process.stderr,
  now: () => number = () => performance.now(),
): (p: BuildProgress) => void {
  // The clock starts with the first embedding report (the build sends done 0 as embedding
  // starts), so loading the corpus and the model does not count against the rate.
  let first: { at: number; done: number } | undefined;
  let lastPlain = 0;
  let printedPlain = false;
  let drewBar = false;
  return (p) => {
    if (p.phase !== 'embedding') {
      if (drewBar) stream.write('\n');
      drewBar = false;
      return;
    }
    const at = now();
    if (!first) {
      first = { at, done: p.done };
      lastPlain = at;
    }
    const seconds = (at - first.at) / 1000;
    const rate = seconds > 0 ? (p.done - first.done) / seconds : undefined;
    const perSecond = rate === undefined ? '' : `, ${formatRate(rate)}/s`;
    const finished = p.done >= p.total;
    const counted = `${p.done}/${count(p.total, 'passage')}`;
    const stats = finished
      ? `${counted} in ${formatDuration(seconds)}${perSecond}`
      : `${counted}${perSecond}, ETA ${rate ? formatDuration((p.total - p.done) / rate) : '?'}`;
    if (stream.isTTY) {
      const width = 24;
      const filled = Math.round((Math.min(p.done, p.total) / Math.max(1, p.total)) * width);
      // Cleared to the end of the line, so a shorter line leaves no tail of a longer one.
      stream.write(`\rembedding [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${stats}\x1b[K`);
      drewBar = true;
    } else if (at - lastPlain >= 5000 || (printedPlain && finished)) {
      lastPlain = at;
      printedPlain = true;
      stream.write(`embedding: ${stats}\n`);
    }
  };
}

function formatRate(rate: number): string {
  return rate >= 10 ? rate.toFixed(0) : rate.toFixed(1);
}

/** "0.4 s", "12 s", "3 min 20 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
