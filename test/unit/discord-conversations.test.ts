import { describe, expect, it } from 'vitest';
import { Conversations } from '../../src/discord/conversations.ts';
import { looksLikeQuestion } from '../../src/discord/question.ts';

const turn = (messageId: string, userId: string, question: string, channelId = 'c1') => ({
  messageId, channelId, userId, question, searchedAs: `${question} (searched)`,
});

describe('Conversations', () => {
  it('finds a turn by its answer message and by the member, each member apart', () => {
    const memory = new Conversations({ now: () => 0 });
    memory.remember(turn('m1', 'alice', 'Where is the summit?'));
    memory.remember(turn('m2', 'bob', 'Who did Rubio call?'));
    expect(memory.byAnswer('m1')).toMatchObject({ userId: 'alice', searchedAs: 'Where is the summit? (searched)' });
    expect(memory.lastTurn('c1', 'alice')?.messageId).toBe('m1');
    expect(memory.lastTurn('c1', 'bob')?.messageId).toBe('m2');
    expect(memory.lastTurn('c2', 'alice')).toBeUndefined();
  });

  it('forgets turns after the time limit and keeps only the last few per conversation', () => {
    let now = 0;
    const memory = new Conversations({ now: () => now, ttlMs: 1_000, turnsPerConversation: 2 });
    memory.remember(turn('m1', 'alice', 'one'));
    now = 500;
    memory.remember(turn('m2', 'alice', 'two'));
    memory.remember(turn('m3', 'alice', 'three'));
    expect(memory.recent('c1', 'alice').map((t) => t.question)).toEqual(['two', 'three']);
    now = 1_200;
    expect(memory.byAnswer('m1')).toBeUndefined();
    expect(memory.byAnswer('m2')?.question).toBe('two');
    now = 2_000;
    expect(memory.lastTurn('c1', 'alice')).toBeUndefined();
    expect(memory.byAnswer('m3')).toBeUndefined();
  });

  it('stays bounded however many answers it sees', () => {
    const memory = new Conversations({ now: () => 0, capacity: 10 });
    for (let i = 0; i < 100; i++) memory.remember(turn(`m${i}`, `u${i}`, `q${i}`));
    expect(memory.byAnswer('m0')).toBeUndefined();
    expect(memory.byAnswer('m99')?.question).toBe('q99');
  });
});

describe('looksLikeQuestion', () => {
  it('tells a follow-up from a thank-you', () => {
    for (const q of ['when was that?', 'and what did Zelensky say', 'Who said so', 'what about Mobil?']) expect(looksLikeQuestion(q)).toBe(true);
    for (const t of ['thanks!', 'great answer', 'lol', '']) expect(looksLikeQuestion(t)).toBe(false);
  });
});
