import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir, writeFileDurably } from '../durableFs.ts';

/**
 * The local question log, for editors: which questions readers ask and which the coverage could
 * not answer. JSON Lines, append-only between prunes. It never holds a user id (nor a channel or
 * message id): a question line has the question text, when, where it was asked (Discord server
 * id, or the terminal), whether it was answered or declined, and for a follow-up the question
 * it followed; a feedback line adds a Helpful / Not helpful vote to a logged question by the
 * log's own random id.
 *
 * Lines older than the retention are dropped when the log is opened and once a day after, by
 * rewriting the file (written and flushed beside it, then renamed over it: a crash leaves the old
 * log or the new one, never half of one). Retention 0 turns the log off and deletes the file.
 */
export type QuestionSource = 'discord' | 'terminal';
export type Vote = 'helpful' | 'not_helpful';

export interface QuestionEntry {
  type: 'question';
  /** Random id of this log line; feedback lines refer to it. */
  id: string;
  at: string;
  question: string;
  /** For a follow-up: the question it followed, and the question it was searched as. */
  previousQuestion?: string;
  searchedAs?: string;
  answered: boolean;
  source: QuestionSource;
  /** The Discord server it was asked in; null in the terminal. */
  guildId: string | null;
}

export interface FeedbackEntry {
  type: 'feedback';
  /** The question entry voted on. */
  id: string;
  at: string;
  vote: Vote;
}

export type LogEntry = QuestionEntry | FeedbackEntry;

export interface QuestionToLog {
  question: string;
  answered: boolean;
  source: QuestionSource;
  guildId?: string | null;
  followUp?: { previousQuestion: string; searchedAs: string };
}

export interface QuestionLogOptions {
  /** Days a line is kept; 0: no log at all. */
  retentionDays: number;
  log?: { warn(obj: object, msg: string): void; info?(obj: object, msg: string): void };
  now?: () => Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class QuestionLog {
  #writes: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly file: string,
    private readonly options: QuestionLogOptions,
  ) {}

  get enabled(): boolean {
    return this.options.retentionDays > 0;
  }

  /** Opens the log, pruning it now and then daily (an interval that does not keep the process alive). */
  static async open(file: string, options: QuestionLogOptions): Promise<QuestionLog> {
    const log = new QuestionLog(file, options);
    if (!log.enabled) {
      // Retention 0: nothing is kept, including what an earlier setting kept.
      await fs.promises.rm(file, { force: true });
      return log;
    }
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await log.prune();
    log.#timer = setInterval(() => void log.prune().catch((err: unknown) => options.log?.warn({ err }, 'question log prune failed')), DAY_MS);
    log.#timer.unref();
    return log;
  }

  #now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Appends a question; returns its log id (for feedback), or undefined when the log is off. */
  async record(input: QuestionToLog): Promise<string | undefined> {
    if (!this.enabled) return undefined;
    const entry: QuestionEntry = {
      type: 'question',
      id: randomUUID(),
      at: this.#now().toISOString(),
      question: input.question,
      ...(input.followUp ? { previousQuestion: input.followUp.previousQuestion, searchedAs: input.followUp.searchedAs } : {}),
      answered: input.answered,
      source: input.source,
      guildId: input.guildId ?? null,
    };
    await this.#append(entry);
    return entry.id;
  }

  async recordFeedback(questionId: string, vote: Vote): Promise<void> {
    if (!this.enabled) return;
    await this.#append({ type: 'feedback', id: questionId, at: this.#now().toISOString(), vote });
  }

  /** Every readable line, oldest first; a torn or foreign line is skipped. */
  async entries(): Promise<LogEntry[]> {
    await this.#writes;
    return readEntries(this.file);
  }

  /** Drops lines older than the retention (feedback goes with its question). */
  prune(): Promise<void> {
    const work = this.#writes.then(async () => {
      const all = await readEntries(this.file);
      const cutoff = this.#now().getTime() - this.options.retentionDays * DAY_MS;
      const kept = all.filter((e) => e.type === 'question' && Date.parse(e.at) >= cutoff);
      const keptIds = new Set(kept.map((e) => e.id));
      const keep = all.filter((e) => (e.type === 'question' ? keptIds.has(e.id) : keptIds.has(e.id) && Date.parse(e.at) >= cutoff));
      if (keep.length === all.length && !(await hasTornLine(this.file))) return;
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileDurably(temporary, keep.map((e) => `${JSON.stringify(e)}\n`).join(''));
      await fs.promises.rename(temporary, this.file);
      fsyncDir(path.dirname(this.file));
      this.options.log?.info?.({ file: this.file, dropped: all.length - keep.length }, 'question log pruned');
    });
    this.#writes = work.catch(() => {});
    return work;
  }

  /** Resolves when everything recorded so far is written; stops the daily prune. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#writes;
  }

  #append(entry: LogEntry): Promise<void> {
    // Appends (and prunes) are chained so lines never interleave or land in a replaced file.
    const write = this.#writes.then(() => fs.promises.appendFile(this.file, `${JSON.stringify(entry)}\n`, 'utf8'));
    this.#writes = write.catch(() => {});
    return write;
  }
}

/** The lines of a question log file (none if it does not exist). */
export async function readEntries(file: string): Promise<LogEntry[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const entries: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as Partial<LogEntry>;
      if (typeof entry.id !== 'string' || typeof entry.at !== 'string' || Number.isNaN(Date.parse(entry.at))) continue;
      if (entry.type === 'question' && typeof entry.question === 'string' && typeof entry.answered === 'boolean') entries.push(entry as QuestionEntry);
      else if (entry.type === 'feedback' && (entry.vote === 'helpful' || entry.vote === 'not_helpful')) entries.push(entry as FeedbackEntry);
    } catch {
      // A line torn by a crash mid-write: the next prune drops it.
    }
  }
  return entries;
}

async function hasTornLine(file: string): Promise<boolean> {
  const text = await fs.promises.readFile(file, 'utf8').catch(() => '');
  if (text.length > 0 && !text.endsWith('\n')) return true;
  return text.split('\n').some((line) => {
    if (line.trim() === '') return false;
    try {
      JSON.parse(line);
      return false;
    } catch {
      return true;
    }
  });
}
