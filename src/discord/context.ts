import type { Coverage } from '../answer/coverage.ts';
import type { FeedStatus } from '../corpus/feeds/follower.ts';
import type { Answer } from '../answer/types.ts';
import type { BuildProgress } from '../indexing/buildIndex.ts';
import type { ReindexSummary } from '../indexing/reindex.ts';
import type { Logger } from '../log.ts';
import type { QuestionLog } from '../insights/questionLog.ts';
import type { Conversations } from './conversations.ts';
import type { FeedbackStore } from './feedback.ts';
import type { BoundedMap, SeenIds } from './memory.ts';
import type { SlidingWindowLimiter } from './rateLimit.ts';

/** What every handler receives: the coverage to ask, and the bot's small pieces of state. */
export interface BotContext {
  coverage: Coverage;
  log: Logger;
  /** Recent answers by answer id (the interaction or message id that asked), for Sources and feedback. */
  answers: BoundedMap<string, Answer>;
  feedback: FeedbackStore;
  /** Questions per user per minute (/ask, the context menu and mentions share it). */
  askLimiter: SlidingWindowLimiter;
  /** Dispatches already handled, by interaction or message id: a replayed one is not answered twice. */
  seen: SeenIds;
  /** Give up on one answer after this long (the interaction token lives 15 minutes). */
  askTimeoutMs: number;
  /** Monotonic milliseconds, for durations (performance.now()). */
  now(): number;
  /** The local question log (no user ids), for /insights. */
  questionLog: QuestionLog;
  /** Question log ids of recent answers, by answer id: feedback is recorded against them. */
  loggedQuestions: BoundedMap<string, string>;
  /** Recent answers as conversation turns, for follow-up questions. */
  conversations: Conversations;
  /** The incremental re-index of the corpus (`/reindex`); the coverage switches to its result by itself. */
  reindex(onProgress?: (p: BuildProgress) => void): Promise<ReindexSummary>;
  /** The followed feeds (last successful poll, article count), for /about; absent when none are followed. */
  feeds?(): FeedStatus[];
}
