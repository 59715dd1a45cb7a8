/**
 * Builders for the Discord objects the emulator hands out, typed with discord-api-types
 * so a missing field shows up as a compile error rather than a discord.js crash.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationFlags,
  ApplicationIntegrationType,
  ChannelFlags,
  ChannelType,
  ComponentType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMemberFlags,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  InteractionContextType,
  InteractionType,
  Locale,
  OverwriteType,
  RoleFlags,
  UserFlags,
} from 'discord-api-types/v10';
import type {
  APIApplication,
  APIApplicationCommandInteractionDataOption,
  APIChatInputApplicationCommandGuildInteraction,
  APIGuild,
  APIGuildMember,
  APIInteractionGuildMember,
  APIMessage,
  APIMessageApplicationCommandGuildInteraction,
  APIMessageComponentGuildInteraction,
  APIOverwrite,
  APIRole,
  APIModalSubmitGuildInteraction,
  APITextChannel,
  APIThreadChannel,
  APIUser,
  APIModalSubmissionComponent,
  GatewayGuildCreateDispatchData,
  GatewayReadyDispatchData,
} from 'discord-api-types/v10';
import type { EmulatedUser, ResolvedConfig } from './config.ts';

export function userObject(user: EmulatedUser): APIUser {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.bot ? null : user.username,
    avatar: null,
    bot: user.bot,
    flags: 0 as UserFlags,
    public_flags: 0 as UserFlags,
  };
}

export function roleObject(init: {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  botId?: string;
}): APIRole {
  return {
    id: init.id,
    name: init.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: init.position,
    permissions: init.permissions.toString(),
    // A bot's own role is "managed" by its integration, as Discord creates it on install.
    managed: init.botId !== undefined,
    mentionable: false,
    flags: 0 as RoleFlags,
    ...(init.botId ? { tags: { bot_id: init.botId } } : {}),
  };
}

export function memberObject(user: APIUser, roleIds: string[], joinedAt: string): APIGuildMember {
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles: roleIds,
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

export function textChannelObject(init: {
  id: string;
  guildId: string;
  name: string;
  position: number;
  overwrites: APIOverwrite[];
  lastMessageId: string | null;
}): APITextChannel {
  return {
    id: init.id,
    type: ChannelType.GuildText,
    guild_id: init.guildId,
    name: init.name,
    position: init.position,
    permission_overwrites: init.overwrites,
    parent_id: null,
    topic: null,
    nsfw: false,
    rate_limit_per_user: 0,
    last_message_id: init.lastMessageId,
    last_pin_timestamp: null,
    flags: 0 as ChannelFlags,
  };
}

export function memberOverwrite(userId: string, allow: bigint, deny: bigint): APIOverwrite {
  return { id: userId, type: OverwriteType.Member, allow: allow.toString(), deny: deny.toString() };
}

export interface GuildSnapshot {
  id: string;
  name: string;
  ownerId: string;
  roles: APIRole[];
  members: APIGuildMember[];
  channels: APITextChannel[];
  joinedAt: string;
}

export function guildObject(guild: GuildSnapshot): APIGuild {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    region: 'us-west',
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: guild.roles,
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    max_presences: null,
    max_members: 500_000,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
  };
}

export function guildCreatePayload(guild: GuildSnapshot): GatewayGuildCreateDispatchData {
  return {
    ...guildObject(guild),
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: guild.members.length,
    voice_states: [],
    members: guild.members,
    channels: guild.channels,
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function readyPayload(init: {
  user: APIUser;
  applicationId: string;
  guildIds: string[];
  sessionId: string;
  resumeGatewayUrl: string;
  shard: [number, number];
}): GatewayReadyDispatchData {
  return {
    v: 10,
    user: { ...init.user, verified: true, mfa_enabled: false },
    guilds: init.guildIds.map((id) => ({ id, unavailable: true })),
    session_id: init.sessionId,
    resume_gateway_url: init.resumeGatewayUrl,
    shard: init.shard,
    application: { id: init.applicationId, flags: applicationFlags(), flags_new: String(applicationFlags()) },
  };
}

function applicationFlags(): ApplicationFlags {
  // The portal toggles for privileged intents show up as these flags.
  return ApplicationFlags.GatewayMessageContentLimited | ApplicationFlags.GatewayGuildMembersLimited;
}

export function applicationObject(config: ResolvedConfig, bot: APIUser): APIApplication {
  return {
    id: config.applicationId,
    name: config.botUser.username,
    icon: null,
    description: 'Emulated application',
    bot_public: false,
    bot_require_code_grant: false,
    bot,
    verify_key: '0'.repeat(64),
    team: null,
    flags: applicationFlags(),
    flags_new: String(applicationFlags()),
    summary: '',
    approximate_guild_count: 1,
    integration_types_config: {
      [ApplicationIntegrationType.GuildInstall]: {},
    },
  };
}

// ---- Interactions -------------------------------------------------------------------------------

export interface InteractionEnvelope {
  id: string;
  token: string;
  applicationId: string;
  guildId: string;
  channel: APITextChannel | APIThreadChannel;
  member: APIGuildMember;
  /** Total permissions of the invoking member in the channel, as Discord computes them. */
  memberPermissions: bigint;
  appPermissions: bigint;
}

function interactionBase(envelope: InteractionEnvelope) {
  const member: APIInteractionGuildMember = {
    ...envelope.member,
    user: envelope.member.user!,
    permissions: envelope.memberPermissions.toString(),
  };
  return {
    id: envelope.id,
    application_id: envelope.applicationId,
    token: envelope.token,
    version: 1 as const,
    guild_id: envelope.guildId,
    guild: { id: envelope.guildId, features: [], locale: Locale.EnglishUS },
    guild_locale: Locale.EnglishUS,
    channel_id: envelope.channel.id,
    channel: envelope.channel,
    member,
    app_permissions: envelope.appPermissions.toString(),
    locale: Locale.EnglishUS,
    entitlements: [],
    authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: envelope.guildId },
    context: InteractionContextType.Guild,
    attachment_size_limit: 10 * 1024 * 1024,
  };
}

export type CommandOptionValue = string | number | boolean;

export function chatInputInteraction(
  envelope: InteractionEnvelope,
  command: { id: string; name: string; options: Record<string, CommandOptionValue> },
): APIChatInputApplicationCommandGuildInteraction {
  return {
    ...interactionBase(envelope),
    type: InteractionType.ApplicationCommand,
    data: {
      id: command.id,
      name: command.name,
      type: ApplicationCommandType.ChatInput,
      guild_id: envelope.guildId,
      options: Object.entries(command.options).map(([name, value]) => commandOption(name, value)),
    },
  };
}

function commandOption(name: string, value: CommandOptionValue): APIApplicationCommandInteractionDataOption {
  if (typeof value === 'string') return { name, type: ApplicationCommandOptionType.String, value };
  if (typeof value === 'boolean') return { name, type: ApplicationCommandOptionType.Boolean, value };
  return Number.isInteger(value)
    ? { name, type: ApplicationCommandOptionType.Integer, value }
    : { name, type: ApplicationCommandOptionType.Number, value };
}

export function buttonInteraction(
  envelope: InteractionEnvelope,
  message: APIMessage,
  customId: string,
): APIMessageComponentGuildInteraction {
  return {
    ...interactionBase(envelope),
    type: InteractionType.MessageComponent,
    message,
    data: { custom_id: customId, component_type: ComponentType.Button },
  };
}

export function messageCommandInteraction(
  envelope: InteractionEnvelope,
  command: { id: string; name: string },
  target: APIMessage,
): APIMessageApplicationCommandGuildInteraction {
  return {
    ...interactionBase(envelope),
    type: InteractionType.ApplicationCommand,
    data: {
      id: command.id,
      name: command.name,
      type: ApplicationCommandType.Message,
      guild_id: envelope.guildId,
      target_id: target.id,
      resolved: { messages: { [target.id]: target } },
    },
  };
}

/** MODAL_SUBMIT: the values the user typed, in the shape of the modal the bot showed. */
export function modalSubmitInteraction(
  envelope: InteractionEnvelope,
  customId: string,
  components: APIModalSubmissionComponent[],
  message: APIMessage | undefined,
): APIModalSubmitGuildInteraction {
  return {
    ...interactionBase(envelope),
    type: InteractionType.ModalSubmit,
    data: { custom_id: customId, components },
    ...(message ? { message } : {}),
  } as APIModalSubmitGuildInteraction;
}

/** A public thread started from a message: it takes the message's id, as on Discord. */
export function threadObject(init: { id: string; guildId: string; parentId: string; ownerId: string; name: string }): APIThreadChannel {
  const now = new Date().toISOString();
  return {
    id: init.id,
    type: ChannelType.PublicThread,
    guild_id: init.guildId,
    parent_id: init.parentId,
    owner_id: init.ownerId,
    name: init.name,
    last_message_id: null,
    last_pin_timestamp: null,
    rate_limit_per_user: 0,
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    flags: 0 as ChannelFlags,
    thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: now, locked: false, create_timestamp: now },
    applied_tags: [],
  } as APIThreadChannel;
}
