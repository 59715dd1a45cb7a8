import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEntries } from '../../src/insights/questionLog.ts';
import { runCli } from '../support/cli.ts';
import { CORPUS_DIR, tempDir } from '../support/paths.ts';

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = tempDir('coverage-insights-');
  env = {
    DOTENV_CONFIG_PATH: path.join(dir, 'no.env'),
    DISCORD_TOKEN: '',
    CORPUS_DIR,
    INDEX_DIR: path.join(dir, 'index'),
    QUESTION_LOG: path.join(dir, 'questions.jsonl'),
  };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm start (terminal) and npm run insights', () => {
  it('logs the questions asked in the terminal, and reports them', { timeout: 120_000 }, async () => {
    const questions = [
      'Who did Marco Rubio speak with on the phone?',
      'What will the weather be in Kyiv tomorrow?',
      'what will the weather in Kyiv be tomorrow',
      'Who won the 2024 Super Bowl?',
    ];
    const session = await runCli('start.ts', [], env, `${questions.join('\n')}\n\n`);
    expect(session.code).toBe(0);
    const entries = await readEntries(env.QUESTION_LOG!);
    expect(entries.map((e) => e.type === 'question' && [e.question, e.answered, e.source])).toEqual([
      [questions[0], true, 'terminal'],
      [questions[1], false, 'terminal'],
      [questions[2], false, 'terminal'],
      [questions[3], false, 'terminal'],
    ]);

    const text = await runCli('insights.ts', [], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Questions in the last 7 days');
    expect(text.stdout).toContain('Answered: 1 (25%), declined: 3');
    expect(text.stdout).toMatch(/ 1\. (What will the weather be in Kyiv tomorrow\?|what will the weather in Kyiv be tomorrow) \(2×/);

    const json = JSON.parse((await runCli('insights.ts', ['--days', '1', '--json'], env)).stdout);
    expect(json).toMatchObject({ days: 1, questions: 4, answered: 1, declined: 3 });
    expect(json.unanswered.map((g: { count: number }) => g.count)).toEqual([2, 1]);
  });

  it('refuses a bad --days and says when the log is off', { timeout: 60_000 }, async () => {
    const bad = await runCli('insights.ts', ['--days', 'week'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--days must be a whole number from 1 to 3650.');
    const off = await runCli('insights.ts', [], { ...env, QUESTION_LOG_DAYS: '0' });
    expect(off.stdout).toContain('The question log is off (QUESTION_LOG_DAYS=0)');
  });
});
