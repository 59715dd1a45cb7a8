/**
 * The gateway half of the emulator: a WebSocket endpoint speaking Discord's gateway protocol
 * (v10, JSON, optional zlib-stream), with sessions that survive dropped connections so
 * discord.js can RESUME and get missed dispatches replayed.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { constants as zlibConstants, createDeflate } from 'node:zlib';
import type { Deflate } from 'node:zlib';
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes } from 'discord-api-types/v10';
import type { APIMessage } from 'discord-api-types/v10';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import type { ResolvedConfig } from './config.ts';
import { guildCreatePayload, readyPayload } from './payloads.ts';
import type { Recorder } from './recorder.ts';
import type { EmulatorState } from './state.ts';

export const RESUME_PATH = '/resume';

interface GatewayPayload {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

/** Dispatches that are only delivered to sessions that asked for them. */
const REQUIRED_INTENT: Partial<Record<string, number>> = {
  [GatewayDispatchEvents.GuildCreate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildRoleUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ChannelCreate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ChannelUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ChannelDelete]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ChannelPinsUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ThreadCreate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ThreadUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.MessageCreate]: GatewayIntentBits.GuildMessages,
  [GatewayDispatchEvents.MessageUpdate]: GatewayIntentBits.GuildMessages,
  [GatewayDispatchEvents.MessageDelete]: GatewayIntentBits.GuildMessages,
  [GatewayDispatchEvents.GuildMemberAdd]: GatewayIntentBits.GuildMembers,
  [GatewayDispatchEvents.GuildMemberUpdate]: GatewayIntentBits.GuildMembers,
  [GatewayDispatchEvents.GuildMemberRemove]: GatewayIntentBits.GuildMembers,
};

/** The reasons Discord gives alongside its gateway close codes. */
const CLOSE_REASONS: Partial<Record<GatewayCloseCodes, string>> = {
  [GatewayCloseCodes.UnknownOpcode]: 'Unknown opcode.',
  [GatewayCloseCodes.DecodeError]: 'Error while decoding payload.',
  [GatewayCloseCodes.NotAuthenticated]: 'Not authenticated.',
  [GatewayCloseCodes.AuthenticationFailed]: 'Authentication failed.',
  [GatewayCloseCodes.AlreadyAuthenticated]: 'Already authenticated.',
  [GatewayCloseCodes.InvalidSeq]: 'Invalid seq.',
  [GatewayCloseCodes.InvalidShard]: 'Invalid shard.',
  [GatewayCloseCodes.InvalidAPIVersion]: 'Invalid API version.',
  [GatewayCloseCodes.InvalidIntents]: 'Invalid intent(s).',
  [GatewayCloseCodes.DisallowedIntents]: 'Disallowed intent(s).',
};

class GatewaySession {
  seq = 0;
  /** Every dispatch sent in this session, for RESUME replays. */
  readonly history: GatewayPayload[] = [];
  connection: GatewayConnection | null = null;
  /** Set when the client closed with 1000/1001, which ends a session for good. */
  invalidated = false;

  constructor(
    readonly id: string,
    readonly intents: number,
  ) {}

  has(intent: number): boolean {
    return (this.intents & intent) === intent;
  }
}

class GatewayConnection {
  session: GatewaySession | null = null;
  closedByEmulator = false;
  /** Keeps zlib-stream frames in order, since deflate flushes are asynchronous. */
  sendChain: Promise<void> = Promise.resolve();

  constructor(
    readonly id: number,
    readonly socket: WebSocket,
    readonly path: string,
    readonly compressor: Deflate | null,
  ) {}
}

export interface GatewaySessionInfo {
  id: string;
  seq: number;
  intents: number;
  connected: boolean;
  invalidated: boolean;
}

export interface DropOptions {
  /** Close with this code (e.g. 4000, resumable; 1000 makes discord.js re-identify). Omit to cut the TCP connection. */
  closeCode?: number;
}

export class Gateway {
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #connections = new Set<GatewayConnection>();
  readonly #sessions = new Map<string, GatewaySession>();
  #nextConnectionId = 1;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly state: EmulatorState,
    private readonly recorder: Recorder,
    private readonly resumeGatewayUrl: () => string,
  ) {}

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'ws://emulator');
    if (url.pathname !== '/' && url.pathname !== RESUME_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#onConnection(ws, url));
  }

  /** Sends a dispatch to every live session that is subscribed to it; offline sessions buffer it for RESUME. */
  dispatch(event: GatewayDispatchEvents, data: unknown): void {
    for (const session of this.#sessions.values()) {
      if (session.invalidated) continue;
      const intent = REQUIRED_INTENT[event];
      if (intent !== undefined && !session.has(intent)) continue;
      this.#dispatchTo(session, event, this.#shapeForSession(session, event, data));
    }
  }

  /** Drops every open connection; sessions stay resumable. Returns how many were dropped. */
  dropConnections(options: DropOptions = {}): number {
    let dropped = 0;
    for (const connection of this.#connections) {
      if (connection.closedByEmulator) continue;
      connection.closedByEmulator = true;
      // Detach right away so dispatches from now on are buffered rather than lost.
      if (connection.session?.connection === connection) connection.session.connection = null;
      if (options.closeCode === undefined) connection.socket.terminate();
      else connection.socket.close(options.closeCode, 'Dropped by the Discord emulator');
      dropped++;
    }
    return dropped;
  }

  /** Asks connected clients to reconnect and resume (opcode 7), as Discord does before maintenance. */
  requestReconnect(): void {
    for (const connection of this.#connections) {
      this.#send(connection, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
    }
  }

  sessions(): GatewaySessionInfo[] {
    return [...this.#sessions.values()].map((session) => ({
      id: session.id,
      seq: session.seq,
      intents: session.intents,
      connected: session.connection !== null,
      invalidated: session.invalidated,
    }));
  }

  async close(): Promise<void> {
    for (const connection of this.#connections) {
      connection.closedByEmulator = true;
      connection.socket.terminate();
      connection.compressor?.close();
    }
    this.#connections.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #onConnection(socket: WebSocket, url: URL): void {
    const compress = url.searchParams.get('compress');
    const connection = new GatewayConnection(
      this.#nextConnectionId++,
      socket,
      url.pathname,
      compress === 'zlib-stream' ? createDeflate() : null,
    );
    this.#connections.add(connection);
    this.recorder.record({
      kind: 'connection',
      event: 'open',
      connectionId: connection.id,
      path: url.pathname,
      code: null,
      reason: '',
      initiatedBy: 'client',
    });

    socket.on('message', (data, isBinary) => this.#onFrame(connection, data, isBinary));
    socket.on('close', (code, reason) => this.#onClose(connection, code, reason.toString()));
    socket.on('error', () => socket.terminate());

    const version = url.searchParams.get('v');
    if (version !== '10') return this.#close(connection, GatewayCloseCodes.InvalidAPIVersion);
    // Only JSON is emulated; ETF clients would fail to decode anyway.
    const encoding = url.searchParams.get('encoding') ?? 'json';
    if (encoding !== 'json') return this.#close(connection, GatewayCloseCodes.DecodeError);
    this.#send(connection, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.config.heartbeatIntervalMs },
      s: null,
      t: null,
    });
  }

  #onFrame(connection: GatewayConnection, data: RawData, isBinary: boolean): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      if (isBinary) throw new Error('binary frames are not emulated');
      payload = JSON.parse(rawToString(data)) as { op?: unknown; d?: unknown };
    } catch {
      return this.#close(connection, GatewayCloseCodes.DecodeError);
    }
    const op = typeof payload.op === 'number' ? payload.op : -1;
    this.recorder.record({
      kind: 'gateway',
      direction: 'received',
      connectionId: connection.id,
      op,
      t: null,
      s: null,
      d: payload.d,
    });

    switch (op) {
      case GatewayOpcodes.Heartbeat:
        return this.#send(connection, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
      case GatewayOpcodes.Identify:
        return this.#identify(connection, payload.d as IdentifyData);
      case GatewayOpcodes.Resume:
        return this.#resume(connection, payload.d as ResumeData);
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
        if (!connection.session) return this.#close(connection, GatewayCloseCodes.NotAuthenticated);
        return;
      case GatewayOpcodes.RequestGuildMembers:
        if (!connection.session) return this.#close(connection, GatewayCloseCodes.NotAuthenticated);
        return this.#sendMemberChunk(connection.session, payload.d as MemberRequestData);
      default:
        return this.#close(connection, GatewayCloseCodes.UnknownOpcode);
    }
  }

  #identify(connection: GatewayConnection, data: IdentifyData): void {
    if (connection.session) return this.#close(connection, GatewayCloseCodes.AlreadyAuthenticated);
    if (data?.token !== this.config.token) {
      return this.#close(connection, GatewayCloseCodes.AuthenticationFailed);
    }
    if (typeof data.intents !== 'number') return this.#close(connection, GatewayCloseCodes.InvalidIntents);
    if (!this.#privilegedIntentsAllowed(data.intents)) {
      return this.#close(connection, GatewayCloseCodes.DisallowedIntents);
    }
    const [shardId, shardCount] = data.shard ?? [0, 1];
    if (shardId >= shardCount) return this.#close(connection, GatewayCloseCodes.InvalidShard);

    const session = new GatewaySession(randomBytes(16).toString('hex'), data.intents);
    this.#sessions.set(session.id, session);
    this.#attach(session, connection);
    this.#dispatchTo(
      session,
      GatewayDispatchEvents.Ready,
      readyPayload({
        user: this.state.botUser,
        applicationId: this.config.applicationId,
        guildIds: [this.state.guildId],
        sessionId: session.id,
        resumeGatewayUrl: this.resumeGatewayUrl(),
        shard: [shardId, shardCount],
      }),
    );
    // Guilds arrive as unavailable in READY, then one GUILD_CREATE each (needs the GUILDS intent).
    if (session.has(GatewayIntentBits.Guilds)) {
      this.#dispatchTo(session, GatewayDispatchEvents.GuildCreate, guildCreatePayload(this.state.guildSnapshot()));
    }
  }

  #resume(connection: GatewayConnection, data: ResumeData): void {
    if (connection.session) return this.#close(connection, GatewayCloseCodes.AlreadyAuthenticated);
    if (data?.token !== this.config.token) {
      return this.#close(connection, GatewayCloseCodes.AuthenticationFailed);
    }
    const session = this.#sessions.get(String(data.session_id));
    if (!session || session.invalidated) {
      // d=false: not resumable, the client has to identify again.
      return this.#send(connection, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
    }
    const lastSeq = typeof data.seq === 'number' ? data.seq : 0;
    if (lastSeq > session.seq) return this.#close(connection, GatewayCloseCodes.InvalidSeq);

    if (session.connection && session.connection !== connection) {
      const previous = session.connection;
      previous.closedByEmulator = true;
      previous.socket.terminate();
    }
    this.#attach(session, connection);
    for (const payload of session.history) {
      if (payload.s !== null && payload.s > lastSeq) this.#send(connection, payload);
    }
    // RESUMED takes a sequence number but is not itself replayable.
    session.seq++;
    this.#send(connection, { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.Resumed, s: session.seq, d: {} });
  }

  #sendMemberChunk(session: GatewaySession, request: MemberRequestData): void {
    const ids = request?.user_ids === undefined ? null : [request.user_ids].flat().map(String);
    const query = (request?.query ?? '').toLowerCase();
    const members = [...this.state.members.values()].filter((member) =>
      ids ? ids.includes(member.user!.id) : member.user!.username.toLowerCase().startsWith(query),
    );
    const limit = request?.limit && request.limit > 0 ? request.limit : members.length;
    this.#dispatchTo(session, GatewayDispatchEvents.GuildMembersChunk, {
      guild_id: this.state.guildId,
      members: members.slice(0, limit),
      chunk_index: 0,
      chunk_count: 1,
      not_found: ids ? ids.filter((id) => !this.state.members.has(id)) : undefined,
      nonce: request?.nonce,
    });
  }

  #privilegedIntentsAllowed(intents: number): boolean {
    const { privilegedIntents } = this.config;
    const wants = (intent: number) => (intents & intent) === intent;
    return (
      (!wants(GatewayIntentBits.MessageContent) || privilegedIntents.messageContent) &&
      (!wants(GatewayIntentBits.GuildMembers) || privilegedIntents.guildMembers) &&
      (!wants(GatewayIntentBits.GuildPresences) || privilegedIntents.guildPresences)
    );
  }

  /** Without MESSAGE_CONTENT, Discord blanks content unless the message is the bot's own or mentions it. */
  #shapeForSession(session: GatewaySession, event: GatewayDispatchEvents, data: unknown): unknown {
    // A JSON round trip freezes the payload as sent, so later edits do not leak into replays.
    const copy = JSON.parse(JSON.stringify(data)) as unknown;
    const isMessage = event === GatewayDispatchEvents.MessageCreate || event === GatewayDispatchEvents.MessageUpdate;
    if (!isMessage || session.has(GatewayIntentBits.MessageContent)) return copy;
    const message = copy as APIMessage;
    const botId = this.config.botUser.id;
    if (message.author?.id === botId || message.mentions?.some((user) => user.id === botId)) return copy;
    return { ...message, content: '', embeds: [], attachments: [], components: [], poll: undefined };
  }

  #dispatchTo(session: GatewaySession, event: GatewayDispatchEvents, data: unknown): void {
    session.seq++;
    const payload: GatewayPayload = { op: GatewayOpcodes.Dispatch, t: event, s: session.seq, d: data };
    session.history.push(payload);
    if (session.connection) this.#send(session.connection, payload);
  }

  #attach(session: GatewaySession, connection: GatewayConnection): void {
    session.connection = connection;
    connection.session = session;
  }

  #send(connection: GatewayConnection, payload: GatewayPayload): void {
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    this.recorder.record({
      kind: 'gateway',
      direction: 'sent',
      connectionId: connection.id,
      op: payload.op,
      t: payload.t,
      s: payload.s,
      d: payload.d,
    });
    const text = JSON.stringify(payload);
    const { compressor, socket } = connection;
    if (!compressor) {
      socket.send(text);
      return;
    }
    connection.sendChain = connection.sendChain.then(
      () =>
        new Promise<void>((resolve) => {
          // zlib-stream: one shared deflate context, each payload ending in a Z_SYNC_FLUSH marker.
          const chunks: Buffer[] = [];
          const collect = (chunk: Buffer) => chunks.push(chunk);
          compressor.on('data', collect);
          compressor.write(text);
          compressor.flush(zlibConstants.Z_SYNC_FLUSH, () => {
            compressor.off('data', collect);
            if (socket.readyState === WebSocket.OPEN) socket.send(Buffer.concat(chunks));
            resolve();
          });
        }),
    );
  }

  #close(connection: GatewayConnection, code: GatewayCloseCodes): void {
    connection.closedByEmulator = true;
    if (connection.session?.connection === connection) connection.session.connection = null;
    connection.socket.close(code, CLOSE_REASONS[code] ?? '');
  }

  #onClose(connection: GatewayConnection, code: number, reason: string): void {
    this.#connections.delete(connection);
    connection.compressor?.close();
    const session = connection.session;
    if (session?.connection === connection) session.connection = null;
    // A client that closes with 1000/1001 ends its session; anything else may resume.
    if (session && !connection.closedByEmulator && (code === 1000 || code === 1001)) session.invalidated = true;
    this.recorder.record({
      kind: 'connection',
      event: 'close',
      connectionId: connection.id,
      path: connection.path,
      code,
      reason,
      initiatedBy: connection.closedByEmulator ? 'emulator' : 'client',
    });
  }
}

interface IdentifyData {
  token?: string;
  intents?: number;
  shard?: [number, number];
}

interface ResumeData {
  token?: string;
  session_id?: string;
  seq?: number | null;
}

interface MemberRequestData {
  guild_id?: string;
  query?: string;
  limit?: number;
  user_ids?: string | string[];
  nonce?: string;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
