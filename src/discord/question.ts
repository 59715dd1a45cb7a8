import { UserError } from './errors.ts';
import { MAX_QUESTION_CHARS } from './limits.ts';

/** User, role and channel mentions, and @everyone / @here. */
const MENTION = /<@[!&]?\d{15,25}>|<#\d{15,25}>|@everyone|@here/g;

export interface QuestionTextOptions {
  /** Mentions of these user or role ids (the bot's own) are removed from the question. */
  stripMentionsOf?: readonly string[];
}

/**
 * The question in a piece of user text, ready for the coverage: whitespace collapsed and the
 * bot's own mention removed. Throws a UserError for an empty, mention-only or over-long question.
 */
export function questionFromText(raw: string, options: QuestionTextOptions = {}): string {
  let text = raw;
  for (const id of options.stripMentionsOf ?? []) {
    text = text.replace(new RegExp(`<@[!&]?${id}>`, 'g'), ' ');
  }
  const question = text.replace(/\s+/g, ' ').trim();
  if (question === '') throw new UserError(text === raw ? 'questionEmpty' : 'questionMentionOnly');
  if (question.replace(MENTION, '').trim() === '') throw new UserError('questionMentionOnly');
  if (question.length > MAX_QUESTION_CHARS) throw new UserError('questionTooLong', { length: question.length });
  return question;
}

/** Whether `content` mentions the user or role `ids` explicitly (a reply ping alone does not count). */
export function mentionsAny(content: string, ids: readonly string[]): boolean {
  return ids.some((id) => new RegExp(`<@[!&]?${id}>`).test(content));
}

const QUESTION_START = /^(?:and|but|so|also|what|who|whom|whose|when|where|why|how|which|is|are|was|were|do|does|did|can|could|will|would|should|has|have|had)\b/i;

/**
 * Whether a reply to one of the bot's answers reads as a question ("when was that?", "and what
 * did Zelensky say"), not as "thanks!". Only replies without an explicit mention are judged.
 */
export function looksLikeQuestion(text: string): boolean {
  const t = text.trim();
  return /\?\s*$/.test(t) || QUESTION_START.test(t);
}
