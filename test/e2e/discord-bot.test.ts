/**
 * The bot end to end: a real discord.js Client (created by createBot, as `npm start` does)
 * against the local Discord emulator, answering from a real index of the seed corpus. A user and
 * a moderator ask, open sources, vote and pin; nothing of the bot is mocked.
 */
import fs from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApplicationCommandType, GatewayIntentBits, InteractionResponseType, PermissionFlagsBits } from 'discord.js';
import type { APIEmbed, APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coverage } from '../../src/answer/coverage.ts';
import { deployCommands } from '../../src/discord/deploy.ts';
import { BOT_CANNOT_PIN_MESSAGE } from '../../src/discord/errors.ts';
import { quoteFromFieldValue } from '../../src/discord/sourceViews.ts';
import { unescapeMarkdown } from '../../src/discord/text.ts';
import type { DispatchedInteraction, UserRef } from '../support/discord-emulator/index.ts';
import { CORPUS_DIR, REPO_ROOT, SEED_DEV_QUESTIONS, tempDir } from '../support/paths.ts';
import { buildSeedCoverage } from '../support/seedIndex.ts';
import { corpusBodies, feedbackLines, settle, startHarness, type Harness } from './harness.ts';

const RUBIO = 'Who did Marco Rubio speak with on the phone?';
const seedQuestions = fs
  .readFileSync(SEED_DEV_QUESTIONS, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { id: string; question: string; answers: string[] });

let h: Harness;
let coverage: Coverage;
let bodies: string[];

beforeAll(async () => {
  coverage = await buildSeedCoverage(tempDir('coverage-bot-e2e-index-'));
  bodies = corpusBodies(CORPUS_DIR);
  h = await startHarness({ coverage });
});

afterAll(async () => {
  const file = process.env.DISCORD_E2E_TRANSCRIPT;
  if (file && h) fs.writeFileSync(file, h.discord.transcript());
  await h?.stop();
});

// ---- helpers ------------------------------------------------------------------------------------

function ask(question: string, user: UserRef = 'member'): DispatchedInteraction {
  return h.discord.dispatchChatInputCommand({ name: 'ask', options: { question }, user });
}

/** The answer message after the deferred reply was edited. */
async function answered(interaction: DispatchedInteraction): Promise<APIMessage> {
  await interaction.waitForOriginalEdit(10_000);
  return interaction.record.original!;
}

function buttonId(message: APIMessage, label: string): string {
  for (const row of message.components ?? []) {
    for (const c of (row as { components: Array<{ label?: string; custom_id?: string }> }).components) {
      if (c.label === label && c.custom_id) return c.custom_id;
    }
  }
  throw new Error(`no "${label}" button on message ${message.id}`);
}

function click(message: APIMessage, label: string, user: UserRef, extra: { appPermissions?: bigint } = {}) {
  return h.discord.dispatchButtonClick({ messageId: message.id, customId: buttonId(message, label), user, ...extra });
}

/** What the user saw: the callback's or the final edit's content. */
function ephemeralText(interaction: DispatchedInteraction): string {
  const record = interaction.record;
  expect(record.ephemeral).toBe(true);
  return String(record.original?.content ?? '');
}

function expectVerbatimQuotes(embed: APIEmbed) {
  expect(embed.fields?.length).toBeGreaterThan(0);
  for (const field of embed.fields ?? []) {
    const quote = quoteFromFieldValue(field.value);
    expect(quote.length).toBeGreaterThan(10);
    expect(bodies.some((body) => body.includes(quote))).toBe(true);
  }
}

// ---- tests --------------------------------------------------------------------------------------

describe('setup', () => {
  it('deploys exactly /ask (one string option "question"), /sources, /about, /reindex, "Ask the coverage", /insights and /latest to the guild', () => {
    const commands = h.discord.commands(h.discord.ids.guildId);
    expect(commands.map((c) => [c.type, c.name])).toEqual([
      [ApplicationCommandType.ChatInput, 'ask'],
      [ApplicationCommandType.ChatInput, 'sources'],
      [ApplicationCommandType.ChatInput, 'about'],
      [ApplicationCommandType.ChatInput, 'reindex'],
      [ApplicationCommandType.Message, 'Ask the coverage'],
      [ApplicationCommandType.ChatInput, 'insights'],
      [ApplicationCommandType.ChatInput, 'latest'],
    ]);
    const ask = commands.find((c) => c.name === 'ask')!;
    expect(ask.options?.map((o) => [o.name, o.type, o.required])).toEqual([['question', 3, true]]);
  });

  it('asks only for the Guilds and GuildMessages intents (no privileged Message Content)', () => {
    const identify = h.discord.gatewayFrames((f) => f.direction === 'received' && f.op === 2)[0]!;
    expect((identify.d as { intents: number }).intents).toBe(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages);
  });
});

describe('/ask', () => {
  let answer: APIMessage;

  it('defers within 3 s, then answers with a verbatim, cited quote in one embed', async () => {
    const interaction = ask(RUBIO);
    answer = await answered(interaction);
    const { record } = interaction;
    expect(record.callback?.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(record.callback!.at - record.dispatchedAt).toBeLessThan(3_000);
    expect(record.ephemeral).toBe(false);

    expect(answer.embeds).toHaveLength(1);
    const embed = answer.embeds[0]!;
    expect(embed.title).toBe(RUBIO);
    expect(embed.fields![0]!.name).toBe('[1] Rubio and Lavrov hold phone call days after Trump-Putin conversation');
    expect(embed.fields![0]!.value).toContain('Lavrov');
    expect(embed.fields![0]!.value).toContain('2025-02-15');
    expectVerbatimQuotes(embed);
    expect(embed.footer?.text).toMatch(/only from the indexed coverage/);
    expect((answer.components?.[0] as { components: Array<{ label: string }> }).components.map((b) => b.label)).toEqual([
      'Sources', 'Helpful', 'Not helpful', 'Pin', 'Ask a follow-up',
    ]);
    // The answer is a public message in the channel, and nothing could ping.
    expect(h.discord.messages().some((m) => m.id === answer.id)).toBe(true);
    const edit = await interaction.waitForOriginalEdit();
    expect((edit.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('says plainly when the coverage does not answer', async () => {
    const message = await answered(ask('What will the weather be in Kyiv tomorrow?'));
    const embed = message.embeds[0]!;
    expect(embed.description).toMatch(/coverage doesn't answer/i);
    expect(embed.fields ?? []).toEqual([]);
  });

  it('Sources shows the full cited passage, to the clicking user only', async () => {
    const sources = click(answer, 'Sources', 'member');
    await sources.waitForCallback();
    expect(sources.record.callback?.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(sources.record.ephemeral).toBe(true);
    const embed = sources.record.original!.embeds[0]!;
    // The seed corpus is one article: one view, titled with every citation number, holding every cited passage.
    const passageIds = buttonId(answer, 'Sources').split(':')[3]!.split(',').map(Number);
    expect(sources.record.original!.embeds).toHaveLength(1);
    expect(embed.title).toBe(`${passageIds.map((_, i) => `[${i + 1}]`).join('')} Rubio and Lavrov hold phone call days after Trump-Putin conversation`);
    expect(embed.footer?.text).toMatch(/^2025-02-15 · /);
    expect(embed.description).toContain('**U.S. State Secretary Marco Rubio held a phone conversation with Russian Foreign Minister Sergey Lavrov');
    const shown = unescapeMarkdown(embed.description!.replace(/\*\*/g, ''));
    for (const id of passageIds) expect(shown).toContain(coverage.sourcePassage(id)!.text);
  });

  it('refuses an over-long question with a short ephemeral hint and no answer', async () => {
    const interaction = ask(`${'Why '.repeat(150)}?`);
    await interaction.waitForCallback();
    expect(interaction.record.callback?.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(ephemeralText(interaction)).toMatch(/too long \(\d+ characters; at most 500\)/);
  });

  it('refuses an empty or mention-only question with a hint', async () => {
    for (const question of ['   ', `<@${h.discord.ids.botUserId}>`, '@everyone']) {
      const interaction = ask(question);
      await interaction.waitForCallback();
      expect(ephemeralText(interaction)).toMatch(/ask a question|question after the mention/i);
    }
  });

  it('answers 20 questions at once, each exactly once', async () => {
    const questions = Array.from({ length: 20 }, (_, i) => seedQuestions[i % seedQuestions.length]!.question);
    const interactions = questions.map((q, i) => ask(q, i % 2 ? 'member' : 'moderator'));
    const messages = await Promise.all(interactions.map(answered));
    await settle(200);
    for (const [i, interaction] of interactions.entries()) {
      const actions = interaction.record.timeline.map((t) => t.action);
      expect(actions).toEqual(['callback', 'edit-original']);
      expect(messages[i]!.embeds[0]!.title).toBe(questions[i]);
    }
    const answeredQuestions = messages.filter((m) => (m.embeds[0]!.fields ?? []).length > 0);
    expect(answeredQuestions.length).toBeGreaterThan(10);
    for (const message of answeredQuestions) expectVerbatimQuotes(message.embeds[0]!);
    expect(h.discord.requests({ status: 400 })).toEqual([]);
  });
});

describe('feedback', () => {
  it('records Helpful / Not helpful with question, answer and citations, once per user per answer', async () => {
    const message = await answered(ask(RUBIO));
    const first = click(message, 'Helpful', 'member');
    await first.waitForCallback();
    expect(ephemeralText(first)).toMatch(/Thanks/);

    const again = click(message, 'Not helpful', 'member');
    await again.waitForCallback();
    expect(ephemeralText(again)).toMatch(/already/);

    const other = click(message, 'Not helpful', 'moderator');
    await other.waitForCallback();
    expect(ephemeralText(other)).toMatch(/Thanks/);

    const votes = feedbackLines(h).filter((line) => line.messageId === message.id);
    expect(votes.map((v) => [v.userId, v.vote])).toEqual([
      [h.discord.ids.memberId, 'helpful'],
      [h.discord.ids.moderatorId, 'not_helpful'],
    ]);
    expect(votes[0]).toMatchObject({ question: RUBIO, abstained: false, mode: 'extractive' });
    expect(String(votes[0]!.answer)).toContain('Lavrov');
    expect((votes[0]!.citations as Array<{ quote: string }>)[0]!.quote).toContain('Lavrov');
  });
});

describe('Pin', () => {
  it('is refused, ephemerally, to a member without Manage Messages', async () => {
    const message = await answered(ask(RUBIO));
    const refusal = click(message, 'Pin', 'member');
    await refusal.waitForCallback();
    expect(ephemeralText(refusal)).toBe('Only members with the Manage Messages permission in this channel can pin answers.');
    await settle(100);
    expect(h.discord.pinnedMessageIds()).not.toContain(message.id);
    expect(h.discord.requests({ method: 'PUT', path: new RegExp(`/pins/${message.id}$`) })).toEqual([]);
  });

  it('pins the answer for a moderator', async () => {
    const message = await answered(ask(RUBIO));
    const pin = click(message, 'Pin', 'moderator');
    await pin.waitForOriginalEdit();
    expect(h.discord.pinnedMessageIds()).toContain(message.id);
    expect(ephemeralText(pin)).toBe('Pinned this answer to the channel.');
  });

  it('says which permission the bot lacks, before trying and when Discord refuses', async () => {
    const message = await answered(ask(RUBIO));
    h.discord.setBotCanManageMessages(false);
    try {
      const noPermission = click(message, 'Pin', 'moderator');
      await noPermission.waitForCallback();
      expect(ephemeralText(noPermission)).toBe(BOT_CANNOT_PIN_MESSAGE);
      expect(BOT_CANNOT_PIN_MESSAGE).toBe('I need the Manage Messages permission in this channel to pin.');

      // The interaction claims the bot may pin, but Discord answers 50013.
      const appPermissions = h.discord.permissionsOf('bot') | PermissionFlagsBits.ManageMessages;
      const refused = click(message, 'Pin', 'moderator', { appPermissions });
      await refused.waitUntil((r) => r.timeline.length >= 2, { timeoutMs: 5_000 });
      await settle(100);
      expect(h.discord.requests({ method: 'PUT', status: 403 }).length).toBeGreaterThan(0);
      expect(ephemeralText(refused)).toContain(BOT_CANNOT_PIN_MESSAGE);
      expect(h.discord.pinnedMessageIds()).not.toContain(message.id);
    } finally {
      h.discord.setBotCanManageMessages(true);
    }
  });
});

describe('mentions and the context menu', () => {
  const botMention = () => `<@${h.discord.ids.botUserId}>`;

  async function replyTo(messageId: string) {
    const request = await h.discord.waitForRequest(
      (r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path) &&
        (r.body as { message_reference?: { message_id?: string } })?.message_reference?.message_id === messageId,
      10_000,
    );
    return request.response as APIMessage;
  }

  it('answers "@bot <question>" with a reply that pings no one', async () => {
    const asked = h.discord.sendUserMessage({ content: `${botMention()} ${RUBIO}` });
    const reply = await replyTo(asked.id);
    expect(reply.embeds[0]!.title).toBe(RUBIO);
    expect(reply.embeds[0]!.fields![0]!.value).toContain('Lavrov');
    expectVerbatimQuotes(reply.embeds[0]!);
    const sent = h.discord.requests({ method: 'POST', path: `/channels/${h.discord.ids.channelId}/messages` }).at(-1)!;
    expect((sent.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('hints when a mention carries no question', async () => {
    const asked = h.discord.sendUserMessage({ content: botMention() });
    const reply = await replyTo(asked.id);
    expect(reply.content).toMatch(/question after the mention/);
  });

  it('ignores other bots, messages without a mention, and its own messages', async () => {
    const before = h.discord.requests({ method: 'POST', path: `/channels/${h.discord.ids.channelId}/messages` }).length;
    h.discord.sendUserMessage({ author: 'otherBot', content: `${botMention()} ${RUBIO}` });
    h.discord.sendUserMessage({ content: RUBIO });
    h.discord.sendUserMessage({ author: 'bot', content: `${botMention()} ${RUBIO}` });
    await settle(500);
    const after = h.discord.requests({ method: 'POST', path: `/channels/${h.discord.ids.channelId}/messages` }).length;
    expect(after).toBe(before);
  });

  it('"Ask the coverage" on a message without text gives a hint', async () => {
    const target = h.discord.sendUserMessage({ content: '', embeds: [{ title: 'just an embed' }] });
    const interaction = h.discord.dispatchMessageCommand({ name: 'Ask the coverage', targetMessageId: target.id });
    await interaction.waitForCallback();
    expect(ephemeralText(interaction)).toBe('That message has no text to ask about.');
  });

  it('"Ask the coverage" asks about the text of any message', async () => {
    const target = h.discord.sendUserMessage({ content: 'Where is the summit between Trump and Putin expected to take place?' });
    const interaction = h.discord.dispatchMessageCommand({ name: 'Ask the coverage', targetMessageId: target.id });
    const message = await answered(interaction);
    expect(message.embeds[0]!.title).toBe(target.content);
    expect(JSON.stringify(message.embeds[0]!.fields)).toMatch(/Riyadh|Saudi Arabia/);
  });
});

describe('/sources and /about', () => {
  it('/sources lists the indexed articles, and says when a search matches none', async () => {
    const list = h.discord.dispatchChatInputCommand({ name: 'sources' });
    await list.waitForCallback();
    expect(list.record.ephemeral).toBe(true);
    const embed = list.record.original!.embeds[0]!;
    expect(embed.title).toBe('Indexed articles (1)');
    expect(embed.description).toBe('• **Rubio and Lavrov hold phone call days after Trump-Putin conversation** · 2025-02-15');

    const none = h.discord.dispatchChatInputCommand({ name: 'sources', options: { search: 'volcano' } });
    await none.waitForCallback();
    expect(none.record.original!.embeds[0]!.description).toBe('No indexed article matches “volcano”.');
  });

  it('/sources pages with Previous / Next', async () => {
    const extra = Array.from({ length: 24 }, (_, i) => ({
      id: `extra/${i}`, title: `Extra article ${i}`, date: `2024-12-${String(i + 1).padStart(2, '0')}`, url: null, source: null,
    }));
    const many = await startHarness({ coverage: { ...coverage, articles: () => [...coverage.articles(), ...extra] } });
    try {
      const list = many.discord.dispatchChatInputCommand({ name: 'sources' });
      await list.waitForCallback();
      const first = list.record.original!;
      expect(first.embeds[0]!.footer?.text).toBe('Page 1 of 3');
      const next = (first.components![0] as { components: Array<{ label: string; custom_id: string }> }).components[1]!;
      expect(next.label).toBe('Next');
      const page = many.discord.dispatchButtonClick({ messageId: first.id, customId: next.custom_id });
      await page.waitForCallback();
      expect(page.record.callback?.type).toBe(InteractionResponseType.UpdateMessage);
      expect(many.discord.message(first.id)!.embeds[0]!.footer?.text).toBe('Page 2 of 3');
    } finally {
      await many.stop();
    }
  });

  it('/about shows articles, passages, model and build time', async () => {
    const about = h.discord.dispatchChatInputCommand({ name: 'about' });
    await about.waitForCallback();
    const fields = Object.fromEntries(about.record.original!.embeds[0]!.fields!.map((f) => [f.name, f.value]));
    const stats = coverage.stats();
    expect(fields).toMatchObject({ Articles: String(stats.articles), Passages: String(stats.passages) });
    expect(fields['Embedding model']).toContain(String(stats.dimension));
    expect(fields['Index built']).toContain(stats.builtAt);
  });
});

describe('health', () => {
  it('made no request the emulator does not know, and logged no failure', () => {
    expect(h.discord.unexpectedRequests()).toEqual([]);
    expect(h.logs.filter((l) => l.level >= 50)).toEqual([]);
  });
});

describe('npm run deploy-commands', () => {
  it('registers the commands in DISCORD_GUILD_ID through DISCORD_API_URL', async () => {
    const guildId = h.discord.ids.guildId;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/deploy-commands.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DISCORD_TOKEN: h.discord.token,
        DISCORD_APPLICATION_ID: '',
        DISCORD_GUILD_ID: guildId,
        DISCORD_API_URL: h.discord.restBase,
        DOTENV_CONFIG_PATH: '/nonexistent',
      },
      timeout: 20_000,
    });
    expect(stdout).toMatch(/Registered 7 commands \(ask, sources, about, reindex, Ask the coverage, insights, latest\) for application \d+ in server \d+/);
    expect(h.discord.commands(guildId)).toHaveLength(7);
  });

  it('registers globally when no guild is given, looking the application id up from the token', async () => {
    const result = await deployCommands({ token: h.discord.token, apiUrl: h.discord.restBase });
    expect(result).toMatchObject({ scope: 'global', applicationId: h.discord.ids.applicationId });
    expect(h.discord.commands(null).map((c) => c.name)).toEqual(['ask', 'sources', 'about', 'reindex', 'Ask the coverage', 'insights', 'latest']);
  });
});
