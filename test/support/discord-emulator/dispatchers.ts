/**
 * What "users" do in the emulated guild: run commands, click buttons, post messages.
 * Each action stores state and sends the gateway dispatch Discord would send.
 */
import { randomBytes } from 'node:crypto';
import { ApplicationCommandType, ComponentType, GatewayDispatchEvents } from 'discord-api-types/v10';
import type { APIEmbed, APIInteraction, APIMessage } from 'discord-api-types/v10';
import { createMessage, gatewayMessageData } from './messages.ts';
import {
  buttonInteraction,
  chatInputInteraction,
  messageCommandInteraction,
} from './payloads.ts';
import type { CommandOptionValue, InteractionEnvelope } from './payloads.ts';
import type { EmulatorContext } from './router.ts';
import type { InteractionKind, InteractionRecord, UserRef } from './state.ts';

export interface InteractionActor {
  /** Who triggers the interaction. Default: `member`. */
  user?: UserRef;
  /** Defaults to the configured text channel. */
  channelId?: string;
  /** Overrides `member.permissions` in the payload; default is what the member really has in the channel. */
  memberPermissions?: bigint;
  /** Overrides `app_permissions`; default is what the bot really has in the channel. */
  appPermissions?: bigint;
}

export interface ChatInputCommandOptions extends InteractionActor {
  name: string;
  options?: Record<string, CommandOptionValue>;
}

export interface ButtonClickOptions extends InteractionActor {
  messageId: string;
  customId: string;
}

export interface MessageCommandOptions extends InteractionActor {
  name: string;
  targetMessageId: string;
}

export interface UserMessageOptions {
  /** Default: `member`. Use `otherBot` for a bot author, `bot` for the bot under test. */
  author?: UserRef;
  content: string;
  channelId?: string;
  embeds?: APIEmbed[];
  /** Makes the message a reply to this message id. */
  replyTo?: string;
}

export function dispatchChatInputCommand(context: EmulatorContext, options: ChatInputCommandOptions): InteractionRecord {
  const command = commandFor(context, options.name, ApplicationCommandType.ChatInput);
  return dispatchInteraction(context, 'chatInput', options, (envelope) =>
    chatInputInteraction(envelope, { ...command, options: options.options ?? {} }),
  );
}

export function dispatchButtonClick(context: EmulatorContext, options: ButtonClickOptions): InteractionRecord {
  const message = context.state.findAnyMessage(options.messageId);
  if (!message) throw new Error(`Discord emulator: no message ${options.messageId} to click a button on`);
  if (!hasButton(message.components ?? [], options.customId)) {
    throw new Error(`Discord emulator: message ${message.id} has no button with custom_id "${options.customId}"`);
  }
  return dispatchInteraction(context, 'button', { channelId: message.channel_id, ...options }, (envelope) =>
    buttonInteraction(envelope, structuredClone(message), options.customId),
  );
}

export function dispatchMessageCommand(context: EmulatorContext, options: MessageCommandOptions): InteractionRecord {
  const target = context.state.findAnyMessage(options.targetMessageId);
  if (!target) throw new Error(`Discord emulator: no message ${options.targetMessageId} to run "${options.name}" on`);
  const command = commandFor(context, options.name, ApplicationCommandType.Message);
  return dispatchInteraction(context, 'messageCommand', { channelId: target.channel_id, ...options }, (envelope) =>
    messageCommandInteraction(envelope, command, structuredClone(target)),
  );
}

export function sendUserMessage(context: EmulatorContext, options: UserMessageOptions): APIMessage {
  const { state } = context;
  const channel = state.requireChannel(options.channelId ?? context.config.channelId);
  const message = createMessage(state, {
    channelId: channel.id,
    author: state.resolveUser(options.author ?? 'member'),
    input: {
      content: options.content,
      embeds: options.embeds ?? [],
      message_reference: options.replyTo ? { message_id: options.replyTo } : null,
    },
  });
  state.addChannelMessage(message);
  context.gateway.dispatch(GatewayDispatchEvents.MessageCreate, gatewayMessageData(state, message));
  return message;
}

function dispatchInteraction(
  context: EmulatorContext,
  kind: InteractionKind,
  actor: InteractionActor,
  build: (envelope: InteractionEnvelope) => APIInteraction,
): InteractionRecord {
  const { state, config } = context;
  const user = state.resolveUser(actor.user ?? 'member');
  const member = state.members.get(user.id);
  if (!member) throw new Error(`Discord emulator: ${user.username} is not a member of the guild`);
  const channel = state.requireChannel(actor.channelId ?? config.channelId);
  const payload = build({
    id: state.snowflakes.next(),
    token: `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`,
    applicationId: config.applicationId,
    guildId: state.guildId,
    channel: structuredClone(channel),
    member,
    memberPermissions: actor.memberPermissions ?? state.permissionsIn(channel.id, user.id),
    appPermissions: actor.appPermissions ?? state.permissionsIn(channel.id, config.botUser.id),
  });
  const record: InteractionRecord = {
    id: payload.id,
    token: payload.token,
    kind,
    payload,
    channelId: channel.id,
    userId: user.id,
    dispatchedAt: Date.now(),
    callback: null,
    deferred: false,
    ephemeral: false,
    original: null,
    followUps: [],
    modal: null,
    timeline: [],
  };
  state.interactions.set(record.id, record);
  context.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
  return record;
}

function commandFor(context: EmulatorContext, name: string, type: ApplicationCommandType): { id: string; name: string } {
  const registered = context.state.findCommand(name, type);
  if (registered) return { id: registered.id, name };
  if (context.config.strictCommands) {
    throw new Error(`Discord emulator: the bot never registered a ${ApplicationCommandType[type]} command "${name}"`);
  }
  return { id: context.state.snowflakes.next(), name };
}

function hasButton(components: readonly unknown[], customId: string): boolean {
  return components.some((component) => {
    const candidate = component as { type?: number; custom_id?: string; components?: unknown[]; accessory?: unknown };
    if (candidate.type === ComponentType.Button && candidate.custom_id === customId) return true;
    const children = [...(candidate.components ?? []), ...(candidate.accessory ? [candidate.accessory] : [])];
    return hasButton(children, customId);
  });
}
