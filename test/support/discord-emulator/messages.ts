/** Turning request bodies into full message objects the way Discord fills them in. */
import { MessageFlags, MessageReferenceType, MessageType } from 'discord-api-types/v10';
import type {
  APIAttachment,
  APIGuildMember,
  APIGuildMemberNoUser,
  APIMessage,
  APIMessageInteractionMetadata,
  APIUser,
  GatewayMessageCreateDispatchData,
} from 'discord-api-types/v10';
import type { EmulatorState } from './state.ts';
import type { MessageInput } from './validation.ts';

export interface UploadedFile {
  /** The multipart field name, e.g. `files[0]`. */
  field: string;
  name: string;
  size: number;
  contentType: string;
}

export interface NewMessage {
  channelId: string;
  author: APIUser;
  input: MessageInput;
  files?: readonly UploadedFile[];
  type?: MessageType;
  /** Interaction responses are sent through the application's webhook. */
  webhookId?: string;
  interactionMetadata?: APIMessageInteractionMetadata;
  extraFlags?: number;
}

export function createMessage(state: EmulatorState, init: NewMessage): APIMessage {
  const id = state.snowflakes.next();
  const content = init.input.content ?? '';
  const reference = init.input.message_reference ?? undefined;
  const referenced = reference?.message_id
    ? state.findChannelMessage(reference.channel_id ?? init.channelId, reference.message_id)
    : undefined;
  const message: APIMessage = {
    id,
    channel_id: init.channelId,
    author: init.author,
    content,
    timestamp: new Date(state.discordNow()).toISOString(),
    edited_timestamp: null,
    tts: init.input.tts ?? false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: attachmentsFor(state, init.files ?? []),
    embeds: init.input.embeds ?? [],
    pinned: false,
    type: init.type ?? (referenced ? MessageType.Reply : MessageType.Default),
    flags: ((init.input.flags ?? 0) | (init.extraFlags ?? 0)) as MessageFlags,
    components: (init.input.components ?? []) as APIMessage['components'],
  };
  if (init.webhookId) {
    message.webhook_id = init.webhookId;
    message.application_id = init.webhookId;
  }
  if (init.interactionMetadata) message.interaction_metadata = init.interactionMetadata;
  if (reference?.message_id) {
    message.message_reference = {
      type: MessageReferenceType.Default,
      message_id: reference.message_id,
      channel_id: reference.channel_id ?? init.channelId,
      guild_id: state.guildId,
    };
    if (referenced) message.referenced_message = referenced;
  }
  applyMentions(state, message, init.input.allowed_mentions ?? undefined);
  return message;
}

/** PATCH semantics: only the fields present in the body change. */
export function applyMessageEdit(
  state: EmulatorState,
  message: APIMessage,
  input: MessageInput,
  files: readonly UploadedFile[] = [],
): void {
  if (input.content !== undefined) message.content = input.content ?? '';
  if (input.embeds !== undefined) message.embeds = input.embeds ?? [];
  if (input.components !== undefined) message.components = (input.components ?? []) as APIMessage['components'];
  if (input.flags !== undefined && input.flags !== null) {
    // Only SUPPRESS_EMBEDS can change on edit; ephemeral/loading are decided by Discord.
    const keep = message.flags ?? 0;
    message.flags = ((keep & ~MessageFlags.SuppressEmbeds) | (input.flags & MessageFlags.SuppressEmbeds)) as MessageFlags;
  }
  if (input.attachments !== undefined || files.length > 0) {
    // `attachments` in an edit lists the existing ones to keep (by id); new uploads come as files.
    const keep = (input.attachments ?? message.attachments) as Array<{ id?: string }>;
    const keepIds = new Set(keep.map((attachment) => attachment.id));
    const kept = message.attachments.filter((existing) => keepIds.has(existing.id));
    message.attachments = [...kept, ...attachmentsFor(state, files)];
  }
  message.edited_timestamp = new Date(state.discordNow()).toISOString();
  applyMentions(state, message, input.allowed_mentions ?? undefined);
}

/** A deferred response is a "thinking…" message until its first edit or follow-up. */
export function finishLoading(message: APIMessage): void {
  message.flags = ((message.flags ?? 0) & ~MessageFlags.Loading) as MessageFlags;
}

/** MESSAGE_CREATE / MESSAGE_UPDATE carry the guild id and the author's member object. */
export function gatewayMessageData(state: EmulatorState, message: APIMessage): GatewayMessageCreateDispatchData {
  const authorMember = state.members.get(message.author.id);
  const data: GatewayMessageCreateDispatchData = {
    ...message,
    guild_id: state.guildId,
    mentions: message.mentions.map((user) => {
      const member = state.members.get(user.id);
      return member ? { ...user, member: withoutUser(member) } : user;
    }),
  };
  // Webhook messages have no member; Discord omits it for them.
  if (authorMember && !message.webhook_id) data.member = withoutUser(authorMember);
  return data;
}

function withoutUser(member: APIGuildMember): APIGuildMemberNoUser {
  const { user: _user, ...rest } = member;
  return rest;
}

const USER_MENTION = /<@!?(\d{17,20})>/g;
const ROLE_MENTION = /<@&(\d{17,20})>/g;

/** Fills `mentions`, `mention_roles` and `mention_everyone`, honouring `allowed_mentions` like Discord does. */
function applyMentions(
  state: EmulatorState,
  message: APIMessage,
  allowed: MessageInput['allowed_mentions'] | undefined,
): void {
  const parse = allowed?.parse;
  const userAllowed = (id: string) => !allowed || parse?.includes('users') || (allowed.users ?? []).includes(id);
  const roleAllowed = (id: string) => !allowed || parse?.includes('roles') || (allowed.roles ?? []).includes(id);

  const userIds = new Set([...message.content.matchAll(USER_MENTION)].map((match) => match[1]!).filter(userAllowed));
  // Replies ping the replied-to author unless allowed_mentions says otherwise (then it defaults to false).
  const repliedAuthor = message.type === MessageType.Reply ? message.referenced_message?.author.id : undefined;
  if (repliedAuthor && (allowed ? allowed.replied_user === true : true)) userIds.add(repliedAuthor);
  message.mentions = [...userIds]
    .map((id) => state.users.get(id))
    .filter((user): user is APIUser => user !== undefined);
  message.mention_roles = [...message.content.matchAll(ROLE_MENTION)]
    .map((match) => match[1]!)
    .filter((id) => state.roles.has(id) && roleAllowed(id));
  message.mention_everyone =
    /@(everyone|here)\b/.test(message.content) && (!allowed || (parse ?? []).includes('everyone'));
}

function attachmentsFor(state: EmulatorState, files: readonly UploadedFile[]): APIAttachment[] {
  return files.map((file) => {
    const id = state.snowflakes.next();
    const url = `https://cdn.discordapp.com/attachments/emulated/${id}/${encodeURIComponent(file.name)}`;
    return { id, filename: file.name, size: file.size, url, proxy_url: url, content_type: file.contentType };
  });
}
