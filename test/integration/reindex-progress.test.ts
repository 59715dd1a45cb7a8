import { describe, expect, it } from 'vitest';
import { progressReporter } from '../../src/cli/progress.ts';

/** A build as buildIndex reports it: splitting, embedding from 0 in batches of 100, writing. */
function run(isTTY: boolean, batches = 10) {
  let out = '';
  let clock = 1_000_000;
  const report = progressReporter({ isTTY, write: (s: string) => ((out += s), true) } as never, () => clock);
  report({ phase: 'splitting', done: 0, total: 10 });
  clock += 30_000; // splitting and reusing the old index do not count against the rate
  const total = batches * 100;
  report({ phase: 'embedding', done: 0, total });
  for (let done = 100; done <= total; done += 100) {
    clock += 2_000;
    report({ phase: 'embedding', done, total });
  }
  report({ phase: 'writing', done: 0, total: 1 });
  return out;
}

describe('re-index progress', () => {
  it('redraws a bar with count, rate and ETA on a terminal, and ends with the time taken and the real rate', () => {
    const out = run(true);
    expect(out).toContain('\rembedding [........................] 0/1000 passages, ETA ?\x1b[K');
    expect(out).toContain('\rembedding [##......................] 100/1000 passages, 50/s, ETA 18 s\x1b[K');
    expect(out).toContain('\rembedding [############............] 500/1000 passages, 50/s, ETA 10 s\x1b[K');
    expect(out.endsWith('\rembedding [########################] 1000/1000 passages in 20 s, 50/s\x1b[K\n')).toBe(true);
    expect(out).not.toMatch(/ 0\/s/);
  });

  it('a build of one batch still ends with its rate, not "0/s, ETA ?"', () => {
    const out = run(true, 1);
    expect(out.endsWith('] 100/100 passages in 2.0 s, 50/s\x1b[K\n')).toBe(true);
  });

  it('prints a plain line every 5 seconds otherwise, and one at the end', () => {
    expect(run(false)).toBe(
      [
        'embedding: 300/1000 passages, 50/s, ETA 14 s',
        'embedding: 600/1000 passages, 50/s, ETA 8.0 s',
        'embedding: 900/1000 passages, 50/s, ETA 2.0 s',
        'embedding: 1000/1000 passages in 20 s, 50/s',
        '',
      ].join('\n'),
    );
  });
});
