import fs from 'node:fs';
import path from 'node:path';
import type { Answer } from '../answer/types.ts';
import type { Vote } from './customIds.ts';

/** One line of the feedback log (JSON Lines, append-only). */
export interface FeedbackRecord {
  at: string;
  answerId: string;
  userId: string;
  vote: Vote;
  guildId: string | null;
  channelId: string | null;
  messageId: string | null;
  /** The answer voted on; null when it was no longer in memory (e.g. voted after a restart). */
  question: string | null;
  answer: string | null;
  abstained: boolean | null;
  mode: string | null;
  citations: Array<{
    n: number;
    articleId: string;
    title: string;
    passageId: number;
    start: number;
    end: number;
    quote: string;
  }> | null;
}

export interface FeedbackLogger {
  warn(obj: object, msg: string): void;
}

export type VoteInput = Pick<FeedbackRecord, 'answerId' | 'userId' | 'vote' | 'guildId' | 'channelId' | 'messageId'> & {
  answer: Answer | undefined;
};

/**
 * Helpful / Not helpful votes, one per user per answer. Votes are appended to a JSONL file and
 * the file is read at start, so "one vote" holds across restarts.
 */
export class FeedbackStore {
  readonly #voted = new Set<string>();
  #writes: Promise<void> = Promise.resolve();

  private constructor(readonly file: string) {}

  static async open(file: string, log?: FeedbackLogger): Promise<FeedbackStore> {
    const store = new FeedbackStore(file);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    let text = '';
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const record = JSON.parse(line) as Partial<FeedbackRecord>;
        if (typeof record.answerId === 'string' && typeof record.userId === 'string') {
          store.#voted.add(voteKey(record.answerId, record.userId));
        }
      } catch {
        // A line torn by a crash mid-write: skip it, keep the rest.
        log?.warn({ file, line: i + 1 }, 'unreadable feedback log line skipped');
      }
    });
    // Start appends on a fresh line if the last write was torn.
    if (text.length > 0 && !text.endsWith('\n')) await fs.promises.appendFile(file, '\n');
    return store;
  }

  hasVoted(answerId: string, userId: string): boolean {
    return this.#voted.has(voteKey(answerId, userId));
  }

  /**
   * Appends the vote unless this user already voted on this answer. The check and the claim are
   * synchronous, so two quick clicks cannot both be recorded.
   */
  async record(input: VoteInput, now = new Date()): Promise<'recorded' | 'duplicate'> {
    const key = voteKey(input.answerId, input.userId);
    if (this.#voted.has(key)) return 'duplicate';
    this.#voted.add(key);
    const { answer } = input;
    const record: FeedbackRecord = {
      at: now.toISOString(),
      answerId: input.answerId,
      userId: input.userId,
      vote: input.vote,
      guildId: input.guildId,
      channelId: input.channelId,
      messageId: input.messageId,
      question: answer?.question ?? null,
      answer: answer?.answer ?? null,
      abstained: answer?.abstained ?? null,
      mode: answer?.mode ?? null,
      citations:
        answer?.citations.map(({ n, articleId, title, passageId, start, end, quote }) => ({
          n, articleId, title, passageId, start, end, quote,
        })) ?? null,
    };
    const line = `${JSON.stringify(record)}\n`;
    // Appends are chained so lines never interleave.
    const write = this.#writes.then(() => fs.promises.appendFile(this.file, line, 'utf8'));
    this.#writes = write.catch(() => {});
    try {
      await write;
    } catch (err) {
      this.#voted.delete(key);
      throw err;
    }
    return 'recorded';
  }

  /** Resolves when every vote recorded so far is on disk. */
  flush(): Promise<void> {
    return this.#writes;
  }
}

function voteKey(answerId: string, userId: string): string {
  return `${answerId}:${userId}`;
}
