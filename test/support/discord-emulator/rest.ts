/**
 * The REST half of the emulator: decodes requests the way Discord accepts them
 * (JSON or multipart with payload_json), routes them, and answers with Discord's
 * status codes, error bodies and rate-limit headers. Every request is recorded.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DiscordErrors, DiscordHttpError } from './errors.ts';
import type { UploadedFile } from './messages.ts';
import type { EmulatorContext, Route } from './router.ts';
import { Router } from './router.ts';
import { channelRoutes } from './routes/channels.ts';
import { commandRoutes } from './routes/commands.ts';
import { interactionRoutes } from './routes/interactions.ts';
import { metaRoutes } from './routes/meta.ts';

export const API_PREFIX = '/api';

const ALL_ROUTES: readonly Route[] = [...metaRoutes, ...channelRoutes, ...interactionRoutes, ...commandRoutes];

interface DecodedBody {
  body: unknown;
  files: UploadedFile[];
}

export class RestApi {
  readonly #router = new Router(ALL_ROUTES);

  constructor(private readonly context: EmulatorContext) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = this.context.recorder.now();
    const url = new URL(request.url ?? '/', 'http://emulator');
    const method = (request.method ?? 'GET').toUpperCase();
    // `${api}/v10/...`; @discordjs/rest drops the version for a few unversioned routes.
    const rawPath = url.pathname.replace(new RegExp(`^${API_PREFIX}(/v\\d+)?`), '') || '/';
    const authorized = request.headers.authorization === `Bot ${this.context.config.token}`;
    const reason = request.headers['x-audit-log-reason'];

    let decoded: DecodedBody = { body: undefined, files: [] };
    let status: number;
    let payload: unknown;
    let routePattern: string | null = null;
    try {
      decoded = await decodeBody(request);
      if (!url.pathname.startsWith(API_PREFIX)) throw DiscordErrors.notFound();
      const lookup = this.#router.lookup(method, rawPath);
      if (lookup.kind === 'wrong-method') throw DiscordErrors.methodNotAllowed();
      if (lookup.kind === 'not-found') throw DiscordErrors.notFound();
      const { route, params } = lookup.match;
      routePattern = route.pattern;
      if (route.auth === 'bot' && !authorized) throw DiscordErrors.unauthorized();
      const result = await route.handle(
        { params, query: url.searchParams, body: decoded.body, files: decoded.files },
        this.context,
      );
      status = result.status;
      payload = result.body;
    } catch (error) {
      if (error instanceof DiscordHttpError) {
        status = error.status;
        payload = error.body;
      } else {
        // An emulator bug: answer like Discord's 500 and keep the stack for the transcript.
        status = 500;
        const emulatorError = String((error as Error)?.stack ?? error);
        payload = { message: '500: Internal Server Error', code: 0, emulatorError };
      }
    }

    const hasBody = status !== 204 && payload !== undefined;
    // Like Discord, a 204 has no content type; @discordjs/rest would try to parse it as JSON otherwise.
    const headers: Record<string, string> = hasBody ? { 'content-type': 'application/json' } : {};
    const now = this.context.state.discordNow();
    // Discord's own clock, as a real server would send it.
    headers.date = new Date(now).toUTCString();
    if (routePattern) Object.assign(headers, rateLimitHeaders(method, routePattern, now));
    response.writeHead(status, headers);
    response.end(hasBody ? JSON.stringify(payload) : undefined);

    // Recorded after the state change, so waiters that look at state see it already applied.
    this.context.recorder.record({
      kind: 'rest',
      at: receivedAt,
      method,
      // Decoded, so tests can match `/messages/@original` rather than `%40original`.
      path: rawPath.split('/').map(safeDecode).join('/'),
      query: Object.fromEntries(url.searchParams),
      route: routePattern,
      body: decoded.body,
      files: decoded.files,
      authorized,
      auditLogReason: typeof reason === 'string' ? decodeURIComponent(reason) : null,
      status,
      response: payload,
    });
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function decodeBody(request: IncomingMessage): Promise<DecodedBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return { body: undefined, files: [] };

  const contentType = request.headers['content-type'] ?? '';
  if (contentType.startsWith('multipart/form-data')) return decodeMultipart(raw, contentType);
  try {
    return { body: JSON.parse(raw.toString('utf8')) as unknown, files: [] };
  } catch {
    throw new DiscordHttpError(400, { message: 'The request body contains invalid JSON.', code: 50109 });
  }
}

/** Attachments arrive as `files[n]` parts next to a `payload_json` part. */
async function decodeMultipart(raw: Buffer, contentType: string): Promise<DecodedBody> {
  const form = await new Request('http://emulator/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Uint8Array(raw),
  }).formData();
  let body: unknown;
  const files: UploadedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') body = JSON.parse(value) as unknown;
      continue;
    }
    files.push({ field, name: value.name, size: value.size, contentType: value.type || 'application/octet-stream' });
  }
  return { body, files };
}

/** Generous, constant limits: present so @discordjs/rest tracks buckets, never low enough to make it wait. */
function rateLimitHeaders(method: string, routePattern: string, now: number): Record<string, string> {
  const resetAfterSeconds = 1;
  return {
    'x-ratelimit-bucket': createHash('sha1').update(`${method} ${routePattern}`).digest('hex').slice(0, 32),
    'x-ratelimit-limit': '50',
    'x-ratelimit-remaining': '49',
    'x-ratelimit-reset': (now / 1000 + resetAfterSeconds).toFixed(3),
    'x-ratelimit-reset-after': resetAfterSeconds.toFixed(3),
  };
}
