/**
 * What "users" do in the emulated guild: run commands, click buttons, post messages.
 * Each action stores state and sends the gateway dispatch Discord would send.
 */
import { randomBytes } from 'node:crypto';
import { ApplicationCommandType, ComponentType, GatewayDispatchEvents, MessageFlags } from 'discord-api-types/v10';
import type { APIEmbed, APIInteraction, APIMessage, APIModalSubmissionComponent, APIThreadChannel } from 'discord-api-types/v10';
import { createMessage, gatewayMessageData } from './messages.ts';
import {
  buttonInteraction,
  chatInputInteraction,
  messageCommandInteraction,
  modalSubmitInteraction,
  threadObject,
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
  /** Whether a reply pings the replied-to author (Discord's default, the "@ ON" toggle). Default true. */
  pingReply?: boolean;
}

export interface StartThreadOptions {
  /** The message the thread is started from (in a text channel). */
  messageId: string;
  name: string;
  /** Who starts it. Default: `member`. */
  user?: UserRef;
}

export interface ModalSubmitOptions {
  /** The interaction the bot answered with a modal (callback type 9). */
  interactionId: string;
  /** What the user typed, by text input custom id. */
  values: Record<string, string>;
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
  const channel = state.requireMessageChannel(options.channelId ?? context.config.channelId);
  const message = createMessage(state, {
    channelId: channel.id,
    author: state.resolveUser(options.author ?? 'member'),
    input: {
      content: options.content,
      embeds: options.embeds ?? [],
      message_reference: options.replyTo ? { message_id: options.replyTo } : null,
      // The Discord client sends replied_user false when the member turns the reply ping off.
      ...(options.pingReply === false ? { allowed_mentions: { parse: ['users', 'roles', 'everyone'], replied_user: false } } : {}),
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
  const channel = state.requireMessageChannel(actor.channelId ?? config.channelId);
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

/**
 * A member starts a public thread from a message (as "Create Thread" in the client does): the
 * thread takes the message's id, the message gets `thread` and HAS_THREAD, and THREAD_CREATE
 * goes out (newly_created), followed by MESSAGE_UPDATE of the starter message.
 */
export function startThread(context: EmulatorContext, options: StartThreadOptions): APIThreadChannel {
  const { state } = context;
  const parent = [...state.channels.values()].find((c) => state.findChannelMessage(c.id, options.messageId));
  const message = parent && state.findChannelMessage(parent.id, options.messageId);
  if (!parent || !message) throw new Error(`Discord emulator: no channel message ${options.messageId} to start a thread from`);
  if (state.threads.has(message.id)) throw new Error(`Discord emulator: message ${message.id} already has a thread`);
  const thread = threadObject({
    id: message.id,
    guildId: state.guildId,
    parentId: parent.id,
    ownerId: state.resolveUser(options.user ?? 'member').id,
    name: options.name.slice(0, 100),
  });
  state.threads.set(thread.id, thread);
  message.thread = thread;
  message.flags = ((message.flags ?? 0) | MessageFlags.HasThread) as MessageFlags;
  context.gateway.dispatch(GatewayDispatchEvents.ThreadCreate, { ...thread, newly_created: true });
  context.gateway.dispatch(GatewayDispatchEvents.MessageUpdate, gatewayMessageData(state, message));
  return thread;
}

interface ModalTextInput {
  type?: number;
  custom_id?: string;
  required?: boolean;
  min_length?: number;
  max_length?: number;
}

interface ModalComponent {
  type?: number;
  id?: number;
  component?: ModalTextInput;
  components?: ModalTextInput[];
}

/**
 * The user fills in and submits the modal the bot showed: MODAL_SUBMIT with the modal's custom id,
 * each text input's value in the modal's own layout (Label or Action Row), and for a modal opened
 * from a button, the message the button was on. Values are checked as the Discord client does
 * (required, min/max length), so a test cannot submit what a user could not.
 */
export function submitModal(context: EmulatorContext, options: ModalSubmitOptions): InteractionRecord {
  const opened = context.state.interactions.get(options.interactionId);
  const modal = opened?.modal as { custom_id?: string; components?: ModalComponent[] } | null | undefined;
  if (!opened || !modal?.custom_id) throw new Error(`Discord emulator: interaction ${options.interactionId} showed no modal`);
  let nextId = 1;
  const known = new Set<string>();
  const submitted = (input: ModalTextInput) => {
    if (input.type !== ComponentType.TextInput || !input.custom_id) throw new Error('Discord emulator: only text inputs can be submitted');
    known.add(input.custom_id);
    const value = options.values[input.custom_id] ?? '';
    if ((input.required ?? true) && value === '') throw new Error(`Discord emulator: "${input.custom_id}" is required`);
    if (value.length > (input.max_length ?? 4000) || value.length < (value === '' ? 0 : (input.min_length ?? 0))) {
      throw new Error(`Discord emulator: "${input.custom_id}" must be ${input.min_length ?? 0}-${input.max_length ?? 4000} characters`);
    }
    return { type: ComponentType.TextInput, id: nextId++, custom_id: input.custom_id, value };
  };
  const components = (modal.components ?? []).map((component) => {
    const id = nextId++;
    if (component.type === ComponentType.Label && component.component) {
      return { type: ComponentType.Label, id, component: submitted(component.component) };
    }
    return { type: ComponentType.ActionRow, id, components: (component.components ?? []).map(submitted) };
  }) as unknown as APIModalSubmissionComponent[];
  for (const key of Object.keys(options.values)) {
    if (!known.has(key)) throw new Error(`Discord emulator: the modal has no text input "${key}"`);
  }
  const message = (opened.payload as { message?: APIMessage }).message;
  const live = message && context.state.findAnyMessage(message.id);
  const customId = modal.custom_id;
  return dispatchInteraction(context, 'modalSubmit', { user: opened.userId, channelId: opened.channelId }, (envelope) =>
    modalSubmitInteraction(envelope, customId, components, live ? structuredClone(live) : undefined),
  );
}
