import { describe, expect, it } from 'vitest';
import { progressReporter } from '../../src/cli/progress.ts';

function run(isTTY: boolean) {
  let out = '';
  let clock = 1_000_000;
  const report = progressReporter({ isTTY, write: (s: string) => ((out += s), true) } as never, () => clock);
  report({ phase: 'splitting', done: 0, total: 10 });
  clock += 30_000; // loading the model does not count against the rate
  for (let done = 100; done <= 1000; done += 100) {
    report({ phase: 'embedding', done, total: 1000 });
    clock += 2_000;
  }
  report({ phase: 'writing', done: 0, total: 1 });
  return out;
}

describe('re-index progress', () => {
  it('redraws a bar with count, rate and ETA on a terminal', () => {
    const out = run(true);
    expect(out).toContain('\rembedding [##......................] 100/1000 passages, 0/s, ETA ?');
    expect(out).toContain('\rembedding [############............] 500/1000 passages, 50/s, ETA 10s');
    expect(out.endsWith('1000/1000 passages, 50/s, ETA 0s   \n')).toBe(true);
  });

  it('prints a plain line every 5 seconds otherwise, and one at the end', () => {
    expect(run(false)).toBe(
      ['embedding: 400/1000 passages, 50/s, ETA 12s', 'embedding: 700/1000 passages, 50/s, ETA 6s', 'embedding: 1000/1000 passages, 50/s, ETA 0s', ''].join('\n'),
    );
  });
});
