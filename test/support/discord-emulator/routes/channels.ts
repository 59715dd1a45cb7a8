/** Channel messages, typing, reactions and pins, as the bot user sees them. */
import {
  GatewayDispatchEvents,
  MessageFlags,
  MessageReferenceType,
  MessageType,
  PermissionFlagsBits,
} from 'discord-api-types/v10';
import type { APIMessage } from 'discord-api-types/v10';
import { DiscordErrors, throwIfInvalid } from '../errors.ts';
import { applyMessageEdit, createMessage, gatewayMessageData } from '../messages.ts';
import { PIN_PERMISSIONS } from '../permissions.ts';
import { route } from '../router.ts';
import type { EmulatorContext, Route } from '../router.ts';
import { isEmptyMessage, validateMessageInput } from '../validation.ts';
import type { MessageInput } from '../validation.ts';
import { requireBotPermissions, requireChannel, requireChannelMessage } from './access.ts';

const MAX_PINS = 250;

/** Threads need SEND_MESSAGES_IN_THREADS instead of SEND_MESSAGES. */
function sendPermission(context: EmulatorContext, channelId: string): bigint {
  return context.state.threads.has(channelId) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
}

/** Flags a bot may set on a normal channel message; EPHEMERAL only exists for interaction responses. */
const SETTABLE_MESSAGE_FLAGS =
  MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

export const channelRoutes: Route[] = [
  route('GET', '/channels/:channelId/messages', ({ params, query }, context) => {
    const channel = requireChannel(context, params.channelId);
    requireBotPermissions(context, channel.id, PermissionFlagsBits.ReadMessageHistory);
    const limit = Math.min(Number(query.get('limit') ?? 50), 100);
    const before = query.get('before');
    const after = query.get('after');
    const newestFirst = [...context.state.channelMessages(channel.id)]
      .reverse()
      .filter((message) => (before ? BigInt(message.id) < BigInt(before) : true))
      .filter((message) => (after ? BigInt(message.id) > BigInt(after) : true));
    return { status: 200, body: newestFirst.slice(0, limit) };
  }),

  route('POST', '/channels/:channelId/messages', ({ params, body, files }, context) => {
    const channel = requireChannel(context, params.channelId);
    requireBotPermissions(context, channel.id, sendPermission(context, channel.id));
    const input = (body ?? {}) as MessageInput;
    throwIfInvalid(validateMessageInput(input));
    if (isEmptyMessage({ ...input, attachments: files })) throw DiscordErrors.emptyMessage();
    const reference = input.message_reference;
    if (reference?.message_id && reference.fail_if_not_exists !== false) {
      requireChannelMessage(context, reference.channel_id ?? channel.id, reference.message_id);
    }
    const message = createMessage(context.state, {
      channelId: channel.id,
      author: context.state.botUser,
      input: { ...input, flags: (input.flags ?? 0) & SETTABLE_MESSAGE_FLAGS },
      files,
    });
    publishNewMessage(context, message);
    return { status: 200, body: message };
  }),

  route('GET', '/channels/:channelId/messages/:messageId', ({ params }, context) => {
    const channel = requireChannel(context, params.channelId);
    requireBotPermissions(context, channel.id, PermissionFlagsBits.ReadMessageHistory);
    return { status: 200, body: requireChannelMessage(context, channel.id, params.messageId) };
  }),

  route('PATCH', '/channels/:channelId/messages/:messageId', ({ params, body, files }, context) => {
    const channel = requireChannel(context, params.channelId);
    const message = requireChannelMessage(context, channel.id, params.messageId);
    if (message.author.id !== context.config.botUser.id) throw DiscordErrors.cannotEditOthersMessage();
    const input = (body ?? {}) as MessageInput;
    throwIfInvalid(validateMessageInput(input));
    editWithEmptyCheck(context, message, input, files);
    context.gateway.dispatch(GatewayDispatchEvents.MessageUpdate, gatewayMessageData(context.state, message));
    return { status: 200, body: message };
  }),

  route('DELETE', '/channels/:channelId/messages/:messageId', ({ params }, context) => {
    const channel = requireChannel(context, params.channelId);
    const message = requireChannelMessage(context, channel.id, params.messageId);
    if (message.author.id !== context.config.botUser.id) {
      requireBotPermissions(context, channel.id, PermissionFlagsBits.ManageMessages);
    }
    context.state.removeChannelMessage(channel.id, message.id);
    context.gateway.dispatch(GatewayDispatchEvents.MessageDelete, {
      id: message.id,
      channel_id: channel.id,
      guild_id: context.state.guildId,
    });
    return { status: 204 };
  }),

  route('POST', '/channels/:channelId/typing', ({ params }, context) => {
    const channel = requireChannel(context, params.channelId);
    requireBotPermissions(context, channel.id, sendPermission(context, channel.id));
    return { status: 204 };
  }),

  route('PUT', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', ({ params }, context) => {
    const channel = requireChannel(context, params.channelId);
    requireBotPermissions(context, channel.id, PermissionFlagsBits.AddReactions | PermissionFlagsBits.ReadMessageHistory);
    const message = requireChannelMessage(context, channel.id, params.messageId);
    const [name, id] = params.emoji!.split(':');
    const reactions = (message.reactions ??= []);
    const existing = reactions.find((reaction) => reaction.emoji.name === name);
    if (existing && !existing.me) {
      existing.count++;
      existing.me = true;
    } else if (!existing) {
      reactions.push({
        emoji: { name: name ?? null, id: id ?? null },
        count: 1,
        count_details: { burst: 0, normal: 1 },
        me: true,
        me_burst: false,
        burst_colors: [],
      });
    }
    return { status: 204 };
  }),

  route('DELETE', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', ({ params }, context) => {
    const channel = requireChannel(context, params.channelId);
    const message = requireChannelMessage(context, channel.id, params.messageId);
    const name = params.emoji!.split(':')[0];
    message.reactions = (message.reactions ?? [])
      .map((reaction) =>
        reaction.emoji.name === name && reaction.me ? { ...reaction, me: false, count: reaction.count - 1 } : reaction,
      )
      .filter((reaction) => reaction.count > 0);
    return { status: 204 };
  }),

  // Current pin routes (discord.js 14.22+), then the deprecated ones older clients still use.
  route('GET', '/channels/:channelId/messages/pins', ({ params }, context) => {
    const channel = requireChannel(context, params.channelId);
    requireBotPermissions(context, channel.id, PermissionFlagsBits.ReadMessageHistory);
    const items = pinnedNewestFirst(context, channel.id).map(({ pin, message }) => ({
      pinned_at: pin.pinnedAt,
      message,
    }));
    return { status: 200, body: { items, has_more: false } };
  }),
  route('GET', '/channels/:channelId/pins', ({ params }, context) => {
    const channel = requireChannel(context, params.channelId);
    requireBotPermissions(context, channel.id, PermissionFlagsBits.ReadMessageHistory);
    return { status: 200, body: pinnedNewestFirst(context, channel.id).map(({ message }) => message) };
  }),
  route('PUT', '/channels/:channelId/messages/pins/:messageId', ({ params }, context) => pin(context, params)),
  route('PUT', '/channels/:channelId/pins/:messageId', ({ params }, context) => pin(context, params)),
  route('DELETE', '/channels/:channelId/messages/pins/:messageId', ({ params }, context) => unpin(context, params)),
  route('DELETE', '/channels/:channelId/pins/:messageId', ({ params }, context) => unpin(context, params)),
];

/** Stores a message the bot or a user created and tells gateway clients about it. */
export function publishNewMessage(context: EmulatorContext, message: APIMessage): void {
  context.state.addChannelMessage(message);
  context.gateway.dispatch(GatewayDispatchEvents.MessageCreate, gatewayMessageData(context.state, message));
}

/** Applies a PATCH but refuses (50006) if it would leave the message with nothing to show. */
export function editWithEmptyCheck(
  context: EmulatorContext,
  message: APIMessage,
  input: MessageInput,
  files: Parameters<typeof applyMessageEdit>[3],
): void {
  const draft = structuredClone(message);
  applyMessageEdit(context.state, draft, input, files);
  if (isEmptyMessage(draft)) throw DiscordErrors.emptyMessage();
  Object.assign(message, draft);
}

function pinnedNewestFirst(context: EmulatorContext, channelId: string) {
  return [...context.state.channelPins(channelId)]
    .reverse()
    .map((pin) => ({ pin, message: context.state.findChannelMessage(channelId, pin.messageId) }))
    .filter((entry): entry is { pin: (typeof entry)['pin']; message: APIMessage } => entry.message !== undefined);
}

function pin(context: EmulatorContext, params: Record<string, string>) {
  const channel = requireChannel(context, params.channelId);
  requireBotPermissions(context, channel.id, PIN_PERMISSIONS, 'any');
  const message = requireChannelMessage(context, channel.id, params.messageId);
  const pins = context.state.channelPins(channel.id);
  if (pins.some((existing) => existing.messageId === message.id)) return { status: 204 };
  if (pins.length >= MAX_PINS) throw DiscordErrors.maxPins();

  const pinnedAt = new Date().toISOString();
  pins.push({ messageId: message.id, pinnedAt });
  message.pinned = true;
  channel.last_pin_timestamp = pinnedAt;
  // Discord announces pins with a system message and a CHANNEL_PINS_UPDATE.
  const notice = createMessage(context.state, {
    channelId: channel.id,
    author: context.state.botUser,
    input: {},
    type: MessageType.ChannelPinnedMessage,
  });
  notice.message_reference = {
    type: MessageReferenceType.Default,
    message_id: message.id,
    channel_id: channel.id,
    guild_id: context.state.guildId,
  };
  publishNewMessage(context, notice);
  context.gateway.dispatch(GatewayDispatchEvents.ChannelPinsUpdate, {
    guild_id: context.state.guildId,
    channel_id: channel.id,
    last_pin_timestamp: pinnedAt,
  });
  return { status: 204 };
}

function unpin(context: EmulatorContext, params: Record<string, string>) {
  const channel = requireChannel(context, params.channelId);
  requireBotPermissions(context, channel.id, PIN_PERMISSIONS, 'any');
  const message = requireChannelMessage(context, channel.id, params.messageId);
  const pins = context.state.channelPins(channel.id);
  const index = pins.findIndex((existing) => existing.messageId === message.id);
  if (index !== -1) pins.splice(index, 1);
  message.pinned = false;
  context.gateway.dispatch(GatewayDispatchEvents.ChannelPinsUpdate, {
    guild_id: context.state.guildId,
    channel_id: channel.id,
    last_pin_timestamp: pins.at(-1)?.pinnedAt ?? null,
  });
  return { status: 204 };
}
