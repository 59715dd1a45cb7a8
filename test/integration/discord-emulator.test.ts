/**
 * Tests the Discord emulator itself with a real discord.js Client. The "bot" here is just the
 * few lines each test runs against the interactions and messages the emulator produces.
 */
import { constants as zlibConstants, createInflate } from 'node:zlib';
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
} from 'discord.js';
import type { ClientEvents, Interaction, Message, TextChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DiscordEmulator } from '../support/discord-emulator/index.ts';

let discord: DiscordEmulator;
let client: Client;
let channel: TextChannel;

beforeAll(async () => {
  // A short heartbeat interval so the heartbeat exchange shows up within the test.
  discord = new DiscordEmulator({ heartbeatIntervalMs: 1_000 });
  await discord.start();
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    // No retries and a short timeout: an emulator failure should fail fast, not after 3 × 15 s.
    rest: { api: discord.restBase, retries: 0, timeout: 2_000, offset: 0 },
  });
  const ready = clientEvent(Events.ClientReady, () => true);
  await client.login(discord.token);
  await ready;
  channel = client.channels.cache.get(discord.ids.channelId) as TextChannel;
});

afterAll(async () => {
  if (process.env.DISCORD_EMULATOR_TRANSCRIPT) console.log(discord.transcript());
  await client?.destroy();
  await discord?.stop();
});

/** Resolves with the next client event whose arguments satisfy `predicate`. */
function clientEvent<E extends keyof ClientEvents>(
  event: E,
  predicate: (...args: ClientEvents[E]) => boolean,
  timeoutMs = 2_000,
): Promise<ClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: ClientEvents[E]) => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args);
    };
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`discord.js never emitted a matching ${String(event)}\n${discord.transcript()}`));
    }, timeoutMs);
    client.on(event, listener);
  });
}

async function interactionArrives(id: string): Promise<Interaction> {
  const [interaction] = await clientEvent(Events.InteractionCreate, (candidate) => candidate.id === id);
  return interaction;
}

async function rejection(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DiscordAPIError);
  return error as DiscordAPIError;
}

describe('Discord emulator with a real discord.js client', () => {
  it('gets the client ready with the guild, channel and permissions cached', async () => {
    expect(client.isReady()).toBe(true);
    expect(client.user?.id).toBe(discord.ids.botUserId);
    expect(client.application?.id).toBe(discord.ids.applicationId);
    expect(channel.name).toBe(discord.config.channelName);
    expect(channel.permissionsFor(client.user!)?.has(PermissionFlagsBits.ManageMessages)).toBe(true);

    expect(discord.requests({ method: 'GET', path: '/gateway/bot' })).toHaveLength(1);
    const identify = discord.gatewayFrames((frame) => frame.direction === 'received' && frame.op === 2);
    expect(identify).toHaveLength(1);
    expect((identify[0]!.d as { intents: number }).intents).toBe(
      GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent,
    );
    // HEARTBEAT (op 1) is answered with HEARTBEAT_ACK (op 11).
    await discord.waitForGatewayFrame((frame) => frame.direction === 'sent' && frame.op === 11, 2_500);
  });

  it('delivers a slash command with its option and member permissions, and records deferReply then editReply', async () => {
    const dispatched = discord.dispatchChatInputCommand({
      name: 'ask',
      options: { question: 'What did we report on the dam?' },
      user: 'moderator',
    });
    const interaction = await interactionArrives(dispatched.id);
    if (!interaction.isChatInputCommand()) throw new Error('expected a ChatInputCommandInteraction');
    expect(interaction.commandName).toBe('ask');
    expect(interaction.options.getString('question')).toBe('What did we report on the dam?');
    expect(interaction.user.id).toBe(discord.ids.moderatorId);
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages)).toBe(true);
    expect(interaction.appPermissions.has(PermissionFlagsBits.SendMessages)).toBe(true);

    await interaction.deferReply();
    await interaction.editReply('Here is what we found.');
    await interaction.followUp('More sources');

    const reply = await dispatched.waitForReply();
    expect(reply.content).toBe('Here is what we found.');
    expect((await dispatched.waitForOriginalEdit()).body).toMatchObject({ content: 'Here is what we found.' });
    expect((await dispatched.waitForFollowUp()).response).toMatchObject({ content: 'More sources' });
    expect(dispatched.record.deferred).toBe(true);
    expect(dispatched.record.timeline.map((entry) => entry.action)).toEqual(['callback', 'edit-original', 'follow-up']);
    const [callback, edit] = discord.requests((request) => request.path.includes(dispatched.token));
    expect(callback).toMatchObject({ method: 'POST', status: 204, body: { type: 5 } });
    expect(edit).toMatchObject({ method: 'PATCH', path: expect.stringMatching(/@original$/), status: 200 });
    expect(callback!.index).toBeLessThan(edit!.index);

    // A plain member gets the same command without MANAGE_MESSAGES in member.permissions.
    const fromMember = discord.dispatchChatInputCommand({ name: 'ask', options: { question: 'x' }, user: 'member' });
    const memberInteraction = await interactionArrives(fromMember.id);
    expect(memberInteraction.memberPermissions?.has(PermissionFlagsBits.ManageMessages)).toBe(false);
    expect(memberInteraction.memberPermissions?.has(PermissionFlagsBits.SendMessages)).toBe(true);
  });

  it('delivers a button click and records an ephemeral reply with flags 64', async () => {
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('show-sources').setLabel('Sources').setStyle(ButtonStyle.Secondary),
    );
    const posted = await channel.send({ content: 'Answer with sources', components: [row] });

    const dispatched = discord.dispatchButtonClick({ messageId: posted.id, customId: 'show-sources', user: 'member' });
    const interaction = await interactionArrives(dispatched.id);
    if (!interaction.isButton()) throw new Error('expected a ButtonInteraction');
    expect(interaction.customId).toBe('show-sources');
    expect(interaction.message.id).toBe(posted.id);

    await interaction.reply({ content: 'Only you can see this', flags: MessageFlags.Ephemeral });

    const record = await dispatched.waitForCallback();
    expect(record.callback?.type).toBe(4);
    expect((record.callback?.data as { flags: number }).flags & 64).toBe(64);
    expect(record.ephemeral).toBe(true);
    // Ephemeral responses never become channel messages.
    expect(discord.messages().some((message) => message.content === 'Only you can see this')).toBe(false);
  });

  it('pins a channel message, and answers 403 Missing Permissions once the bot lacks MANAGE_MESSAGES', async () => {
    const keeper = await channel.send('Corrections policy');
    await keeper.pin();
    expect(discord.pinnedMessageIds()).toContain(keeper.id);
    expect(discord.requests({ method: 'PUT', path: `/channels/${channel.id}/messages/pins/${keeper.id}` })[0]?.status).toBe(
      204,
    );

    discord.setBotCanManageMessages(false);
    // discord.js learns about the new overwrite through CHANNEL_UPDATE.
    await discord.waitUntil(() => channel.permissionsFor(client.user!)?.has(PermissionFlagsBits.ManageMessages) === false);
    const other = await channel.send('Not pinnable');
    const error = await rejection(other.pin());
    expect(error.status).toBe(403);
    expect(error.code).toBe(50013);
    expect(error.rawError).toEqual({ message: 'Missing Permissions', code: 50013 });
    expect(discord.pinnedMessageIds()).not.toContain(other.id);

    discord.setBotCanManageMessages(true);
  });

  it('delivers MESSAGE_CREATE as messageCreate with content and mentions', async () => {
    const arrived = clientEvent(Events.MessageCreate, (message) => message.author.id === discord.ids.memberId);
    const sent = discord.sendUserMessage({ author: 'member', content: `<@${discord.ids.botUserId}> what ran on Monday?` });
    const [message] = (await arrived) as [Message];
    expect(message.id).toBe(sent.id);
    expect(message.content).toBe(`<@${discord.ids.botUserId}> what ran on Monday?`);
    expect(message.mentions.users.has(discord.ids.botUserId)).toBe(true);
    expect(message.inGuild() && message.member?.id).toBe(discord.ids.memberId);

    const fromBot = clientEvent(Events.MessageCreate, (candidate) => candidate.author.id === discord.ids.otherBotId);
    discord.sendUserMessage({ author: 'otherBot', content: 'beep' });
    const [botMessage] = await fromBot;
    expect(botMessage.author.bot).toBe(true);
  });

  it('resumes after dropped connections and delivers an interaction sent during the outage exactly once', async () => {
    const identifiesBefore = discord.gatewayFrames((frame) => frame.direction === 'received' && frame.op === 2).length;
    let deliveries = 0;
    let dispatchedId = '';
    const countDeliveries = (interaction: Interaction) => {
      if (interaction.id === dispatchedId) deliveries++;
    };
    client.on(Events.InteractionCreate, countDeliveries);
    try {
      expect(discord.dropConnections()).toBe(1);
      const dispatched = discord.dispatchChatInputCommand({ name: 'ask', options: { question: 'during outage' } });
      dispatchedId = dispatched.id;

      const interaction = await interactionArrives(dispatched.id);
      if (!interaction.isChatInputCommand()) throw new Error('expected a ChatInputCommandInteraction');
      await interaction.reply('Back online');
      expect((await dispatched.waitForReply()).content).toBe('Back online');

      // Anything dispatched after the resume arrives after any replay would have: a barrier, not a sleep.
      const barrier = clientEvent(Events.MessageCreate, (message) => message.content === 'barrier');
      discord.sendUserMessage({ content: 'barrier' });
      await barrier;
      expect(deliveries).toBe(1);
    } finally {
      client.off(Events.InteractionCreate, countDeliveries);
    }

    const resume = discord.gatewayFrames((frame) => frame.direction === 'received' && frame.op === 6);
    expect(resume).toHaveLength(1);
    expect(discord.gatewayFrames((frame) => frame.direction === 'received' && frame.op === 2)).toHaveLength(identifiesBefore);
    expect(discord.gatewayFrames((frame) => frame.t === 'RESUMED')).toHaveLength(1);
    const sentInteraction = discord.gatewayFrames(
      (frame) => frame.t === 'INTERACTION_CREATE' && (frame.d as { id: string }).id === dispatchedId,
    );
    expect(sentInteraction).toHaveLength(1);
    // discord.js reconnected to resume_gateway_url, as it should.
    const reconnect = discord.events().filter((event) => event.kind === 'connection' && event.event === 'open');
    expect(reconnect.at(-1)).toMatchObject({ path: '/resume' });
  });

  it('rejects oversized content with 400 Invalid Form Body, and a second callback with 40060', async () => {
    const tooLong = await rejection(channel.send('x'.repeat(2001)));
    expect(tooLong.status).toBe(400);
    expect(tooLong.code).toBe(50035);
    expect(tooLong.rawError).toMatchObject({
      errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } },
    });

    const bigEmbed = await rejection(channel.send({ embeds: [{ description: 'y'.repeat(4097) }] }));
    expect(bigEmbed.rawError).toMatchObject({ code: 50035, errors: { embeds: { 0: { description: {} } } } });

    const dispatched = discord.dispatchChatInputCommand({ name: 'ask', options: { question: 'long?' } });
    const interaction = await interactionArrives(dispatched.id);
    if (!interaction.isChatInputCommand()) throw new Error('expected a ChatInputCommandInteraction');
    const longReply = await rejection(interaction.reply('z'.repeat(2001)));
    expect(longReply.rawError).toMatchObject({ code: 50035, errors: { data: { content: {} } } });

    await interaction.reply('short enough');
    // discord.js guards against double replies itself, so go around it to reach the emulator.
    const twice = await rejection(
      client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
        body: { type: 4, data: { content: 'again' } },
        auth: false,
      }),
    );
    expect(twice.status).toBe(400);
    expect(twice.code).toBe(40060);
  });

  it('stores bulk-overwritten guild commands and validates their names', async () => {
    const commands = await client.application!.commands.set(
      [
        {
          name: 'ask',
          description: 'Ask the archive',
          options: [
            { type: ApplicationCommandOptionType.String, name: 'question', description: 'Your question', required: true },
          ],
        },
      ],
      discord.ids.guildId,
    );
    expect(commands.first()?.name).toBe('ask');
    expect(discord.commands(discord.ids.guildId).map((command) => command.name)).toEqual(['ask']);

    const invalid = await rejection(
      client.application!.commands.set([{ name: 'Ask Me', description: 'bad name' }], discord.ids.guildId),
    );
    expect(invalid.code).toBe(50035);
  });

  it('answers unknown routes with 404 code 0 and lists them as unexpected', async () => {
    const error = await rejection(client.rest.get('/emulator/no-such-route' as `/${string}`));
    expect(error.status).toBe(404);
    expect(error.rawError).toEqual({ message: '404: Not Found', code: 0 });
    expect(discord.unexpectedRequests().map((request) => request.path)).toEqual(['/emulator/no-such-route']);
  });

  it('speaks zlib-stream and refuses a wrong token with close code 4004', async () => {
    const socket = new WebSocket(`${discord.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`);
    const inflate = createInflate();
    const hello = await new Promise<{ op: number; d: { heartbeat_interval: number } }>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('message', (data: Buffer) => {
        const chunks: Buffer[] = [];
        inflate.on('data', (chunk: Buffer) => chunks.push(chunk));
        inflate.write(data);
        inflate.flush(zlibConstants.Z_SYNC_FLUSH, () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      });
    });
    expect(hello).toMatchObject({ op: 10, d: { heartbeat_interval: 1_000 } });

    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ op: 2, d: { token: 'not-the-token', intents: 0, properties: {} } }));
    expect(await closed).toBe(4004);
    inflate.close();
  });
});
