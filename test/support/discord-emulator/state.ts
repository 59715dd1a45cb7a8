/**
 * Everything the emulated Discord "remembers": the guild, its messages and pins,
 * registered commands, and what the bot did with each interaction.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import type {
  APIApplicationCommand,
  APIGuildMember,
  APIInteraction,
  APIMessage,
  APIRole,
  APITextChannel,
  APIThreadChannel,
  APIUser,
  InteractionResponseType,
} from 'discord-api-types/v10';
import type { ResolvedConfig } from './config.ts';
import { memberObject, memberOverwrite, roleObject, textChannelObject, userObject } from './payloads.ts';
import type { GuildSnapshot } from './payloads.ts';
import { channelPermissions, PIN_PERMISSIONS } from './permissions.ts';
import { SnowflakeGenerator } from './snowflake.ts';

/** A user known to the emulator: a key from the config, or any known user id. */
export type UserRef = 'bot' | 'moderator' | 'member' | 'otherBot' | (string & {});

export type InteractionKind = 'chatInput' | 'button' | 'messageCommand' | 'modalSubmit';

/** A channel messages can be posted in: the guild's text channel, or a thread in it. */
export type MessageChannel = APITextChannel | APIThreadChannel;

export interface InteractionCallbackRecord {
  type: InteractionResponseType;
  data: unknown;
  at: number;
}

export type InteractionAction =
  | 'callback'
  | 'edit-original'
  | 'delete-original'
  | 'follow-up'
  | 'edit-follow-up'
  | 'delete-follow-up';

export interface InteractionTimelineEntry {
  action: InteractionAction;
  at: number;
  messageId: string | null;
  body: unknown;
}

export interface InteractionRecord {
  id: string;
  token: string;
  kind: InteractionKind;
  payload: APIInteraction;
  channelId: string;
  userId: string;
  dispatchedAt: number;
  /** The accepted initial response; rejected attempts only show up in the request log. */
  callback: InteractionCallbackRecord | null;
  deferred: boolean;
  ephemeral: boolean;
  /** Current state of `@original`, including later edits; null until there is one. */
  original: APIMessage | null;
  followUps: APIMessage[];
  /** The modal the bot opened (callback type 9), if any. */
  modal: unknown;
  /** Everything the bot did with this interaction's token, in order. */
  timeline: InteractionTimelineEntry[];
}

export interface PinRecord {
  messageId: string;
  pinnedAt: string;
}

const EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseApplicationCommands;

const MODERATOR_PERMISSIONS = PIN_PERMISSIONS | PermissionFlagsBits.ModerateMembers;

const BOT_PERMISSIONS = EVERYONE_PERMISSIONS | PIN_PERMISSIONS;

/** The emulated server owner, who is not otherwise part of the tests. */
const OWNER_ID = '1150000000000000999';

export class EmulatorState {
  /** Discord's time now (Unix ms): this machine's clock plus the configured offset. */
  readonly discordNow = (): number => Date.now() + this.config.clockOffsetMs;
  readonly snowflakes = new SnowflakeGenerator(this.discordNow);
  readonly users = new Map<string, APIUser>();
  readonly roles = new Map<string, APIRole>();
  readonly members = new Map<string, APIGuildMember>();
  readonly channels = new Map<string, APITextChannel>();
  /** Threads by id; a thread started from a message has that message's id. */
  readonly threads = new Map<string, APIThreadChannel>();
  /** Non-ephemeral messages per channel, oldest first. */
  readonly messages = new Map<string, APIMessage[]>();
  readonly pins = new Map<string, PinRecord[]>();
  readonly globalCommands: APIApplicationCommand[] = [];
  readonly guildCommands = new Map<string, APIApplicationCommand[]>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly guildJoinedAt = new Date().toISOString();

  constructor(readonly config: ResolvedConfig) {
    for (const user of [config.botUser, config.moderator, config.member, config.otherBot]) {
      this.users.set(user.id, userObject(user));
    }
    this.users.set(OWNER_ID, userObject({ id: OWNER_ID, username: 'newsroom-owner', bot: false }));

    this.addRole(roleObject({ id: config.guildId, name: '@everyone', permissions: EVERYONE_PERMISSIONS, position: 0 }));
    this.addRole(
      roleObject({ id: config.moderatorRoleId, name: 'Moderator', permissions: MODERATOR_PERMISSIONS, position: 2 }),
    );
    this.addRole(
      roleObject({
        id: config.botRoleId,
        name: config.botUser.username,
        permissions: BOT_PERMISSIONS,
        position: 1,
        botId: config.botUser.id,
      }),
    );

    this.addMember(OWNER_ID, []);
    this.addMember(config.botUser.id, [config.botRoleId]);
    this.addMember(config.moderator.id, [config.moderatorRoleId]);
    this.addMember(config.member.id, []);
    this.addMember(config.otherBot.id, []);

    this.channels.set(
      config.channelId,
      textChannelObject({
        id: config.channelId,
        guildId: config.guildId,
        name: config.channelName,
        position: 0,
        overwrites: config.botCanManageMessages ? [] : [memberOverwrite(config.botUser.id, 0n, PIN_PERMISSIONS)],
        lastMessageId: null,
      }),
    );
  }

  get guildId(): string {
    return this.config.guildId;
  }

  get botUser(): APIUser {
    return this.requireUser(this.config.botUser.id);
  }

  guildSnapshot(): GuildSnapshot {
    return {
      id: this.config.guildId,
      name: this.config.guildName,
      ownerId: OWNER_ID,
      roles: [...this.roles.values()],
      members: [...this.members.values()],
      channels: [...this.channels.values()],
      joinedAt: this.guildJoinedAt,
    };
  }

  resolveUser(ref: UserRef): APIUser {
    const byKey: Record<string, string> = {
      bot: this.config.botUser.id,
      moderator: this.config.moderator.id,
      member: this.config.member.id,
      otherBot: this.config.otherBot.id,
    };
    return this.requireUser(byKey[ref] ?? ref);
  }

  requireUser(id: string): APIUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`Discord emulator: unknown user ${id}`);
    return user;
  }

  requireChannel(id: string): APITextChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`Discord emulator: unknown channel ${id}`);
    return channel;
  }

  /** A text channel or a thread. */
  messageChannel(id: string): MessageChannel | undefined {
    return this.channels.get(id) ?? this.threads.get(id);
  }

  requireMessageChannel(id: string): MessageChannel {
    const channel = this.messageChannel(id);
    if (!channel) throw new Error(`Discord emulator: unknown channel ${id}`);
    return channel;
  }

  /** Threads take their permissions from their parent channel, as on Discord. */
  permissionsIn(channelId: string, userId: string): bigint {
    const thread = this.threads.get(channelId);
    if (thread?.parent_id) return this.permissionsIn(thread.parent_id, userId);
    const member = this.members.get(userId);
    const channel = this.channels.get(channelId);
    if (!member || !channel) return 0n;
    return channelPermissions(
      { id: this.guildId, ownerId: OWNER_ID, roles: this.roles },
      { userId, roleIds: member.roles },
      channel.permission_overwrites ?? [],
    );
  }

  /** Replaces the bot's member overwrite in a channel; returns the updated channel. */
  setBotChannelOverwrite(channelId: string, allow: bigint, deny: bigint): APITextChannel {
    const channel = this.requireChannel(channelId);
    const botId = this.config.botUser.id;
    const others = (channel.permission_overwrites ?? []).filter((overwrite) => overwrite.id !== botId);
    channel.permission_overwrites =
      allow === 0n && deny === 0n ? others : [...others, memberOverwrite(botId, allow, deny)];
    return channel;
  }

  channelMessages(channelId: string): APIMessage[] {
    let list = this.messages.get(channelId);
    if (!list) {
      list = [];
      this.messages.set(channelId, list);
    }
    return list;
  }

  findChannelMessage(channelId: string, messageId: string): APIMessage | undefined {
    return this.messages.get(channelId)?.find((message) => message.id === messageId);
  }

  /** Looks in channels and in ephemeral interaction responses (which never reach a channel). */
  findAnyMessage(messageId: string): APIMessage | undefined {
    for (const list of this.messages.values()) {
      const found = list.find((message) => message.id === messageId);
      if (found) return found;
    }
    for (const record of this.interactions.values()) {
      const found = [record.original, ...record.followUps].find((message) => message?.id === messageId);
      if (found) return found;
    }
    return undefined;
  }

  addChannelMessage(message: APIMessage): void {
    this.channelMessages(message.channel_id).push(message);
    const channel = this.messageChannel(message.channel_id);
    if (channel) channel.last_message_id = message.id;
    const thread = this.threads.get(message.channel_id);
    if (thread) {
      thread.message_count = (thread.message_count ?? 0) + 1;
      thread.total_message_sent = (thread.total_message_sent ?? 0) + 1;
    }
  }

  removeChannelMessage(channelId: string, messageId: string): boolean {
    const list = this.channelMessages(channelId);
    const index = list.findIndex((message) => message.id === messageId);
    if (index === -1) return false;
    list.splice(index, 1);
    this.pins.set(
      channelId,
      this.channelPins(channelId).filter((pin) => pin.messageId !== messageId),
    );
    return true;
  }

  channelPins(channelId: string): PinRecord[] {
    let list = this.pins.get(channelId);
    if (!list) {
      list = [];
      this.pins.set(channelId, list);
    }
    return list;
  }

  commandsFor(guildId: string | null): APIApplicationCommand[] {
    if (guildId === null) return this.globalCommands;
    let list = this.guildCommands.get(guildId);
    if (!list) {
      list = [];
      this.guildCommands.set(guildId, list);
    }
    return list;
  }

  /** Guild commands shadow global ones, as in the Discord client. */
  findCommand(name: string, type: number): APIApplicationCommand | undefined {
    const matches = (command: APIApplicationCommand) => command.name === name && command.type === type;
    return this.commandsFor(this.guildId).find(matches) ?? this.globalCommands.find(matches);
  }

  interactionByToken(token: string): InteractionRecord | undefined {
    for (const record of this.interactions.values()) {
      if (record.token === token) return record;
    }
    return undefined;
  }

  private addRole(role: APIRole): void {
    this.roles.set(role.id, role);
  }

  private addMember(userId: string, roleIds: string[]): void {
    this.members.set(userId, memberObject(this.requireUser(userId), roleIds, this.guildJoinedAt));
  }
}
