/**
 * The emulator's log: every REST request, every gateway frame and connection change,
 * plus waiters that tests use instead of sleeping.
 */
import type { UploadedFile } from './messages.ts';

export const DEFAULT_WAIT_MS = 3_000;
const POLL_INTERVAL_MS = 20;

interface RecordedBase {
  /** Position in the log, starting at 0. */
  index: number;
  /** Milliseconds since the emulator started; for REST requests, when the request arrived. */
  at: number;
}

export interface RecordedRestRequest extends RecordedBase {
  kind: 'rest';
  method: string;
  /** Path below the API version, e.g. `/channels/123/messages`. */
  path: string;
  query: Record<string, string>;
  /** The matched route pattern, e.g. `/channels/:channelId/messages`; null for routes the emulator does not know. */
  route: string | null;
  body: unknown;
  files: UploadedFile[];
  /** Whether a valid `Authorization: Bot <token>` header came with the request. */
  authorized: boolean;
  auditLogReason: string | null;
  status: number;
  response: unknown;
}

export interface RecordedGatewayFrame extends RecordedBase {
  kind: 'gateway';
  direction: 'received' | 'sent';
  connectionId: number;
  op: number;
  t: string | null;
  s: number | null;
  d: unknown;
}

export interface RecordedConnectionEvent extends RecordedBase {
  kind: 'connection';
  event: 'open' | 'close';
  connectionId: number;
  /** `/` for the gateway URL, `/resume` for resume_gateway_url. */
  path: string;
  code: number | null;
  reason: string;
  initiatedBy: 'client' | 'emulator';
}

export type RecordedEvent = RecordedRestRequest | RecordedGatewayFrame | RecordedConnectionEvent;

type NewEvent =
  | (Omit<RecordedRestRequest, 'index' | 'at'> & { at?: number })
  | Omit<RecordedGatewayFrame, 'index' | 'at'>
  | Omit<RecordedConnectionEvent, 'index' | 'at'>;

export type RequestMatcher =
  | ((request: RecordedRestRequest) => boolean)
  | {
      method?: string;
      /** Exact path, or a RegExp tested against it. */
      path?: string | RegExp;
      route?: string;
      status?: number;
    };

export interface WaitOptions {
  timeoutMs?: number;
  /** Used in the timeout message, so a failing test says what it was waiting for. */
  description?: string;
}

interface Waiter {
  check: () => boolean;
}

export class Recorder {
  readonly #events: RecordedEvent[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #startedAt = performance.now();

  /** Milliseconds since the emulator was created (fractional, so ordering within a millisecond survives). */
  now(): number {
    return performance.now() - this.#startedAt;
  }

  record(event: NewEvent): RecordedEvent {
    const recorded = { at: this.now(), ...event, index: this.#events.length } as RecordedEvent;
    this.#events.push(recorded);
    this.notify();
    return recorded;
  }

  /** Re-evaluates waiters; also called after state changes that are not log entries. */
  notify(): void {
    for (const waiter of [...this.#waiters]) waiter.check();
  }

  events(): readonly RecordedEvent[] {
    return this.#events;
  }

  requests(match?: RequestMatcher): RecordedRestRequest[] {
    const matches = toRequestPredicate(match);
    return this.#events.filter((event): event is RecordedRestRequest => event.kind === 'rest' && matches(event));
  }

  gatewayFrames(filter?: (frame: RecordedGatewayFrame) => boolean): RecordedGatewayFrame[] {
    return this.#events.filter(
      (event): event is RecordedGatewayFrame => event.kind === 'gateway' && (filter ? filter(event) : true),
    );
  }

  /** Resolves with the first recorded event (past or future) that matches. */
  waitFor<T extends RecordedEvent>(
    predicate: ((event: RecordedEvent) => event is T) | ((event: RecordedEvent) => boolean),
    options: WaitOptions = {},
  ): Promise<T> {
    return this.waitUntil(() => this.#events.find(predicate) as T | undefined, options);
  }

  /** Resolves once `probe` returns something other than undefined/false, re-checking after every event. */
  waitUntil<T>(probe: () => T | undefined | false, options: WaitOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    const description = options.description ?? 'condition';
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          let value: T | undefined | false;
          try {
            value = probe();
          } catch (error) {
            finish();
            reject(error);
            return true;
          }
          if (value === undefined || value === false) return false;
          finish();
          resolve(value);
          return true;
        },
      };
      const timer = setTimeout(() => {
        finish();
        const message = `Discord emulator: timed out after ${timeoutMs} ms waiting for ${description}.`;
        reject(new Error(`${message}\n${this.tail(15)}`));
      }, timeoutMs);
      // Probes may read state outside the emulator (e.g. discord.js' cache), which changes without a log entry.
      const poll = setInterval(() => waiter.check(), POLL_INTERVAL_MS);
      const finish = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.#waiters.delete(waiter);
      };
      this.#waiters.add(waiter);
      waiter.check();
    });
  }

  /**
   * Human-readable log, one line per event, for reports and failure messages. Ordered by time,
   * so a REST request shows up before the dispatches it caused (it is logged once answered).
   */
  transcript(options: { includeHeartbeats?: boolean } = {}): string {
    return chronological(this.#events)
      .filter((event) => options.includeHeartbeats || !isHeartbeat(event))
      .map(describeEvent)
      .join('\n');
  }

  tail(count: number): string {
    const recent = chronological(this.#events)
      .filter((event) => !isHeartbeat(event))
      .slice(-count);
    if (recent.length === 0) return '(the emulator has recorded nothing yet)';
    return `Last events:\n${recent.map(describeEvent).join('\n')}`;
  }
}

export function toRequestPredicate(match?: RequestMatcher): (request: RecordedRestRequest) => boolean {
  if (!match) return () => true;
  if (typeof match === 'function') return match;
  return (request) =>
    (match.method === undefined || request.method === match.method.toUpperCase()) &&
    (match.route === undefined || request.route === match.route) &&
    (match.status === undefined || request.status === match.status) &&
    (match.path === undefined ||
      (typeof match.path === 'string' ? request.path === match.path : match.path.test(request.path)));
}

export function describeRequestMatcher(match: RequestMatcher): string {
  if (typeof match === 'function') return 'a REST request matching a predicate';
  const parts = [match.method?.toUpperCase() ?? '*', String(match.path ?? match.route ?? '*')];
  if (match.status !== undefined) parts.push(`-> ${match.status}`);
  return `REST request ${parts.join(' ')}`;
}

const GATEWAY_OP_NAMES: Record<number, string> = {
  0: 'DISPATCH',
  1: 'HEARTBEAT',
  2: 'IDENTIFY',
  3: 'PRESENCE_UPDATE',
  4: 'VOICE_STATE_UPDATE',
  6: 'RESUME',
  7: 'RECONNECT',
  8: 'REQUEST_GUILD_MEMBERS',
  9: 'INVALID_SESSION',
  10: 'HELLO',
  11: 'HEARTBEAT_ACK',
};

function chronological(events: readonly RecordedEvent[]): RecordedEvent[] {
  return [...events].sort((a, b) => a.at - b.at);
}

function isHeartbeat(event: RecordedEvent): boolean {
  return event.kind === 'gateway' && (event.op === 1 || event.op === 11);
}

function describeEvent(event: RecordedEvent): string {
  const time = `+${String(Math.round(event.at)).padStart(6)}ms`;
  switch (event.kind) {
    case 'rest': {
      const query = new URLSearchParams(event.query).toString();
      const body = event.body === undefined ? '' : ` ${abbreviate(JSON.stringify(event.body))}`;
      const unknown = event.route === null ? ' [UNKNOWN ROUTE]' : '';
      return `${time} REST ${event.method} ${event.path}${query ? `?${query}` : ''} -> ${event.status}${unknown}${body}`;
    }
    case 'gateway': {
      const arrow = event.direction === 'received' ? 'gateway <=' : 'gateway =>';
      const name = event.op === 0 ? `${event.t} s=${event.s}` : (GATEWAY_OP_NAMES[event.op] ?? `op ${event.op}`);
      return `${time} ${arrow} #${event.connectionId} ${name}${describeFrameData(event)}`;
    }
    case 'connection': {
      if (event.event === 'open') return `${time} gateway #${event.connectionId} connected to ${event.path}`;
      const detail = `code ${event.code ?? 'none'}${event.reason ? `, ${event.reason}` : ''}`;
      return `${time} gateway #${event.connectionId} closed by ${event.initiatedBy} (${detail})`;
    }
  }
}

function describeFrameData(frame: RecordedGatewayFrame): string {
  const d = frame.d as Record<string, unknown> | null;
  if (!d || typeof d !== 'object') return '';
  if (frame.op === 2) return ` intents=${String(d.intents)}`;
  if (frame.op === 6) return ` session=${String(d.session_id)} seq=${String(d.seq)}`;
  if (frame.t === 'INTERACTION_CREATE') {
    const data = d.data as { name?: string; custom_id?: string } | undefined;
    return ` id=${String(d.id)} ${data?.name ?? data?.custom_id ?? ''}`;
  }
  if (frame.t === 'MESSAGE_CREATE' || frame.t === 'MESSAGE_UPDATE') {
    const author = d.author as { username?: string } | undefined;
    // Non-default types (e.g. 6, the pin notice) and the "thinking…" flag explain empty contents.
    const type = d.type ? ` type=${String(d.type)}` : '';
    const loading = typeof d.flags === 'number' && d.flags & 128 ? ' (loading)' : '';
    const content = abbreviate(JSON.stringify(d.content ?? ''), 80);
    return ` id=${String(d.id)}${type}${loading} by ${author?.username ?? '?'}: ${content}`;
  }
  return '';
}

function abbreviate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
