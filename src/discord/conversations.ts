import { BoundedMap } from './memory.ts';

/**
 * Short-lived conversation memory for follow-up questions, in memory only. A turn is one answer
 * the bot posted: which question it answered (as asked, and as searched, which is what a further
 * follow-up builds on), for whom, where. Turns are found by the answer's message id (a reply to
 * it, a thread started from it, its "Ask a follow-up" button) and, inside a thread, by the
 * asker's last turn there, so one member's follow-ups never take another member's question as
 * context. Turns expire after `ttlMs`; at most `turnsPerConversation` are kept per channel and
 * member and `capacity` in all.
 */
export interface Turn {
  /** The bot's answer message. */
  messageId: string;
  channelId: string;
  userId: string;
  /** The question as the member asked it (the answer's title). */
  question: string;
  /** What it was searched as: the question with a follow-up's context filled in. */
  searchedAs: string;
  at: number;
}

export interface ConversationOptions {
  ttlMs?: number;
  turnsPerConversation?: number;
  capacity?: number;
  now?: () => number;
}

export const CONVERSATION_TTL_MS = 30 * 60 * 1000;

export class Conversations {
  readonly ttlMs: number;
  readonly #turnsPerConversation: number;
  readonly #byMessage: BoundedMap<string, Turn>;
  readonly #byConversation: BoundedMap<string, Turn[]>;
  readonly #now: () => number;

  constructor(options: ConversationOptions = {}) {
    this.ttlMs = options.ttlMs ?? CONVERSATION_TTL_MS;
    this.#turnsPerConversation = options.turnsPerConversation ?? 5;
    this.#byMessage = new BoundedMap(options.capacity ?? 2_000);
    this.#byConversation = new BoundedMap(options.capacity ?? 2_000);
    this.#now = options.now ?? Date.now;
  }

  remember(turn: Omit<Turn, 'at'>): void {
    const stored = { ...turn, at: this.#now() };
    this.#byMessage.set(turn.messageId, stored);
    const key = conversationKey(turn.channelId, turn.userId);
    const turns = [...(this.#byConversation.get(key) ?? []).filter((t) => this.#fresh(t)), stored];
    this.#byConversation.set(key, turns.slice(-this.#turnsPerConversation));
  }

  /** The turn that posted this answer message, while it is fresh. */
  byAnswer(messageId: string): Turn | undefined {
    const turn = this.#byMessage.get(messageId);
    return turn && this.#fresh(turn) ? turn : undefined;
  }

  /** This member's latest fresh turn in this channel (or thread). */
  lastTurn(channelId: string, userId: string): Turn | undefined {
    return this.recent(channelId, userId).at(-1);
  }

  /** This member's fresh turns in this channel, oldest first. */
  recent(channelId: string, userId: string): Turn[] {
    return (this.#byConversation.get(conversationKey(channelId, userId)) ?? []).filter((t) => this.#fresh(t));
  }

  #fresh(turn: Turn): boolean {
    return this.#now() - turn.at <= this.ttlMs;
  }
}

function conversationKey(channelId: string, userId: string): string {
  return `${channelId}:${userId}`;
}
