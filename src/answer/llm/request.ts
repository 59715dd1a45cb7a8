/**
 * One chat completion within a fixed time budget.
 *
 * The openai client's own retries are switched off (maxRetries: 0) and done here instead,
 * because the client obeys any Retry-After without a cap and applies its timeout per
 * attempt, so a user could wait minutes. Here the budget covers every attempt and every
 * wait: Retry-After is honoured when it fits in the budget, and we give up when it does not.
 */
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { REPLY_JSON_SCHEMA } from './prompt.ts';

/** How the reply format is requested; downgraded for servers that reject the stronger one. */
export type ResponseFormatMode = 'json_schema' | 'json_object' | 'none';

const WEAKER_FORMAT: Record<ResponseFormatMode, ResponseFormatMode | null> = {
  json_schema: 'json_object',
  json_object: 'none',
  none: null,
};

export interface RetryPolicy {
  /** Total time for all attempts and waits. */
  timeoutMs: number;
  /** Retries after the first attempt, on 408/409/429/5xx and connection errors. */
  maxRetries: number;
  /** First backoff delay when the server gives no Retry-After; doubles per retry. */
  retryBaseDelayMs: number;
  /** Cap on our own backoff delay (a server's Retry-After is bounded by the budget instead). */
  retryMaxDelayMs: number;
}

export type CompletionFailure =
  | 'timeout'
  | 'rate-limited'
  | 'server-error'
  | 'connection-error'
  | 'rejected'
  | 'retry-would-exceed-budget';

export type CompletionResult =
  | { ok: true; completion: ChatCompletion; attempts: number; format: ResponseFormatMode }
  | { ok: false; failure: CompletionFailure; status?: number; message: string; attempts: number };

function responseFormatFor(mode: ResponseFormatMode): ChatCompletionCreateParamsNonStreaming['response_format'] {
  if (mode === 'json_schema') return { type: 'json_schema', json_schema: REPLY_JSON_SCHEMA };
  if (mode === 'json_object') return { type: 'json_object' };
  return undefined;
}

function isRetryable(error: unknown): boolean {
  if (error instanceof OpenAI.APIConnectionTimeoutError) return false; // the budget is spent
  if (error instanceof OpenAI.APIConnectionError) return true;
  if (!(error instanceof OpenAI.APIError) || error.status === undefined) return false;
  const explicit = error.headers?.get('x-should-retry');
  if (explicit === 'true') return true;
  if (explicit === 'false') return false;
  return error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
}

/** The wait a server asked for (retry-after-ms, or Retry-After in seconds or as a date), in ms. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function backoffMs(retry: number, policy: RetryPolicy): number {
  const exponential = Math.min(policy.retryBaseDelayMs * 2 ** retry, policy.retryMaxDelayMs);
  return exponential * (1 - Math.random() * 0.25); // jitter so clients do not retry in step
}

function failureKind(error: unknown): CompletionFailure {
  if (error instanceof OpenAI.APIConnectionTimeoutError || error instanceof OpenAI.APIUserAbortError) return 'timeout';
  if (error instanceof OpenAI.APIConnectionError) return 'connection-error';
  if (error instanceof OpenAI.APIError && error.status === 429) return 'rate-limited';
  if (error instanceof OpenAI.APIError && error.status !== undefined && error.status >= 500) return 'server-error';
  return 'rejected';
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface CompletionRequest {
  client: OpenAI;
  model: string;
  messages: ChatCompletionCreateParamsNonStreaming['messages'];
  /** The format to try first; weaker ones are tried after a 400. */
  format: ResponseFormatMode;
  policy: RetryPolicy;
}

/** Requests a completion; never throws for API or network errors, reports them instead. */
export async function requestCompletion(request: CompletionRequest): Promise<CompletionResult> {
  const { client, model, messages, policy } = request;
  const deadline = Date.now() + policy.timeoutMs;
  const budget = new AbortController();
  const budgetTimer = setTimeout(() => budget.abort(), policy.timeoutMs);
  let format = request.format;
  let attempts = 0;
  let retries = 0;
  try {
    for (;;) {
      attempts++;
      try {
        const remaining = Math.max(1, deadline - Date.now());
        const completion = await client.chat.completions.create(
          { model, messages, ...(format === 'none' ? {} : { response_format: responseFormatFor(format) }) },
          { signal: budget.signal, timeout: remaining, maxRetries: 0 },
        );
        return { ok: true, completion, attempts, format };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const status = error instanceof OpenAI.APIError ? error.status : undefined;
        if (budget.signal.aborted) return { ok: false, failure: 'timeout', status, message, attempts };

        // A 400 (422 on some servers) on a structured request most often means the server does
        // not support that response_format: ask again with a weaker one (at most twice), not
        // counted as a retry.
        const weaker = WEAKER_FORMAT[format];
        if ((status === 400 || status === 422) && weaker) {
          format = weaker;
          continue;
        }
        if (!isRetryable(error) || retries >= policy.maxRetries) {
          return { ok: false, failure: failureKind(error), status, message, attempts };
        }
        const headers = error instanceof OpenAI.APIError ? error.headers : undefined;
        const wait = retryAfterMs(headers) ?? backoffMs(retries, policy);
        if (Date.now() + wait >= deadline) {
          return { ok: false, failure: 'retry-would-exceed-budget', status, message, attempts };
        }
        await sleep(wait, budget.signal);
        if (budget.signal.aborted) return { ok: false, failure: 'timeout', status, message, attempts };
        retries++;
      }
    }
  } finally {
    clearTimeout(budgetTimer);
  }
}
