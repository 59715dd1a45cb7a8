/**
 * A local OpenAI-compatible server for tests: real HTTP on 127.0.0.1, replaying scripted
 * replies to POST /v1/chat/completions and recording every request it receives.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ScriptedReply {
  /** HTTP status; default 200. Non-2xx statuses get an OpenAI-style error body. */
  status?: number;
  /** The assistant message content for a 200 reply. */
  content?: string | null;
  headers?: Record<string, string>;
  /** Wait this long before replying (cancelled if the client goes away or the server stops). */
  delayMs?: number;
  /** When the request asks for response_format json_schema, reply 400 as servers without it do. */
  rejectJsonSchema?: boolean;
  finishReason?: string;
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Error message for non-2xx replies. */
  errorMessage?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body (null if it was not JSON). */
  body: ChatRequestBody | null;
  receivedAt: number;
}

/** The parts of a chat completion request the tests look at. */
export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: unknown };
  [key: string]: unknown;
}

export type ScriptStep = ScriptedReply | ((request: RecordedRequest) => ScriptedReply);

export class OpenAiTestServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: ScriptStep[] = [];
  private whenEmpty: ScriptStep | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Cancels for replies still waiting out their delay. */
  private readonly pendingDelays = new Set<() => void>();
  private completions = 0;

  /** Queues replies, used one per request in order. */
  reply(...steps: ScriptStep[]): this {
    this.queue.push(...steps);
    return this;
  }

  /** The reply used once the queue is empty (otherwise: 500 "no scripted reply"). */
  replyAlways(step: ScriptStep): this {
    this.whenEmpty = step;
    return this;
  }

  /** Clears queued replies and recorded requests between tests. */
  reset(): void {
    this.queue.length = 0;
    this.whenEmpty = undefined;
    this.requests.length = 0;
  }

  get baseURL(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('openai-server: not started');
    return `http://127.0.0.1:${address.port}/v1`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return this;
  }

  /** Stops listening and destroys open connections, so a slow reply cannot hold the test. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const cancel of [...this.pendingDelays]) cancel();
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: ChatRequestBody | null = null;
    try {
      body = JSON.parse(raw) as ChatRequestBody;
    } catch {
      body = null;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
      receivedAt: Date.now(),
    };
    this.requests.push(recorded);

    if (req.method !== 'POST' || recorded.path !== '/v1/chat/completions') {
      return sendJson(res, 404, errorBody(`openai-server: no route ${req.method} ${recorded.path}`));
    }

    const step = this.queue.shift() ?? this.whenEmpty;
    if (!step) return sendJson(res, 500, errorBody('openai-server: no scripted reply left'));
    const reply = typeof step === 'function' ? step(recorded) : step;

    if (reply.delayMs) {
      const delayed = await this.wait(reply.delayMs, res);
      if (!delayed) return;
    }

    if (reply.rejectJsonSchema && body?.response_format?.type === 'json_schema') {
      return sendJson(
        res,
        400,
        errorBody("response_format of type 'json_schema' is not supported by this server", 'response_format'),
        reply.headers,
      );
    }

    const status = reply.status ?? 200;
    if (status < 200 || status >= 300) {
      return sendJson(res, status, errorBody(reply.errorMessage ?? `scripted ${status}`), reply.headers);
    }

    const content = reply.content ?? null;
    const usage = reply.usage ?? {
      prompt_tokens: Math.ceil(raw.length / 4),
      completion_tokens: Math.ceil((content ?? '').length / 4),
    };
    sendJson(
      res,
      status,
      {
        id: `chatcmpl-local-${++this.completions}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body?.model ?? 'unknown',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, refusal: null },
            logprobs: null,
            finish_reason: reply.finishReason ?? 'stop',
          },
        ],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      },
      reply.headers,
    );
  }

  /** Waits `ms`; false if the client disconnected or the server stopped meanwhile. */
  private wait(ms: number, res: ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (completed: boolean) => {
        clearTimeout(timer);
        res.off('close', cancel);
        this.pendingDelays.delete(cancel);
        resolve(completed && !res.destroyed);
      };
      const cancel = () => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      this.pendingDelays.add(cancel);
      res.once('close', cancel);
    });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function errorBody(message: string, param: string | null = null) {
  return { error: { message, type: 'invalid_request_error', param, code: null } };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Starts a server; remember to `await server.stop()` (e.g. in afterAll). */
export async function startOpenAiTestServer(): Promise<OpenAiTestServer> {
  return new OpenAiTestServer().start();
}

/** The passage texts of the prompt a request carried, in prompt order (passage n is [n - 1]). */
export function promptPassages(request: RecordedRequest): string[] {
  const user = request.body?.messages[1]?.content ?? '';
  return [...user.matchAll(/<passage n="\d+"[^>]*>\n([\s\S]*?)\n<\/passage>/g)].map((m) => m[1]!);
}

/** The number the prompt gave the passage containing `text`; throws when none does. */
export function passageNumberContaining(request: RecordedRequest, text: string): number {
  const n = promptPassages(request).findIndex((passage) => passage.includes(text)) + 1;
  if (n === 0) throw new Error(`no passage in the prompt contains ${JSON.stringify(text)}`);
  return n;
}
