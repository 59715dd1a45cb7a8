/**
 * The written ("llm") answer: a language model phrases the answer, and only what verifies
 * against the retrieved passages is shown. Whenever that cannot be done, the extractive
 * answer for the same passages is shown instead, with a note saying why.
 */
import OpenAI from 'openai';
import type { RetrievedPassage } from '../../search/types.ts';
import type { Answer } from '../types.ts';
import { abstainedAnswer, composeAnswer, useFallback } from './compose.ts';
import { parseModelReply } from './parse.ts';
import { SYSTEM_PROMPT, buildUserMessage } from './prompt.ts';
import { requestCompletion, type ResponseFormatMode } from './request.ts';
import { PassageSet, verifyClaims } from './verify.ts';

export interface LlmSettings {
  /** Optional for local OpenAI-compatible servers (baseURL set), which usually need none. */
  apiKey?: string;
  /** e.g. http://127.0.0.1:11434/v1; defaults to OpenAI's API. */
  baseURL?: string;
  model: string;
  /** Total time for one answer, all attempts and retry waits included. */
  timeoutMs: number;
  /** Retries after the first attempt, on rate limits (429), server errors (5xx) and network errors. */
  maxRetries: number;
  /** First retry delay when the server sends no Retry-After; doubles per retry. Default 500. */
  retryBaseDelayMs?: number;
}

/** Pino-compatible: structured fields first, then the message. */
export interface LlmLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export interface LlmAnswerer {
  /**
   * Answers `question` from `passages` (numbered 1..k in the given order). `fallback` is the
   * extractive answer for the same question and passages, returned (with a note) whenever
   * the written answer is unavailable, unreadable or does not verify. Never rejects.
   */
  write(question: string, passages: readonly RetrievedPassage[], fallback: Answer): Promise<Answer>;
}

const DEFAULT_RETRY_BASE_DELAY_MS = 500;
const RETRY_MAX_DELAY_MS = 8_000;

export function createLlmAnswerer(settings: LlmSettings, log: LlmLogger): LlmAnswerer {
  const client = new OpenAI({
    // A local server needs no key, but the client insists on one.
    apiKey: settings.apiKey ?? (settings.baseURL ? 'no-key' : undefined),
    baseURL: settings.baseURL,
    timeout: settings.timeoutMs,
    maxRetries: 0, // retries are ours, bounded by the answer's time budget (see request.ts)
    logLevel: 'off', // failures are logged below, without secrets or question text
  });
  const policy = {
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    retryBaseDelayMs: settings.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
    retryMaxDelayMs: RETRY_MAX_DELAY_MS,
  };
  // Remembered once a server has answered in a weaker format, so later answers skip the 400.
  let format: ResponseFormatMode = 'json_schema';

  const redact = (text: string): string =>
    settings.apiKey && settings.apiKey.length >= 4 ? text.split(settings.apiKey).join('[redacted]') : text;

  async function write(question: string, passages: readonly RetrievedPassage[], fallback: Answer): Promise<Answer> {
    // Nothing retrieved: there is nothing to write from, and the extractive answer already says so.
    if (passages.length === 0) return fallback;

    const started = performance.now();
    log.debug({ question, passages: passages.length }, 'llm question');
    const result = await requestCompletion({
      client,
      model: settings.model,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: buildUserMessage(question, passages) },
      ],
      format,
      policy,
    });
    const fields = {
      model: settings.model,
      attempts: result.attempts,
      latencyMs: Math.round(performance.now() - started),
      passages: passages.length,
    };

    if (!result.ok) {
      const detail = { ...fields, reason: result.failure, status: result.status, error: redact(result.message) };
      // A rejected request (bad key, unknown model) is a configuration problem, not bad luck.
      if (result.failure === 'rejected') log.error(detail, 'llm request rejected');
      else log.warn(detail, 'llm request failed');
      log.info({ ...fields, outcome: 'fallback', reason: 'unavailable' }, 'llm answer');
      return useFallback(question, fallback, 'unavailable');
    }

    format = result.format;
    const { completion } = result;
    const choice = completion.choices[0];
    const answerFields = {
      ...fields,
      responseFormat: result.format,
      promptTokens: completion.usage?.prompt_tokens,
      completionTokens: completion.usage?.completion_tokens,
      finishReason: choice?.finish_reason,
    };

    const reply = parseModelReply(choice?.message?.content);
    if (!reply) {
      log.info({ ...answerFields, outcome: 'fallback', reason: 'unreadable' }, 'llm answer');
      return useFallback(question, fallback, 'unreadable');
    }

    if (!reply.answerable) {
      // The model read the passages against the question and found no answer. We trust that
      // even when the extractive answer has quotes: retrieval always returns its nearest
      // passages, relevant or not, and showing quotes a reader judged off-topic as if they
      // answered would mislead. Saying "the coverage doesn't answer" is the safer error.
      log.info({ ...answerFields, outcome: 'abstained' }, 'llm answer');
      return abstainedAnswer(question);
    }

    const verification = verifyClaims(reply.claims, new PassageSet(passages));
    const droppedQuotes = verification.dropped + reply.malformedQuotes;
    const dropFields = { droppedQuotes, droppedByReason: verification.droppedByReason, malformedQuotes: reply.malformedQuotes };
    if (verification.claims.length === 0) {
      log.info({ ...answerFields, ...dropFields, outcome: 'fallback', reason: 'unverified' }, 'llm answer');
      return useFallback(question, fallback, 'unverified', droppedQuotes);
    }

    const answer = composeAnswer(question, verification.claims, droppedQuotes);
    log.info(
      { ...answerFields, ...dropFields, outcome: 'answered', claims: verification.claims.length, citations: answer.citations.length },
      'llm answer',
    );
    return answer;
  }

  return {
    async write(question, passages, fallback) {
      try {
        return await write(question, passages, fallback);
      } catch (error) {
        // A bug here must cost the user the written answer, not the answer.
        log.error({ error: redact(error instanceof Error ? error.message : String(error)) }, 'llm answerer failed');
        return useFallback(question, fallback, 'unavailable');
      }
    },
  };
}
