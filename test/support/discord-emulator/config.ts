/**
 * Emulator configuration: who exists in the emulated guild and how strict the emulator is.
 * Every id has a fixed default so tests and transcripts are stable between runs.
 */

export interface EmulatedUserOptions {
  id?: string;
  username?: string;
}

export interface PrivilegedIntentSettings {
  /** Whether the application may request the MESSAGE_CONTENT intent (portal toggle). */
  messageContent?: boolean;
  guildMembers?: boolean;
  guildPresences?: boolean;
}

export interface DiscordEmulatorOptions {
  token?: string;
  applicationId?: string;
  botUsername?: string;
  guildId?: string;
  guildName?: string;
  channelId?: string;
  channelName?: string;
  /** A user holding a "Moderator" role with MANAGE_MESSAGES (and PIN_MESSAGES). */
  moderator?: EmulatedUserOptions;
  /** A plain member with only @everyone permissions. */
  member?: EmulatedUserOptions;
  /** Another bot in the guild, for "ignore bot authors" tests. */
  otherBot?: EmulatedUserOptions;
  /** Whether the bot may manage (and pin) messages in the default channel. Default true. */
  botCanManageMessages?: boolean;
  /** HELLO heartbeat_interval in ms. Default 41250 like Discord. */
  heartbeatIntervalMs?: number;
  /** Time the bot has to send the initial interaction callback. Default 3000 like Discord; 0 disables. */
  interactionAckDeadlineMs?: number;
  /** Which privileged intents are enabled for the application. Default: all enabled. */
  privilegedIntents?: PrivilegedIntentSettings;
  /** When true, dispatching an application command that the bot never registered throws. Default false. */
  strictCommands?: boolean;
  /**
   * How far Discord's clock is from this machine's, in ms: -20 * 60_000 plays a bot whose local
   * clock runs 20 minutes ahead. Snowflake times, message timestamps and the Date and rate-limit
   * reset headers follow it; the emulator's own deadlines (3 s ack, 15 min token) are real
   * elapsed time, as on Discord. Default 0.
   */
  clockOffsetMs?: number;
}

export interface EmulatedUser {
  id: string;
  username: string;
  bot: boolean;
}

export interface ResolvedConfig {
  token: string;
  applicationId: string;
  /** Modern bot users share their id with the application. */
  botUser: EmulatedUser;
  guildId: string;
  guildName: string;
  channelId: string;
  channelName: string;
  moderator: EmulatedUser;
  member: EmulatedUser;
  otherBot: EmulatedUser;
  moderatorRoleId: string;
  botRoleId: string;
  botCanManageMessages: boolean;
  heartbeatIntervalMs: number;
  interactionAckDeadlineMs: number;
  privilegedIntents: Required<PrivilegedIntentSettings>;
  strictCommands: boolean;
  clockOffsetMs: number;
}

const DEFAULT_APPLICATION_ID = '1150000000000000001';

export function resolveConfig(options: DiscordEmulatorOptions = {}): ResolvedConfig {
  if (options.clockOffsetMs !== undefined && !Number.isFinite(options.clockOffsetMs)) {
    throw new Error(`Discord emulator: clockOffsetMs must be a finite number of milliseconds, got ${options.clockOffsetMs}`);
  }
  const applicationId = options.applicationId ?? DEFAULT_APPLICATION_ID;
  return {
    // Same shape as a real token (base64 user id . timestamp . hmac) so discord.js' censoring works.
    token: options.token ?? `${Buffer.from(applicationId).toString('base64')}.emulator.local-test-token`,
    applicationId,
    botUser: { id: applicationId, username: options.botUsername ?? 'coverage-bot', bot: true },
    guildId: options.guildId ?? '1150000000000000100',
    guildName: options.guildName ?? 'Emulated Newsroom',
    channelId: options.channelId ?? '1150000000000000200',
    channelName: options.channelName ?? 'ask-the-archive',
    moderator: {
      id: options.moderator?.id ?? '1150000000000000301',
      username: options.moderator?.username ?? 'moderator',
      bot: false,
    },
    member: {
      id: options.member?.id ?? '1150000000000000302',
      username: options.member?.username ?? 'reader',
      bot: false,
    },
    otherBot: {
      id: options.otherBot?.id ?? '1150000000000000303',
      username: options.otherBot?.username ?? 'other-bot',
      bot: true,
    },
    moderatorRoleId: '1150000000000000401',
    botRoleId: '1150000000000000402',
    botCanManageMessages: options.botCanManageMessages ?? true,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    interactionAckDeadlineMs: options.interactionAckDeadlineMs ?? 3_000,
    privilegedIntents: {
      messageContent: options.privilegedIntents?.messageContent ?? true,
      guildMembers: options.privilegedIntents?.guildMembers ?? true,
      guildPresences: options.privilegedIntents?.guildPresences ?? true,
    },
    strictCommands: options.strictCommands ?? false,
    clockOffsetMs: options.clockOffsetMs ?? 0,
  };
}
