/**
 * A local Discord (API v10) that a real discord.js Client can log in to:
 *
 *   const discord = new DiscordEmulator();
 *   await discord.start();
 *   const client = new Client({ intents, rest: { api: discord.restBase } });
 *   await client.login(discord.token);
 *
 * REST (under `/api`) and the gateway (WebSocket) share one loopback port.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayDispatchEvents, MessageFlags } from 'discord-api-types/v10';
import type { APIApplicationCommand, APIMessage, APIThreadChannel } from 'discord-api-types/v10';
import { resolveConfig } from './config.ts';
import type { DiscordEmulatorOptions, ResolvedConfig } from './config.ts';
import {
  dispatchButtonClick,
  dispatchChatInputCommand,
  dispatchMessageCommand,
  sendUserMessage,
  startThread,
  submitModal,
} from './dispatchers.ts';
import type {
  ButtonClickOptions,
  ChatInputCommandOptions,
  MessageCommandOptions,
  ModalSubmitOptions,
  StartThreadOptions,
  UserMessageOptions,
} from './dispatchers.ts';
import { Gateway, RESUME_PATH } from './gateway.ts';
import { gatewayMessageData } from './messages.ts';
import type { DropOptions, GatewaySessionInfo } from './gateway.ts';
import { describeRequestMatcher, Recorder, toRequestPredicate } from './recorder.ts';
import type {
  RecordedEvent,
  RecordedGatewayFrame,
  RecordedRestRequest,
  RequestMatcher,
  WaitOptions,
} from './recorder.ts';
import { API_PREFIX, RestApi } from './rest.ts';
import type { EmulatorContext } from './router.ts';
import { PIN_PERMISSIONS } from './permissions.ts';
import { EmulatorState } from './state.ts';
import type { InteractionRecord, UserRef } from './state.ts';

export type { DiscordEmulatorOptions, ResolvedConfig } from './config.ts';
export type {
  ButtonClickOptions,
  ChatInputCommandOptions,
  InteractionActor,
  MessageCommandOptions,
  ModalSubmitOptions,
  StartThreadOptions,
  UserMessageOptions,
} from './dispatchers.ts';
export type { DropOptions, GatewaySessionInfo } from './gateway.ts';
export type {
  RecordedConnectionEvent,
  RecordedEvent,
  RecordedGatewayFrame,
  RecordedRestRequest,
  RequestMatcher,
  WaitOptions,
} from './recorder.ts';
export type { InteractionRecord, InteractionTimelineEntry, UserRef } from './state.ts';
export { DEFAULT_WAIT_MS } from './recorder.ts';

/** Handle on an interaction the emulator dispatched, for waiting on the bot's responses. */
export interface DispatchedInteraction {
  readonly id: string;
  readonly token: string;
  /** Live record: callback, deferred/ephemeral, `original` after edits, follow-ups, timeline. */
  readonly record: InteractionRecord;
  /** Resolves once the initial callback was accepted. */
  waitForCallback(timeoutMs?: number): Promise<InteractionRecord>;
  /** Resolves with the original response once it is visible (not a "thinking…" placeholder). */
  waitForReply(timeoutMs?: number): Promise<APIMessage>;
  /** Resolves with the first successful `PATCH …/messages/@original`. */
  waitForOriginalEdit(timeoutMs?: number): Promise<RecordedRestRequest>;
  /** Resolves with the first successful follow-up `POST /webhooks/{app}/{token}`. */
  waitForFollowUp(timeoutMs?: number): Promise<RecordedRestRequest>;
  /** Resolves once `condition` holds for the record, re-checked after every recorded event. */
  waitUntil(condition: (record: InteractionRecord) => boolean, options?: WaitOptions): Promise<InteractionRecord>;
}

export class DiscordEmulator {
  readonly config: ResolvedConfig;
  readonly #state: EmulatorState;
  readonly #recorder = new Recorder();
  readonly #gateway: Gateway;
  readonly #rest: RestApi;
  readonly #context: EmulatorContext;
  #server: Server | null = null;
  #port = 0;

  constructor(options: DiscordEmulatorOptions = {}) {
    this.config = resolveConfig(options);
    this.#state = new EmulatorState(this.config);
    this.#gateway = new Gateway(this.config, this.#state, this.#recorder, () => `${this.gatewayUrl}${RESUME_PATH}`);
    this.#context = {
      config: this.config,
      state: this.#state,
      gateway: this.#gateway,
      recorder: this.#recorder,
      gatewayUrl: () => this.gatewayUrl,
    };
    this.#rest = new RestApi(this.#context);
  }

  // ---- Lifecycle --------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.#server) throw new Error('Discord emulator: already started');
    const server = createServer((request, response) => {
      this.#rest.handle(request, response).catch(() => response.destroy());
    });
    server.on('upgrade', (request, socket, head: Buffer) => this.#gateway.handleUpgrade(request, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
  }

  /** Closes the gateway and every HTTP connection (including keep-alive ones) so nothing keeps the process alive. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = null;
    await this.#gateway.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  get port(): number {
    if (!this.#port) throw new Error('Discord emulator: not started');
    return this.#port;
  }

  /** Pass as `rest.api`; @discordjs/rest appends `/v10`. */
  get restBase(): string {
    return `http://127.0.0.1:${this.port}${API_PREFIX}`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get token(): string {
    return this.config.token;
  }

  get ids() {
    const { config } = this;
    return {
      applicationId: config.applicationId,
      botUserId: config.botUser.id,
      guildId: config.guildId,
      channelId: config.channelId,
      moderatorId: config.moderator.id,
      memberId: config.member.id,
      otherBotId: config.otherBot.id,
    };
  }

  // ---- Gateway control --------------------------------------------------------------------------

  /** Drops all gateway connections (default: TCP cut, like an outage); sessions stay resumable. */
  dropConnections(options?: DropOptions): number {
    return this.#gateway.dropConnections(options);
  }

  /** Sends opcode 7 RECONNECT to connected clients. */
  requestReconnect(): void {
    this.#gateway.requestReconnect();
  }

  sessions(): GatewaySessionInfo[] {
    return this.#gateway.sessions();
  }

  /**
   * Sends an INTERACTION_CREATE already dispatched once again, as a new event (next sequence
   * number): what a client sees when a dispatch is delivered twice around a reconnect.
   */
  redeliverInteraction(interactionId: string): void {
    this.#gateway.dispatch(GatewayDispatchEvents.InteractionCreate, this.interaction(interactionId).payload);
  }

  /** Sends MESSAGE_CREATE again for a message already posted (see `redeliverInteraction`). */
  redeliverMessage(messageId: string): void {
    const message = this.#state.findAnyMessage(messageId);
    if (!message) throw new Error(`Discord emulator: no message ${messageId} to redeliver`);
    this.#gateway.dispatch(GatewayDispatchEvents.MessageCreate, gatewayMessageData(this.#state, message));
  }

  // ---- Things users do --------------------------------------------------------------------------

  dispatchChatInputCommand(options: ChatInputCommandOptions): DispatchedInteraction {
    return this.#handle(dispatchChatInputCommand(this.#context, options));
  }

  dispatchButtonClick(options: ButtonClickOptions): DispatchedInteraction {
    return this.#handle(dispatchButtonClick(this.#context, options));
  }

  dispatchMessageCommand(options: MessageCommandOptions): DispatchedInteraction {
    return this.#handle(dispatchMessageCommand(this.#context, options));
  }

  /** Submits the modal the bot showed in answer to `interactionId` (MODAL_SUBMIT), as its user. */
  submitModal(options: ModalSubmitOptions): DispatchedInteraction {
    return this.#handle(submitModal(this.#context, options));
  }

  /** A member starts a public thread from a message (THREAD_CREATE); post in it with `sendUserMessage({ channelId })`. */
  startThread(options: StartThreadOptions): APIThreadChannel {
    return startThread(this.#context, options);
  }

  /** Posts a message as a user (or another bot) and sends MESSAGE_CREATE. */
  sendUserMessage(options: UserMessageOptions): APIMessage {
    return sendUserMessage(this.#context, options);
  }

  /** Grants or revokes the bot's MANAGE_MESSAGES/PIN_MESSAGES in a channel via a member overwrite (+ CHANNEL_UPDATE). */
  setBotCanManageMessages(allowed: boolean, channelId: string = this.config.channelId): void {
    const channel = this.#state.setBotChannelOverwrite(channelId, 0n, allowed ? 0n : PIN_PERMISSIONS);
    this.#gateway.dispatch(GatewayDispatchEvents.ChannelUpdate, channel);
  }

  // ---- Inspection -------------------------------------------------------------------------------

  events(): readonly RecordedEvent[] {
    return this.#recorder.events();
  }

  requests(match?: RequestMatcher): RecordedRestRequest[] {
    return this.#recorder.requests(match);
  }

  /** Requests for routes the emulator does not implement (404 code 0 / 405) or that crashed it (500). */
  unexpectedRequests(): RecordedRestRequest[] {
    return this.#recorder.requests((request) => request.route === null || request.status >= 500);
  }

  gatewayFrames(filter?: (frame: RecordedGatewayFrame) => boolean): RecordedGatewayFrame[] {
    return this.#recorder.gatewayFrames(filter);
  }

  /** Non-ephemeral messages of a channel or thread, oldest first. */
  messages(channelId: string = this.config.channelId): APIMessage[] {
    return [...this.#state.channelMessages(channelId)];
  }

  /** Any message by id, including ephemeral interaction responses. */
  message(messageId: string): APIMessage | undefined {
    return this.#state.findAnyMessage(messageId);
  }

  pinnedMessageIds(channelId: string = this.config.channelId): string[] {
    return this.#state.channelPins(channelId).map((pin) => pin.messageId);
  }

  /** Registered commands; `null` (default) for global ones, or a guild id. */
  commands(guildId: string | null = null): APIApplicationCommand[] {
    return [...this.#state.commandsFor(guildId)];
  }

  interaction(id: string): InteractionRecord {
    const record = this.#state.interactions.get(id);
    if (!record) throw new Error(`Discord emulator: no interaction ${id}`);
    return record;
  }

  interactions(): InteractionRecord[] {
    return [...this.#state.interactions.values()];
  }

  /** Effective permissions of a user in a channel, computed like Discord does. */
  permissionsOf(user: UserRef, channelId: string = this.config.channelId): bigint {
    return this.#state.permissionsIn(channelId, this.#state.resolveUser(user).id);
  }

  // ---- Waiting ----------------------------------------------------------------------------------

  waitFor<T extends RecordedEvent = RecordedEvent>(
    predicate: (event: RecordedEvent) => boolean,
    options?: WaitOptions | number,
  ): Promise<T> {
    return this.#recorder.waitFor<T>(predicate, waitOptions(options, 'a matching event'));
  }

  waitUntil<T>(probe: () => T | undefined | false, options?: WaitOptions | number): Promise<T> {
    return this.#recorder.waitUntil(probe, waitOptions(options, 'a condition'));
  }

  waitForRequest(match: RequestMatcher, options?: WaitOptions | number): Promise<RecordedRestRequest> {
    const matches = toRequestPredicate(match);
    return this.#recorder.waitFor<RecordedRestRequest>(
      (event) => event.kind === 'rest' && matches(event),
      waitOptions(options, describeRequestMatcher(match)),
    );
  }

  /** Waits for a gateway frame the client sent (e.g. op 6 RESUME) or the emulator sent (a dispatch). */
  waitForGatewayFrame(
    filter: (frame: RecordedGatewayFrame) => boolean,
    options?: WaitOptions | number,
  ): Promise<RecordedGatewayFrame> {
    return this.#recorder.waitFor<RecordedGatewayFrame>(
      (event) => event.kind === 'gateway' && filter(event),
      waitOptions(options, 'a gateway frame'),
    );
  }

  /** Readable log of everything received and sent, heartbeats left out unless asked for. */
  transcript(options?: { includeHeartbeats?: boolean }): string {
    return this.#recorder.transcript(options);
  }

  #handle(record: InteractionRecord): DispatchedInteraction {
    const recorder = this.#recorder;
    const { applicationId } = this.config;
    const webhookPath = `/webhooks/${applicationId}/${record.token}`;
    const label = `interaction ${record.id} (${record.kind})`;
    const succeeded = (request: RecordedRestRequest) => request.status < 300;
    return {
      id: record.id,
      token: record.token,
      record,
      waitForCallback: (timeoutMs) =>
        recorder.waitUntil(() => (record.callback ? record : undefined), {
          timeoutMs,
          description: `the callback of ${label}`,
        }),
      waitForReply: (timeoutMs) =>
        recorder.waitUntil(
          () => {
            const original = record.original;
            return original && !((original.flags ?? 0) & MessageFlags.Loading) ? original : undefined;
          },
          { timeoutMs, description: `a visible reply to ${label}` },
        ),
      waitForOriginalEdit: (timeoutMs) =>
        recorder.waitFor<RecordedRestRequest>(
          (event) =>
            event.kind === 'rest' &&
            event.method === 'PATCH' &&
            event.path === `${webhookPath}/messages/@original` &&
            succeeded(event),
          { timeoutMs, description: `an edit of the original response of ${label}` },
        ),
      waitForFollowUp: (timeoutMs) =>
        recorder.waitFor<RecordedRestRequest>(
          (event) => event.kind === 'rest' && event.method === 'POST' && event.path === webhookPath && succeeded(event),
          { timeoutMs, description: `a follow-up to ${label}` },
        ),
      waitUntil: (condition, options) =>
        recorder.waitUntil(() => (condition(record) ? record : undefined), {
          description: `a condition on ${label}`,
          ...options,
        }),
    };
  }
}

function waitOptions(options: WaitOptions | number | undefined, description: string): WaitOptions {
  if (typeof options === 'number') return { timeoutMs: options, description };
  return { description, ...options };
}
