import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeInsights, formatInsights, groupQuestions } from '../../src/insights/insights.ts';
import { QuestionLog, readEntries } from '../../src/insights/questionLog.ts';
import { tempDir } from '../support/paths.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function logFile(): string {
  const dir = tempDir('coverage-question-log-');
  dirs.push(dir);
  return path.join(dir, 'sub', 'questions.jsonl');
}

const DAY = 24 * 60 * 60 * 1000;

describe('QuestionLog', () => {
  it('appends questions and feedback without user ids, and reads them back', async () => {
    const file = logFile();
    const log = await QuestionLog.open(file, { retentionDays: 30 });
    const id = await log.record({ question: 'Where is the summit?', answered: true, source: 'discord', guildId: '1150000000000000100' });
    await log.record({
      question: 'when was that?',
      answered: false,
      source: 'terminal',
      followUp: { previousQuestion: 'Where is the summit?', searchedAs: 'when was the summit?' },
    });
    await log.recordFeedback(id!, 'helpful');
    await log.close();
    const entries = await readEntries(file);
    expect(entries.map((e) => e.type)).toEqual(['question', 'question', 'feedback']);
    expect(entries[1]).toMatchObject({ question: 'when was that?', searchedAs: 'when was the summit?', guildId: null, answered: false });
    expect(entries[2]).toMatchObject({ id, vote: 'helpful' });
    expect(fs.readFileSync(file, 'utf8')).not.toMatch(/user/i);
  });

  it('drops lines older than the retention on open, with their feedback, and a torn last line', async () => {
    const file = logFile();
    let now = new Date('2026-03-01T12:00:00Z');
    const first = await QuestionLog.open(file, { retentionDays: 30, now: () => now });
    const old = await first.record({ question: 'old question', answered: false, source: 'terminal' });
    await first.recordFeedback(old!, 'not_helpful');
    now = new Date(now.getTime() + 20 * DAY);
    await first.record({ question: 'recent question', answered: true, source: 'terminal' });
    await first.close();
    fs.appendFileSync(file, '{"type":"question","id":"x","at":"2026-');

    now = new Date(now.getTime() + 15 * DAY); // the first question is now 35 days old
    const reopened = await QuestionLog.open(file, { retentionDays: 30, now: () => now });
    expect((await reopened.entries()).map((e) => (e.type === 'question' ? e.question : e.vote))).toEqual(['recent question']);
    expect(fs.readFileSync(file, 'utf8').endsWith('}\n')).toBe(true);
    await reopened.record({ question: 'after the prune', answered: true, source: 'terminal' });
    expect((await reopened.entries()).length).toBe(2);
    await reopened.close();
  });

  it('QUESTION_LOG_DAYS=0 writes nothing and removes an existing log', async () => {
    const file = logFile();
    const on = await QuestionLog.open(file, { retentionDays: 30 });
    await on.record({ question: 'kept?', answered: true, source: 'terminal' });
    await on.close();
    const off = await QuestionLog.open(file, { retentionDays: 0 });
    expect(await off.record({ question: 'not logged', answered: true, source: 'terminal' })).toBeUndefined();
    expect(fs.existsSync(file)).toBe(false);
    await off.close();
  });
});

describe('insights', () => {
  const at = (daysAgo: number) => new Date(Date.parse('2026-03-10T12:00:00Z') - daysAgo * DAY).toISOString();
  const now = new Date('2026-03-10T12:00:00Z');
  const q = (id: string, question: string, answered: boolean, daysAgo: number, extra: object = {}) => ({
    type: 'question' as const, id, at: at(daysAgo), question, answered, source: 'discord' as const, guildId: 'g1', ...extra,
  });

  it('groups similar unanswered questions, most asked first', () => {
    const groups = groupQuestions([
      { question: 'Where is the Trump-Putin summit?', at: at(3) },
      { question: 'where will the trump putin summit be', at: at(2) },
      { question: 'What did Zelensky say about Europe?', at: at(2) },
      { question: 'Where is the Trump–Putin summit?', at: at(1) },
      { question: 'Will there be a ceasefire in Ukraine?', at: at(3) },
      { question: 'will there be a ceasefire soon', at: at(2) },
      { question: 'Will there be an election in Ukraine?', at: at(1) },
    ]);
    expect(groups.map((g) => [g.question, g.count])).toEqual([
      ['Where is the Trump–Putin summit?', 3],
      ['will there be a ceasefire soon', 2],
      ['Will there be an election in Ukraine?', 1],
      ['What did Zelensky say about Europe?', 1],
    ]);
    expect(groups[0]!.variants).toHaveLength(2);
  });

  it('counts the last N days of one server: answered share, declined groups, votes', () => {
    const entries = [
      q('a', 'Who did Rubio call?', true, 1),
      q('b', 'Will there be a ceasefire?', false, 2),
      q('c', 'will there be a ceasefire soon', false, 3),
      q('d', 'when was that?', false, 1, { previousQuestion: 'Where is the summit?', searchedAs: 'when was the summit?' }),
      q('e', 'too old', false, 9),
      q('f', 'another server', false, 1, { guildId: 'g2' }),
      { type: 'feedback' as const, id: 'a', at: at(1), vote: 'helpful' as const },
      { type: 'feedback' as const, id: 'b', at: at(1), vote: 'not_helpful' as const },
      { type: 'feedback' as const, id: 'e', at: at(1), vote: 'not_helpful' as const },
    ];
    const r = computeInsights(entries, { days: 7, now, guildId: 'g1' });
    expect(r).toMatchObject({ questions: 4, answered: 1, declined: 3, answeredShare: 0.25, feedback: { helpful: 1, notHelpful: 1 } });
    expect(r.unanswered.map((g) => [g.question, g.count])).toEqual([
      ['Will there be a ceasefire?', 2],
      ['when was the summit?', 1],
    ]);
    const text = formatInsights(r);
    expect(text).toContain('Answered: 1 (25%), declined: 3');
    expect(text).toContain(' 1. Will there be a ceasefire? (2×');
    expect(computeInsights(entries, { days: 7, now }).questions).toBe(5);
  });

  it('says so when nothing was asked', () => {
    expect(formatInsights(computeInsights([], { days: 7, now }))).toContain('No questions were asked.');
  });
});
