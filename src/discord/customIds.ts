import { DISCORD_LIMITS } from './limits.ts';

/**
 * Button custom ids carry what their handler needs, so a button still works for answers the
 * in-memory store has forgotten (e.g. after a restart): the answer id, and for Sources the cited
 * passage ids in citation order. Discord caps custom ids at 100 characters.
 */
export type ButtonId =
  | { kind: 'sources'; answerId: string; passageIds: readonly number[] }
  | { kind: 'vote'; answerId: string; vote: Vote }
  | { kind: 'pin'; answerId: string }
  | { kind: 'followUp'; answerId: string }
  | { kind: 'articles'; page: number; search: string };

export type Vote = 'helpful' | 'not_helpful';

const VOTE_CODES: Record<Vote, string> = { helpful: 'up', not_helpful: 'down' };

export function encodeButtonId(id: ButtonId): string {
  let encoded: string;
  switch (id.kind) {
    case 'sources': {
      encoded = `a:src:${id.answerId}:${id.passageIds.join(',')}`;
      // Too many citations to carry: the handler then relies on the answer store alone.
      if (encoded.length > DISCORD_LIMITS.customId) encoded = `a:src:${id.answerId}:`;
      break;
    }
    case 'vote':
      encoded = `a:${VOTE_CODES[id.vote]}:${id.answerId}`;
      break;
    case 'pin':
      encoded = `a:pin:${id.answerId}`;
      break;
    case 'followUp':
      encoded = `a:fu:${id.answerId}`;
      break;
    case 'articles':
      encoded = `s:${id.page}:${id.search}`;
      break;
  }
  if (encoded.length > DISCORD_LIMITS.customId) throw new Error(`custom id too long (${encoded.length}): ${encoded.slice(0, 40)}…`);
  return encoded;
}

/** The button a custom id names, or undefined for ids this bot did not make. */
export function decodeButtonId(customId: string): ButtonId | undefined {
  const answer = /^a:(src|up|down|pin|fu):(\d{1,25})(?::([\d,]*))?$/.exec(customId);
  if (answer) {
    const [, code, answerId] = answer as unknown as [string, string, string, string | undefined];
    if (code === 'src') {
      const list = answer[3] ?? '';
      const passageIds = list === '' ? [] : list.split(',').map(Number);
      if (passageIds.some((n) => !Number.isSafeInteger(n) || n < 0)) return undefined;
      return { kind: 'sources', answerId, passageIds };
    }
    if (answer[3] !== undefined) return undefined;
    if (code === 'pin') return { kind: 'pin', answerId };
    if (code === 'fu') return { kind: 'followUp', answerId };
    return { kind: 'vote', answerId, vote: code === 'up' ? 'helpful' : 'not_helpful' };
  }
  const articles = /^s:(\d{1,6}):(.*)$/s.exec(customId);
  if (articles) return { kind: 'articles', page: Number(articles[1]), search: articles[2] ?? '' };
  return undefined;
}

/**
 * The "Ask a follow-up" modal names the answer message it follows (its custom id comes back with
 * the submitted text); the text input inside it is FOLLOW_UP_INPUT.
 */
export const FOLLOW_UP_INPUT = 'question';

export function encodeFollowUpModalId(answerMessageId: string): string {
  return `fu:${answerMessageId}`;
}

/** The answer message a follow-up modal belongs to, or undefined for modals this bot did not make. */
export function decodeFollowUpModalId(customId: string): string | undefined {
  return /^fu:(\d{1,25})$/.exec(customId)?.[1];
}
