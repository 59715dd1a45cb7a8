import type { ArticleSummary } from '../corpus/article.ts';
import type { Answer } from './types.ts';

/** A passage's full text with its source, for "show me the sources" views. */
export interface SourcePassage {
  passageId: number;
  articleId: string;
  title: string;
  date: string | null;
  url: string | null;
  start: number;
  end: number;
  /** Exactly the article body sliced at [start, end). */
  text: string;
}

export interface CoverageStats {
  articles: number;
  passages: number;
  model: string;
  dimension: number;
  /** ISO timestamp of the index build. */
  builtAt: string;
}

/**
 * Everything a presenter (terminal, Discord) may ask of the coverage.
 * Presenters depend on this interface only: they never rank passages themselves.
 */
/** What an answer may depend on besides the question's words. */
export interface AskOptions {
  /**
   * The time of asking: relative expressions ("this week", "latest") are read against it and
   * nothing dated after it counts. The interaction's time in Discord, the clock in the terminal.
   */
  now?: Date;
  /** The question this one follows up on (a reply to an earlier answer), for its context. */
  previousQuestion?: string;
}

/** One of the newest articles on a topic ("what's new on X?"). */
export interface LatestArticle {
  articleId: string;
  title: string;
  date: string | null;
  url: string | null;
  /** The article's first sentence, verbatim. */
  firstSentence: string;
}

export interface Coverage {
  ask(question: string, options?: AskOptions): Promise<Answer>;
  /** The newest articles on a topic, newest first, none dated after `options.now`. */
  latest(topic: string, options?: AskOptions & { limit?: number }): Promise<LatestArticle[]>;
  sourcePassage(passageId: number): SourcePassage | undefined;
  articles(): ArticleSummary[];
  stats(): CoverageStats;
}
