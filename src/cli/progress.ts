import type { BuildProgress } from '../indexing/buildIndex.ts';

/**
 * Progress for long index builds: a redrawn bar with count, rate and ETA on a terminal; plain
 * lines every few seconds otherwise (logs, CI), so output stays readable in both.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): (p: BuildProgress) => void {
  const started = Date.now();
  // Plain lines start after a few seconds: short builds need no progress report.
  let lastPlain = started;
  let printedPlain = false;
  let drewBar = false;
  return (p) => {
    if (p.phase !== 'embedding') {
      if (drewBar) stream.write('\n');
      drewBar = false;
      return;
    }
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? p.done / elapsed : 0;
    const eta = rate > 0 ? Math.round((p.total - p.done) / rate) : 0;
    const stats = `${p.done}/${p.total} passages, ${rate.toFixed(0)}/s, ETA ${eta}s`;
    if (stream.isTTY) {
      const width = 24;
      const filled = Math.round((p.done / Math.max(1, p.total)) * width);
      stream.write(`\rembedding [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${stats}   `);
      drewBar = true;
    } else if (Date.now() - lastPlain >= 5000 || (printedPlain && p.done === p.total)) {
      lastPlain = Date.now();
      printedPlain = true;
      stream.write(`embedding: ${stats}\n`);
    }
  };
}
