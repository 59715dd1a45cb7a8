import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import { QuestionError } from '../answer/question.ts';
import { count } from '../plural.ts';
import { MAX_QUESTION_CHARS } from './limits.ts';

/**
 * Errors a user caused or can act on, by identifier. `userMessage` is the one place that turns
 * them into what the user reads; anything else is an internal error, logged with its detail and
 * shown as a short apology.
 */
export type UserErrorCode =
  | 'questionEmpty'
  | 'questionMentionOnly'
  | 'questionTooLong'
  | 'questionInvalid'
  | 'messageHasNoText'
  | 'rateLimited'
  | 'notInGuild'
  | 'memberCannotPin'
  | 'botCannotPin'
  | 'pinRefusedByDiscord'
  | 'pinLimitReached'
  | 'alreadyVoted'
  | 'answerTimedOut'
  | 'unknownCommand'
  | 'unknownButton'
  | 'memberCannotReindex'
  | 'reindexRunning'
  | 'reindexFailed'
  | 'followUpUnavailable'
  | 'memberCannotViewInsights';

export interface UserErrorDetails {
  /** questionTooLong: the question's length. */
  length?: number;
  /** rateLimited: when the user may ask again. */
  retryAfterMs?: number;
  limitPerMinute?: number;
  /** questionInvalid: the core's own explanation (a QuestionError message). */
  reason?: string;
  /** reindexRunning: when the running re-index started (ISO time). */
  since?: string;
  /** reindexFailed: what went wrong (a corpus, index or model problem). */
  problem?: string;
}

export class UserError extends Error {
  override name = 'UserError';
  constructor(
    readonly code: UserErrorCode,
    readonly details: UserErrorDetails = {},
  ) {
    super(code);
  }
}

export const INTERNAL_ERROR_MESSAGE =
  'Sorry, something went wrong while handling that. It has been logged; please try again in a moment.';

export const BOT_CANNOT_PIN_MESSAGE = 'I need the Manage Messages permission in this channel to pin.';

export function userMessage(error: UserError): string {
  const d = error.details;
  switch (error.code) {
    case 'questionEmpty':
      return 'Please ask a question, e.g. `/ask question: Who did Marco Rubio speak with on the phone?`';
    case 'questionMentionOnly':
      return 'Ask me a question after the mention, e.g. “@me Who did Marco Rubio speak with on the phone?”';
    case 'questionTooLong':
      return `That question is too long (${d.length ?? 'over'} characters; at most ${MAX_QUESTION_CHARS}). Please shorten it.`;
    case 'questionInvalid':
      return d.reason ?? 'That question cannot be answered as asked; please rephrase it.';
    case 'messageHasNoText':
      return 'That message has no text to ask about.';
    case 'rateLimited': {
      const seconds = Math.max(1, Math.ceil((d.retryAfterMs ?? 60_000) / 1000));
      return `You're asking quickly: at most ${d.limitPerMinute === undefined ? 'a few questions' : count(d.limitPerMinute, 'question')} a minute. Please try again in ${seconds} s.`;
    }
    case 'notInGuild':
      return 'That only works in a server channel.';
    case 'memberCannotPin':
      return 'Only members with the Manage Messages permission in this channel can pin answers.';
    case 'botCannotPin':
      return BOT_CANNOT_PIN_MESSAGE;
    case 'pinRefusedByDiscord':
      return `Discord refused the pin: ${BOT_CANNOT_PIN_MESSAGE}`;
    case 'pinLimitReached':
      return 'This channel already has the maximum number of pinned messages; unpin one first.';
    case 'alreadyVoted':
      return 'You already gave feedback on this answer. Thanks!';
    case 'answerTimedOut':
      return 'Answering took too long, sorry. Please try again in a moment.';
    case 'unknownCommand':
      return 'That command is no longer available. Try /ask.';
    case 'unknownButton':
      return 'That button belongs to an older version of this bot and no longer works. Please ask again.';
    case 'memberCannotReindex':
      return 'Only members with the Manage Server permission can re-index the coverage.';
    case 'reindexRunning':
      return `A re-index is already running${d.since ? ` (since <t:${Math.floor(Date.parse(d.since) / 1000)}:T>)` : ''}; try again when it has finished.`;
    case 'reindexFailed':
      return `The re-index failed; the index in use is unchanged. ${d.problem ?? ''}`.trim();
    case 'followUpUnavailable':
      return 'That message is not an answer of mine, so there is nothing to follow up on. Ask with /ask.';
    case 'memberCannotViewInsights':
      return 'Only members with the Manage Server permission can see what readers asked.';
  }
}

/** A thrown value as a user-facing error when it is one (or a core QuestionError), else undefined. */
export function asUserError(err: unknown): UserError | undefined {
  if (err instanceof UserError) return err;
  if (err instanceof QuestionError) return new UserError('questionInvalid', { reason: err.message });
  return undefined;
}

export function isDiscordError(err: unknown, code: number): boolean {
  return err instanceof DiscordAPIError && err.code === code;
}

export const DiscordCodes = RESTJSONErrorCodes;

/**
 * An error as it may be logged: Discord API errors carry the request URL, which for interaction
 * responses contains the interaction token; the token is replaced by `:token`.
 */
export function loggableError(err: unknown): unknown {
  if (!(err instanceof DiscordAPIError)) return err;
  return {
    type: 'DiscordAPIError',
    message: err.message,
    code: err.code,
    status: err.status,
    method: err.method,
    url: redactTokens(err.url),
    stack: redactTokens(err.stack ?? ''),
  };
}

export function redactTokens(text: string): string {
  return text.replace(/\/(interactions\/\d+|webhooks\/\d+)\/[^/?\s]+/g, '/$1/:token');
}
