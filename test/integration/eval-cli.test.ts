import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, REPO_ROOT, SEED_DEV_QUESTIONS, tempDir } from '../support/paths.ts';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function runEval(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/eval.ts'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run eval', () => {
  it('scores the seed dev questions: answers, abstentions on the unanswerable ones, verbatim quotes', async () => {
    const result = await runEval(['--questions', SEED_DEV_QUESTIONS, '--corpus', CORPUS_DIR, '--json', '--curve']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    // With the reader at its default threshold dev-5 (what the readout says the dialogue should
    // be like) is answered with the wrong sentence: a known shortfall (README "Reader quality").
    expect(out).toMatchObject({
      questions: 7,
      answerable: 5,
      unanswerable: 2,
      answeredCorrectly: 0.8,
      wronglyAbstained: 0,
      abstainedUnanswerable: 1,
      quotesVerbatim: 1,
    });
    expect(out.quotesShown).toBeGreaterThan(0);
    expect(out.answerPassage.recallAt5).toBe(1);
    expect(out.curve).toHaveLength(21);
  });

  it('prints a table, and reuses an index it built when the corpus has not changed', async () => {
    const index = path.join(dir, 'index');
    const first = await runEval(['--questions', SEED_DEV_QUESTIONS, '--corpus', CORPUS_DIR, '--index', index]);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/building the index of 1 article/);
    expect(first.stdout).toMatch(/answered correctly \(answer in first 3 quotes\)\s+80\.0%/); // dev-5, as above
    expect(first.stdout).toMatch(/quotes shown \/ verbatim\s+\d+ \/ 100\.0%/);
    const second = await runEval(['--questions', SEED_DEV_QUESTIONS, '--index', index]);
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
  });

  it('a missing question file is a clear error', async () => {
    const result = await runEval(['--questions', path.join(dir, 'none.jsonl')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Cannot read the questions in .*none\.jsonl/);
  });
});
