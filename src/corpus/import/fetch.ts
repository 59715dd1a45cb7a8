/**
 * HTTP(S) fetching for imports: Node's fetch with a time limit for the whole exchange and a size
 * limit enforced while the body streams in (a server's Content-Length is not trusted). Every
 * failure is an ImportProblem whose message says what went wrong, for the import summary.
 */
export class ImportProblem extends Error {
  override name = 'ImportProblem';
  constructor(
    message: string,
    /** The HTTP status and Retry-After header of an error answer, for callers that back off. */
    readonly http?: { status: number; retryAfter: string | null },
  ) {
    super(message);
  }
}

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

export interface Fetched {
  /** The URL after redirects. */
  url: string;
  /** Lower-cased media type without parameters, '' when the server sent none. */
  mediaType: string;
  /** The charset parameter of Content-Type, if any. */
  charset?: string;
  bytes: Uint8Array;
  /** 200 (or another 2xx), or 304 when a conditional request found nothing new (no bytes then). */
  status: number;
  headers: Headers;
}

/** Extra request headers (conditional ones make a 304 an answer, not an error) and who is asking. */
export interface FetchRequest {
  headers?: Record<string, string>;
  userAgent?: string;
  /** Ends the request early (a stopping bot). */
  signal?: AbortSignal;
}

/** `npm run add`'s defaults, also the feed follower's limits per fetch. */
export const DEFAULT_FETCH_LIMITS: FetchLimits = { maxBytes: 5 * 1024 * 1024, timeoutMs: 20_000 };

const USER_AGENT = 'coverage-bot/0.1 (article import)';

export async function fetchLimited(url: string, limits: FetchLimits, request: FetchRequest = {}): Promise<Fetched> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ImportProblem('not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ImportProblem(`only http(s) URLs can be imported, not ${parsed.protocol}`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  const stop = () => controller.abort();
  request.signal?.addEventListener('abort', stop, { once: true });
  try {
    const response = await fetch(parsed, {
      signal: controller.signal,
      redirect: 'follow',
      headers: {
        'user-agent': request.userAgent ?? USER_AGENT,
        accept: 'text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5',
        ...request.headers,
      },
    });
    const conditional = Object.keys(request.headers ?? {}).some((h) => /^if-(none-match|modified-since)$/i.test(h));
    if (response.status === 304 && conditional) {
      await response.body?.cancel().catch(() => {});
      return { url: response.url || parsed.toString(), mediaType: '', bytes: new Uint8Array(), status: 304, headers: response.headers };
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new ImportProblem(`the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`, {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
      });
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw new ImportProblem(`the response is ${formatBytes(declared)}, over the ${formatBytes(limits.maxBytes)} limit`);
    }
    const bytes = await readLimited(response, limits.maxBytes, controller);
    const [mediaType = '', ...params] = (response.headers.get('content-type') ?? '').split(';').map((s) => s.trim());
    const charset = params.map((p) => /^charset\s*=\s*"?([^";]+)"?$/i.exec(p)?.[1]).find((c) => c !== undefined);
    return { url: response.url || parsed.toString(), mediaType: mediaType.toLowerCase(), charset, bytes, status: response.status, headers: response.headers };
  } catch (err) {
    if (err instanceof ImportProblem) throw err;
    if (request.signal?.aborted) throw new ImportProblem('stopped');
    if (controller.signal.aborted) throw new ImportProblem(`no complete answer within ${limits.timeoutMs / 1000} s`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new ImportProblem(`unreachable (${cause?.code ?? cause?.message ?? (err as Error).message})`);
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', stop);
  }
}

async function readLimited(response: Response, maxBytes: number, controller: AbortController): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      controller.abort();
      throw new ImportProblem(`the response is over the ${formatBytes(maxBytes)} limit`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KB`;
  return `${n} bytes`;
}
