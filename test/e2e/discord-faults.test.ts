/**
 * Faults end to end, with the real bot and client against the emulator: a failing interaction,
 * dispatches delivered twice, gateway drops and reconnect requests, rate limits, shutdown.
 */
import { InteractionResponseType } from 'discord.js';
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Coverage } from '../../src/answer/coverage.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createBot } from '../../src/discord/bot.ts';
import { INTERNAL_ERROR_MESSAGE } from '../../src/discord/errors.ts';
import { DiscordEmulator } from '../support/discord-emulator/index.ts';
import type { DispatchedInteraction, UserRef } from '../support/discord-emulator/index.ts';
import { tempDir } from '../support/paths.ts';
import { buildSeedCoverage } from '../support/seedIndex.ts';
import { settle, startHarness, type Harness } from './harness.ts';

const RUBIO = 'Who did Marco Rubio speak with on the phone?';
/** The one question the faulty coverage cannot answer: its index "file" is gone. */
const BROKEN = 'What does the broken index say?';

let coverage: Coverage;
let h: Harness;

beforeAll(async () => {
  const real = await buildSeedCoverage(tempDir('coverage-bot-e2e-index-'));
  coverage = {
    ...real,
    ask: async (question) => {
      if (question === BROKEN) throw new Error('ENOENT: no such file or directory, open data/index/bodies.txt');
      return real.ask(question);
    },
  };
  h = await startHarness({ coverage });
});

afterAll(async () => {
  await h?.stop();
});

function ask(harness: Harness, question: string, user: UserRef = 'member'): DispatchedInteraction {
  return harness.discord.dispatchChatInputCommand({ name: 'ask', options: { question }, user });
}

async function answered(interaction: DispatchedInteraction): Promise<APIMessage> {
  await interaction.waitForOriginalEdit(10_000);
  return interaction.record.original!;
}

const answerEdits = (harness: Harness, interaction: DispatchedInteraction) =>
  harness.discord.requests({ method: 'PATCH', path: new RegExp(`/${interaction.token}/messages/@original$`) });

const callbacks = (harness: Harness, interaction: DispatchedInteraction) =>
  harness.discord.requests({ method: 'POST', path: new RegExp(`^/interactions/${interaction.id}/`) });

describe('a failing interaction', () => {
  it('is logged and answered with an ephemeral error, and the bot keeps answering', async () => {
    const broken = ask(h, BROKEN);
    const followUp = await broken.waitForFollowUp(5_000);
    // The public "thinking…" message is removed; the apology goes to the asker only.
    expect(broken.record.timeline.map((t) => t.action)).toEqual(['callback', 'delete-original', 'follow-up']);
    expect((followUp.body as { content: string; flags: number }).content).toBe(INTERNAL_ERROR_MESSAGE);
    expect((followUp.body as { flags: number }).flags & 64).toBe(64);
    expect(h.discord.messages().filter((m) => m.interaction_metadata?.id === broken.id)).toEqual([]);
    const logged = h.logs.find((l) => l.msg === 'interaction failed' && l.interactionId === broken.id);
    expect(JSON.stringify(logged)).toContain('ENOENT');

    const next = await answered(ask(h, RUBIO));
    expect(next.embeds[0]!.fields![0]!.value).toContain('Lavrov');
  });
});

describe('dispatches delivered twice', () => {
  it('answers a redelivered INTERACTION_CREATE once', async () => {
    const first = ask(h, RUBIO);
    await answered(first);
    h.discord.redeliverInteraction(first.id);
    await settle(500);
    expect(callbacks(h, first)).toHaveLength(1);
    expect(answerEdits(h, first)).toHaveLength(1);
    expect(h.logs.some((l) => l.msg === 'interaction delivered again; already handled' && l.interactionId === first.id)).toBe(true);
  });

  it('answers a redelivered mention once', async () => {
    const asked = h.discord.sendUserMessage({ content: `<@${h.discord.ids.botUserId}> ${RUBIO}` });
    const isReply = (r: { method: string; body: unknown }) =>
      r.method === 'POST' && (r.body as { message_reference?: { message_id?: string } })?.message_reference?.message_id === asked.id;
    await h.discord.waitForRequest(isReply, 5_000);
    h.discord.redeliverMessage(asked.id);
    await settle(500);
    expect(h.discord.requests(isReply)).toHaveLength(1);
  });
});

describe('gateway reconnects', () => {
  it('resumes after a dropped connection; questions asked during the outage are answered once, earlier ones not again', async () => {
    const before = ask(h, RUBIO);
    await answered(before);
    const sessionsBefore = h.discord.sessions();

    h.discord.dropConnections(); // TCP cut, like an outage
    const during = ask(h, 'Where is the summit between Trump and Putin expected to take place?');
    await h.discord.waitForGatewayFrame((f) => f.direction === 'received' && f.op === 6, 5_000); // RESUME
    const message = await answered(during);
    expect(JSON.stringify(message.embeds[0]!.fields)).toMatch(/Riyadh|Saudi Arabia/);

    const after = await answered(ask(h, RUBIO));
    expect(after.embeds[0]!.fields![0]!.value).toContain('Lavrov');
    await settle(300);
    for (const interaction of [before, during]) {
      expect(callbacks(h, interaction)).toHaveLength(1);
      expect(answerEdits(h, interaction)).toHaveLength(1);
    }
    // Same session, resumed rather than re-identified.
    expect(h.discord.sessions().map((s) => s.id)).toEqual(sessionsBefore.map((s) => s.id));
  });

  it('follows a RECONNECT request (opcode 7) and keeps answering once', async () => {
    const resumes = () => h.discord.gatewayFrames((f) => f.direction === 'received' && f.op === 6).length;
    const resumesBefore = resumes();
    h.discord.requestReconnect();
    await h.discord.waitUntil(() => resumes() > resumesBefore, 5_000);
    const interaction = ask(h, RUBIO);
    await answered(interaction);
    await settle(300);
    expect(callbacks(h, interaction)).toHaveLength(1);
    expect(answerEdits(h, interaction)).toHaveLength(1);
  });
});

describe('rate limit', () => {
  it('refuses politely, ephemerally, past the per-user limit; other users are unaffected', async () => {
    const limited = await startHarness({ coverage, env: { ASK_RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      await answered(ask(limited, RUBIO));
      await answered(ask(limited, RUBIO));
      const third = ask(limited, RUBIO);
      await third.waitForCallback();
      expect(third.record.callback?.type).toBe(InteractionResponseType.ChannelMessageWithSource);
      expect(third.record.ephemeral).toBe(true);
      expect(third.record.original?.content).toMatch(/at most 2 questions a minute\. Please try again in \d+ s\./);
      // Mentions count against the same limit.
      const mention = limited.discord.sendUserMessage({ content: `<@${limited.discord.ids.botUserId}> ${RUBIO}` });
      const reply = await limited.discord.waitForRequest(
        (r) => r.method === 'POST' && (r.body as { message_reference?: { message_id?: string } })?.message_reference?.message_id === mention.id,
        5_000,
      );
      expect((reply.body as { content: string }).content).toMatch(/at most 2 questions a minute/);
      // The moderator still gets answers.
      const other = await answered(ask(limited, RUBIO, 'moderator'));
      expect(other.embeds[0]!.fields![0]!.value).toContain('Lavrov');
    } finally {
      await limited.stop();
    }
  });
});

describe('after a restart', () => {
  it('old answers keep working: Sources is rebuilt from the message and checked, one vote per user still holds', async () => {
    const own = await startHarness({ coverage });
    try {
      const interaction = ask(own, RUBIO);
      const message = await answered(interaction);
      const button = (label: string) =>
        (message.components![0] as { components: Array<{ label: string; custom_id: string }> }).components.find((b) => b.label === label)!
          .custom_id;
      const vote = own.discord.dispatchButtonClick({ messageId: message.id, customId: button('Helpful') });
      await vote.waitForCallback();

      await own.restart(); // the answer store is empty now
      expect(own.bot.context.answers.size).toBe(0);

      const sources = own.discord.dispatchButtonClick({ messageId: message.id, customId: button('Sources') });
      await sources.waitForCallback();
      const embed = sources.record.original!.embeds[0]!;
      expect(embed.title).toMatch(/^\[1\](\[2\])? Rubio and Lavrov/);
      expect(embed.description).toContain('**U.S. State Secretary Marco Rubio held a phone conversation');

      const again = own.discord.dispatchButtonClick({ messageId: message.id, customId: button('Not helpful') });
      await again.waitForCallback();
      expect(again.record.original?.content).toMatch(/already/);
    } finally {
      await own.stop();
    }
  });
});

describe('shutdown', () => {
  it('stop() waits for an answer in progress, then closes the gateway session for good', async () => {
    const own = await startHarness({ coverage });
    const interaction = ask(own, RUBIO);
    await interaction.waitForCallback();
    await own.bot.stop();
    expect(interaction.record.timeline.map((t) => t.action)).toEqual(['callback', 'edit-original']);
    const close = own.discord.events().find((e) => e.kind === 'connection' && e.event === 'close');
    expect(close).toMatchObject({ initiatedBy: 'client', code: 1000 });
    expect(own.discord.sessions().every((s) => s.invalidated && !s.connected)).toBe(true);
    await own.stop();
  });
});

describe('startup refusals', () => {
  async function startAgainst(discord: DiscordEmulator, token: string, messageContentIntent = false) {
    const dir = tempDir('coverage-bot-e2e-');
    const config = loadConfig({ DISCORD_TOKEN: token, DISCORD_API_URL: discord.restBase, FEEDBACK_LOG: 'f.jsonl' }, dir);
    const bot = await createBot({ config, coverage, log: pino({ level: 'silent' }), messageContentIntent, readyTimeoutMs: 5_000 });
    return bot.start();
  }

  it('names DISCORD_TOKEN when Discord refuses the token', async () => {
    const discord = new DiscordEmulator();
    await discord.start();
    try {
      const failure = await startAgainst(discord, 'not-the-token').catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(ConfigError);
      expect((failure as Error).message).toContain('DISCORD_TOKEN was refused by Discord');
    } finally {
      await discord.stop();
    }
  });

  it('explains a Message Content intent that is not enabled in the portal', async () => {
    const discord = new DiscordEmulator({ privilegedIntents: { messageContent: false } });
    await discord.start();
    try {
      const failure = await startAgainst(discord, discord.token, true).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(ConfigError);
      expect((failure as Error).message).toContain('Privileged Gateway Intents');
    } finally {
      await discord.stop();
    }
  });
});
