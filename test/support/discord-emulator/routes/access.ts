/** Lookups and permission checks shared by the REST routes, failing with Discord's errors. */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIMessage } from 'discord-api-types/v10';
import { DiscordErrors } from '../errors.ts';
import { hasAll, hasAny } from '../permissions.ts';
import type { EmulatorContext } from '../router.ts';
import type { MessageChannel } from '../state.ts';

/** A text channel or a thread (10003 Unknown Channel otherwise). */
export function requireChannel(context: EmulatorContext, channelId: string | undefined): MessageChannel {
  const channel = channelId ? context.state.messageChannel(channelId) : undefined;
  if (!channel) throw DiscordErrors.unknownChannel();
  return channel;
}

export function requireGuild(context: EmulatorContext, guildId: string | undefined): string {
  if (guildId !== context.state.guildId) throw DiscordErrors.unknownGuild();
  return guildId;
}

export function requireChannelMessage(
  context: EmulatorContext,
  channelId: string,
  messageId: string | undefined,
): APIMessage {
  const message = messageId ? context.state.findChannelMessage(channelId, messageId) : undefined;
  if (!message) throw DiscordErrors.unknownMessage();
  return message;
}

/** 50001 when the bot cannot see the channel at all, 50013 when it lacks the specific permission. */
export function requireBotPermissions(
  context: EmulatorContext,
  channelId: string,
  required: bigint,
  mode: 'all' | 'any' = 'all',
): void {
  const permissions = context.state.permissionsIn(channelId, context.config.botUser.id);
  if (!hasAll(permissions, PermissionFlagsBits.ViewChannel)) throw DiscordErrors.missingAccess();
  const ok = mode === 'all' ? hasAll(permissions, required) : hasAny(permissions, required);
  if (!ok) throw DiscordErrors.missingPermissions();
}
