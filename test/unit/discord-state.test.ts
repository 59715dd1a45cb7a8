import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Answer } from '../../src/answer/types.ts';
import { decodeButtonId, encodeButtonId } from '../../src/discord/customIds.ts';
import { redactTokens, UserError } from '../../src/discord/errors.ts';
import { FeedbackStore } from '../../src/discord/feedback.ts';
import { BoundedMap, SeenIds } from '../../src/discord/memory.ts';
import { questionFromText } from '../../src/discord/question.ts';
import { SlidingWindowLimiter } from '../../src/discord/rateLimit.ts';
import { tempDir } from '../support/paths.ts';

describe('SlidingWindowLimiter', () => {
  it('allows `limit` events per window per key, then says how long to wait', () => {
    let now = 1_000_000;
    const limiter = new SlidingWindowLimiter({ limit: 3, windowMs: 60_000, now: () => now });
    expect([limiter.take('u1'), limiter.take('u1'), limiter.take('u1')].every((d) => d.ok)).toBe(true);
    now += 10_000;
    expect(limiter.take('u1')).toEqual({ ok: false, retryAfterMs: 50_000 });
    // Another user is not affected.
    expect(limiter.take('u2').ok).toBe(true);
  });

  it('slides: the oldest event leaving the window frees one slot', () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter({ limit: 2, windowMs: 1_000, now: () => now });
    limiter.take('u');
    now = 500;
    limiter.take('u');
    now = 999;
    expect(limiter.take('u').ok).toBe(false);
    now = 1_000;
    expect(limiter.take('u').ok).toBe(true);
    expect(limiter.take('u').ok).toBe(false);
    now = 1_500;
    expect(limiter.take('u').ok).toBe(true);
  });

  it('does not count refused attempts', () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 1_000, now: () => now });
    limiter.take('u');
    for (let i = 0; i < 10; i++) limiter.take('u');
    now = 1_000;
    expect(limiter.take('u').ok).toBe(true);
  });

  it('forgets idle users so memory stays bounded', () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 1_000, now: () => now, maxKeys: 10 });
    for (let i = 0; i < 10; i++) limiter.take(`old${i}`);
    now = 5_000;
    limiter.take('new');
    expect(limiter.size).toBe(1);
  });
});

describe('FeedbackStore', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const logFile = () => {
    const dir = tempDir('feedback-');
    dirs.push(dir);
    return path.join(dir, 'nested', 'feedback.jsonl');
  };
  const answer: Answer = {
    question: 'Who did Rubio call?',
    abstained: false,
    answer: '“Rubio called Lavrov.” [1]',
    mode: 'extractive',
    droppedQuotes: 0,
    citations: [
      { n: 1, quote: 'Rubio called Lavrov.', articleId: 'a', title: 'T', date: null, url: null, passageId: 3, start: 5, end: 25 },
    ],
  };
  const vote = (userId: string, v: 'helpful' | 'not_helpful' = 'helpful', answerId = '111') => ({
    answerId,
    userId,
    vote: v,
    guildId: 'g',
    channelId: 'c',
    messageId: 'm',
    answer,
  });

  it('records the vote with question, answer and citations, one per user per answer', async () => {
    const file = logFile();
    const store = await FeedbackStore.open(file);
    expect(await store.record(vote('u1'))).toBe('recorded');
    expect(await store.record(vote('u1', 'not_helpful'))).toBe('duplicate');
    expect(await store.record(vote('u2', 'not_helpful'))).toBe('recorded');
    expect(await store.record(vote('u1', 'helpful', '222'))).toBe('recorded');
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      answerId: '111',
      userId: 'u1',
      vote: 'helpful',
      question: 'Who did Rubio call?',
      answer: '“Rubio called Lavrov.” [1]',
      citations: [{ n: 1, quote: 'Rubio called Lavrov.', articleId: 'a', passageId: 3, start: 5, end: 25 }],
    });
  });

  it('counts two simultaneous clicks once', async () => {
    const store = await FeedbackStore.open(logFile());
    const outcomes = await Promise.all([store.record(vote('u1')), store.record(vote('u1')), store.record(vote('u1'))]);
    expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(1);
  });

  it('remembers votes across a restart, and survives a torn last line', async () => {
    const file = logFile();
    const first = await FeedbackStore.open(file);
    await first.record(vote('u1'));
    fs.appendFileSync(file, '{"answerId":"999","userId":"u9","vo'); // crash mid-write
    const warnings: object[] = [];
    const second = await FeedbackStore.open(file, { warn: (obj) => warnings.push(obj) });
    expect(second.hasVoted('111', 'u1')).toBe(true);
    expect(await second.record(vote('u1'))).toBe('duplicate');
    expect(await second.record(vote('u3'))).toBe('recorded');
    expect(warnings).toHaveLength(1);
    // The new vote starts on its own line.
    const last = fs.readFileSync(file, 'utf8').trim().split('\n').at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ userId: 'u3' });
  });

  it('records the vote without the answer when it is no longer in memory', async () => {
    const file = logFile();
    const store = await FeedbackStore.open(file);
    await store.record({ ...vote('u1'), answer: undefined });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ userId: 'u1', question: null, citations: null });
  });
});

describe('questionFromText', () => {
  const bot = '1150000000000000001';
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as UserError).code;
    }
    return 'ok';
  };

  it('collapses whitespace and strips the bot mention', () => {
    expect(questionFromText(`<@${bot}>   Who did\nRubio call?`, { stripMentionsOf: [bot] })).toBe('Who did Rubio call?');
    expect(questionFromText(`<@!${bot}> Who?`, { stripMentionsOf: [bot] })).toBe('Who?');
  });

  it('refuses empty, mention-only and over-long questions', () => {
    expect(code(() => questionFromText('   '))).toBe('questionEmpty');
    expect(code(() => questionFromText(`<@${bot}>`, { stripMentionsOf: [bot] }))).toBe('questionMentionOnly');
    expect(code(() => questionFromText('@everyone <@123456789012345678>'))).toBe('questionMentionOnly');
    expect(code(() => questionFromText('x'.repeat(501)))).toBe('questionTooLong');
    expect(code(() => questionFromText('x'.repeat(500)))).toBe('ok');
  });
});

describe('button custom ids', () => {
  it('round-trip and stay within 100 characters', () => {
    const ids = [
      { kind: 'sources', answerId: '1234567890123456789', passageIds: [0, 17, 999999] },
      { kind: 'vote', answerId: '1234567890123456789', vote: 'not_helpful' },
      { kind: 'pin', answerId: '1234567890123456789' },
      { kind: 'articles', page: 3, search: 'rubio: lavrov' },
    ] as const;
    for (const id of ids) {
      const encoded = encodeButtonId(id);
      expect(encoded.length).toBeLessThanOrEqual(100);
      expect(decodeButtonId(encoded)).toEqual(id);
    }
  });

  it('drops passage ids that do not fit rather than exceeding the limit', () => {
    const many = Array.from({ length: 40 }, (_, i) => 1_000_000 + i);
    const encoded = encodeButtonId({ kind: 'sources', answerId: '1', passageIds: many });
    expect(decodeButtonId(encoded)).toEqual({ kind: 'sources', answerId: '1', passageIds: [] });
  });

  it('ignores ids it did not make', () => {
    expect(decodeButtonId('something-else')).toBeUndefined();
    expect(decodeButtonId('a:pin:12:3')).toBeUndefined();
  });
});

describe('bounded memory', () => {
  it('BoundedMap forgets the least recently used entry', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.get('a');
    map.set('c', 3);
    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([1, undefined, 3]);
  });

  it('SeenIds says "first time" once per id', () => {
    const seen = new SeenIds(100);
    expect([seen.firstTime('x'), seen.firstTime('x'), seen.firstTime('y')]).toEqual([true, false, true]);
  });
});

describe('redactTokens', () => {
  it('removes interaction tokens from URLs before they are logged', () => {
    expect(redactTokens('https://discord.com/api/v10/webhooks/1150000000000000001/aW50ZXJh_Y3Rp-b24/messages/@original')).toBe(
      'https://discord.com/api/v10/webhooks/1150000000000000001/:token/messages/@original',
    );
    expect(redactTokens('POST /interactions/1575462864129491016/aW50ZXJhY3Rpb246yOG5/callback?with_response=false')).toBe(
      'POST /interactions/1575462864129491016/:token/callback?with_response=false',
    );
  });
});
