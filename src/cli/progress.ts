import type { BuildProgress } from '../indexing/buildIndex.ts';

/**
 * Progress for long index builds: a redrawn bar with count, rate and ETA on a terminal; plain
 * lines every few seconds otherwise (logs, CI), so output stays readable in both.
 */
export function progressReporter(
  stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'> = process.stderr,
  now: () => number = Date.now,
): (p: BuildProgress) => void {
  // The clock starts with the first embedded batch, so loading the corpus and the model does not
  // count against the rate. Plain lines start after a few seconds: short builds need none.
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
    if (!first) {
      first = { at: now(), done: p.done };
      lastPlain = first.at;
    }
    const elapsed = (now() - first.at) / 1000;
    const rate = elapsed > 0 ? (p.done - first.done) / elapsed : 0;
    const eta = rate > 0 ? `${Math.round((p.total - p.done) / rate)}s` : '?';
    const stats = `${p.done}/${p.total} passages, ${rate.toFixed(0)}/s, ETA ${eta}`;
    if (stream.isTTY) {
      const width = 24;
      const filled = Math.round((p.done / Math.max(1, p.total)) * width);
      stream.write(`\rembedding [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${stats}   `);
      drewBar = true;
    } else if (now() - lastPlain >= 5000 || (printedPlain && p.done === p.total)) {
      lastPlain = now();
      printedPlain = true;
      stream.write(`embedding: ${stats}\n`);
    }
  };
}
