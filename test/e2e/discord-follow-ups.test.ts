/**
 * Follow-up questions and the question log end to end: the real bot (createBot, a real discord.js
 * Client) against the local Discord emulator, answering from a real index of the seed corpus.
 * Members reply to answers, ask in threads started from answers and use "Ask a follow-up"; a
 * moderator reads /insights. Nothing of the bot is mocked.
 */
import fs from 'node:fs';
import { ComponentType, InteractionResponseType, PermissionFlagsBits } from 'discord.js';
import type { APIEmbed, APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEntries } from '../../src/insights/questionLog.ts';
import type { DispatchedInteraction, UserRef } from '../support/discord-emulator/index.ts';
import { tempDir } from '../support/paths.ts';
import { buildSeedCoverage } from '../support/seedIndex.ts';
import { settle, startHarness, type Harness } from './harness.ts';

const RUBIO = 'Who did Marco Rubio speak with on the phone?';
const SUMMIT = 'Where will the Trump–Putin summit be held?';

let h: Harness;

beforeAll(async () => {
  const coverage = await buildSeedCoverage(tempDir('coverage-bot-e2e-followups-'));
  h = await startHarness({ coverage, env: { QUESTION_LOG: 'questions.jsonl' } });
});

afterAll(async () => {
  const file = process.env.DISCORD_E2E_TRANSCRIPT;
  if (file && h) fs.writeFileSync(file, h.discord.transcript());
  await h?.stop();
});

const mention = () => `<@${h.discord.ids.botUserId}>`;

async function ask(question: string, user: UserRef = 'member'): Promise<APIMessage> {
  const interaction = h.discord.dispatchChatInputCommand({ name: 'ask', options: { question }, user });
  await interaction.waitForOriginalEdit(10_000);
  return interaction.record.original!;
}

/** The bot's reply to a message, in whatever channel or thread it was posted. */
async function replyTo(messageId: string): Promise<APIMessage> {
  const request = await h.discord.waitForRequest(
    (r) =>
      r.method === 'POST' &&
      /^\/channels\/\d+\/messages$/.test(r.path) &&
      (r.body as { message_reference?: { message_id?: string } })?.message_reference?.message_id === messageId,
    10_000,
  );
  expect(request.status).toBe(200);
  // The bot remembers the turn once Discord has answered the POST: wait for that, as a member would.
  await h.discord.waitUntil(() => h.logs.some((l) => l.msg === 'answered mention' && l.messageId === messageId), 5_000);
  return request.response as APIMessage;
}

function quotes(embed: APIEmbed): string {
  return (embed.fields ?? []).map((f) => f.value).join('\n');
}

function buttonId(message: APIMessage, label: string): string {
  for (const row of message.components ?? []) {
    for (const c of (row as { components: Array<{ label?: string; custom_id?: string }> }).components) {
      if (c.label === label && c.custom_id) return c.custom_id;
    }
  }
  throw new Error(`no "${label}" button on message ${message.id}`);
}

describe('follow-ups by reply', () => {
  it('a reply to an answer is answered with the earlier question as context, and says which one', async () => {
    // Alone, "when did they talk?" is an ordinary question: no "Following:" line.
    const alone = await ask('when did they talk?');
    expect(alone.embeds[0]!.author).toBeUndefined();

    const answer = await ask(RUBIO);
    const followUp = h.discord.sendUserMessage({ content: 'when did they talk?', replyTo: answer.id });
    const reply = await replyTo(followUp.id);
    const embed = reply.embeds[0]!;
    expect(embed.author?.name).toBe(`Following: ${RUBIO}`);
    expect(embed.title).toBe('when did they talk?');
    expect(quotes(embed)).toContain('Feb. 15');
    expect(buttonId(reply, 'Ask a follow-up')).toMatch(/^a:fu:\d+$/);
  });

  it('a follow-up of a follow-up builds on what that one was searched as', async () => {
    const answer = await ask(SUMMIT);
    const first = h.discord.sendUserMessage({ content: 'who said so?', replyTo: answer.id });
    const firstReply = await replyTo(first.id);
    expect(firstReply.embeds[0]!.author?.name).toBe(`Following: ${SUMMIT}`);
    expect(quotes(firstReply.embeds[0]!)).toContain('Saudi Foreign Ministry');

    const second = h.discord.sendUserMessage({ content: 'and when did they say it?', replyTo: firstReply.id });
    const secondReply = await replyTo(second.id);
    expect(secondReply.embeds[0]!.author?.name).toBe('Following: who said so?');
    expect(quotes(secondReply.embeds[0]!)).toContain('Feb. 14');
  });

  it('ignores a reply that is not a question, and one that turned the ping off (Discord sends no text)', async () => {
    const answer = await ask(RUBIO);
    const before = h.discord.requests({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }).length;
    h.discord.sendUserMessage({ content: 'thanks!', replyTo: answer.id });
    h.discord.sendUserMessage({ content: 'when did they talk?', replyTo: answer.id, pingReply: false });
    await settle(500);
    expect(h.discord.requests({ method: 'POST', path: /^\/channels\/\d+\/messages$/ })).toHaveLength(before);
  });
});

describe('follow-ups in a thread started from an answer', () => {
  it("takes each member's own last question there, else the answer's", async () => {
    const answer = await ask(RUBIO);
    const thread = h.discord.startThread({ messageId: answer.id, name: 'Rubio call', user: 'member' });

    const first = h.discord.sendUserMessage({ channelId: thread.id, content: `${mention()} when did they talk?` });
    const firstReply = await replyTo(first.id);
    expect(firstReply.channel_id).toBe(thread.id);
    expect(firstReply.embeds[0]!.author?.name).toBe(`Following: ${RUBIO}`);
    expect(quotes(firstReply.embeds[0]!)).toContain('Feb. 15');

    // Another member in the same thread follows the thread's answer, not the first member's turn.
    const other = h.discord.sendUserMessage({ channelId: thread.id, author: 'moderator', content: `${mention()} what did they agree on?` });
    const otherReply = await replyTo(other.id);
    expect(otherReply.embeds[0]!.author?.name).toBe(`Following: ${RUBIO}`);

    const again = h.discord.sendUserMessage({ channelId: thread.id, content: `${mention()} and what did they agree on?` });
    expect((await replyTo(again.id)).embeds[0]!.author?.name).toBe('Following: when did they talk?');
  });

  it('a plain mention outside a thread, not a reply, is a new question', async () => {
    await ask(RUBIO);
    const asked = h.discord.sendUserMessage({ content: `${mention()} ${SUMMIT}` });
    const reply = await replyTo(asked.id);
    expect(reply.embeds[0]!.author).toBeUndefined();
    expect(quotes(reply.embeds[0]!)).toMatch(/Riyadh/);
  });
});

describe('Ask a follow-up', () => {
  it('opens a modal, and answers what was typed in it with the answer as context', async () => {
    const answer = await ask(RUBIO);
    const click = h.discord.dispatchButtonClick({ messageId: answer.id, customId: buttonId(answer, 'Ask a follow-up') });
    await click.waitForCallback();
    expect(click.record.callback?.type).toBe(InteractionResponseType.Modal);
    const modal = click.record.modal as { title: string; components: Array<{ type: number; label: string; description: string }> };
    expect(modal.title).toBe('Ask a follow-up');
    expect(modal.components[0]).toMatchObject({ type: ComponentType.Label, description: `Following: ${RUBIO}` });

    const submit: DispatchedInteraction = h.discord.submitModal({ interactionId: click.id, values: { question: 'when did they talk?' } });
    await submit.waitForOriginalEdit(10_000);
    expect(submit.record.callback?.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const message = submit.record.original!;
    expect(submit.record.ephemeral).toBe(false);
    expect(message.embeds[0]!.author?.name).toBe(`Following: ${RUBIO}`);
    expect(quotes(message.embeds[0]!)).toContain('Feb. 15');
  });

  it('after a restart (memory gone) still follows the question the answer shows', async () => {
    const answer = await ask(SUMMIT);
    await h.restart();
    const click = h.discord.dispatchButtonClick({ messageId: answer.id, customId: buttonId(answer, 'Ask a follow-up') });
    await click.waitForCallback();
    const submit = h.discord.submitModal({ interactionId: click.id, values: { question: 'who said so?' } });
    await submit.waitForOriginalEdit(10_000);
    expect(submit.record.original!.embeds[0]!.author?.name).toBe(`Following: ${SUMMIT}`);
    expect(quotes(submit.record.original!.embeds[0]!)).toContain('Saudi Foreign Ministry');
  });
});

describe('question log and /insights', () => {
  const MANAGE_SERVER = PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;

  it('logs every question with its outcome and votes, and no user id', async () => {
    const answer = await ask(RUBIO);
    const vote = h.discord.dispatchButtonClick({ messageId: answer.id, customId: buttonId(answer, 'Helpful') });
    await vote.waitForCallback();
    await h.bot.context.questionLog.entries(); // waits for pending writes
    const text = fs.readFileSync(h.config.questionLog.file, 'utf8');
    for (const id of [h.discord.ids.memberId, h.discord.ids.moderatorId, h.discord.ids.channelId]) expect(text).not.toContain(id);
    const entries = await readEntries(h.config.questionLog.file);
    const followUp = entries.find((e) => e.type === 'question' && e.question === 'who said so?');
    expect(followUp).toMatchObject({ previousQuestion: SUMMIT, answered: true, source: 'discord', guildId: h.discord.ids.guildId });
    // A follow-up of a follow-up is logged with the question as the member saw it, and what it was searched as.
    const chained = entries.find((e) => e.type === 'question' && e.question === 'and when did they say it?');
    expect(chained).toMatchObject({ previousQuestion: 'who said so?', searchedAs: expect.stringContaining('Trump–Putin summit') });
    expect(entries.filter((e) => e.type === 'feedback').map((e) => e.type === 'feedback' && e.vote)).toEqual(['helpful']);
  });

  it('/insights shows the last 7 days to Manage Server members only, ephemerally', async () => {
    await ask('What will the weather be in Kyiv tomorrow?', 'moderator');
    await ask('will the weather in Kyiv be good tomorrow?');
    const refused = h.discord.dispatchChatInputCommand({ name: 'insights', user: 'member' });
    await refused.waitForCallback();
    expect(refused.record.ephemeral).toBe(true);
    expect(refused.record.original?.content).toBe('Only members with the Manage Server permission can see what readers asked.');

    const shown = h.discord.dispatchChatInputCommand({ name: 'insights', user: 'moderator', memberPermissions: MANAGE_SERVER });
    await shown.waitForCallback();
    expect(shown.record.ephemeral).toBe(true);
    const embed = shown.record.original!.embeds[0]!;
    expect(embed.title).toBe('Questions in the last 7 days');
    const fields = Object.fromEntries(embed.fields!.map((f) => [f.name, f.value]));
    expect(Number(fields.Questions)).toBeGreaterThan(8);
    expect(fields.Helpful).toBe('1');
    expect(embed.description).toMatch(/1\. What will the weather be in Kyiv tomorrow\? — \*\*2×\*\* \(\+1 similar\)|1\. will the weather in Kyiv be good tomorrow\? — \*\*2×\*\* \(\+1 similar\)/);
  });

  it('made no request the emulator does not know, and logged no failure', () => {
    expect(h.discord.unexpectedRequests()).toEqual([]);
    expect(h.discord.requests({ status: 400 })).toEqual([]);
    expect(h.logs.filter((l) => l.level >= 50)).toEqual([]);
  });
});
