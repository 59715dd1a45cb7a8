/** A verbatim quote shown to the user, with where it comes from. */
export interface Citation {
  /** The number shown as `[n]` in the answer, starting at 1. */
  n: number;
  /** Exactly `article.body.slice(start, end)`; verified before it is shown. */
  quote: string;
  articleId: string;
  title: string;
  date: string | null;
  url: string | null;
  passageId: number;
  start: number;
  end: number;
  /** Shown before the quote when it is from another day than the first quote ("Earlier, on March 3"). */
  label?: string;
  /**
   * The reader's probability (0-1) that this quote answers the question; set by the extractive
   * answer. Later stages (e.g. ordering by date) may reorder among quotes that answer.
   */
  score?: number;
  /** When the reader is sure which words answer: their offsets into the article body, inside [start, end). */
  answerStart?: number;
  answerEnd?: number;
}

export type AnswerMode = 'extractive' | 'llm';

export interface Answer {
  question: string;
  /** True when the coverage does not answer the question; `answer` then says so. */
  abstained: boolean;
  /** The text a user reads, with `[n]` markers pointing at `citations`. */
  answer: string;
  citations: Citation[];
  mode: AnswerMode;
  /**
   * Quotes a language model proposed that are not shown: unverifiable ones, quotations in a claim's
   * own wording that the passages lack, and verified quotes of a claim removed for that reason.
   */
  droppedQuotes: number;
  /** Set when the answer fell back (e.g. the language model timed out); shown to the user. */
  note?: string;
  /**
   * The reader's calibrated probability that its best quote answers the question (0-1); the
   * extractive answer abstains below MIN_ANSWER_CONFIDENCE. Set by the extractive answer, also
   * when it abstains; absent when there was nothing to judge.
   */
  confidence?: number;
  /**
   * Set when the question was answered as a follow-up: the question it followed, and the
   * question actually searched with (the follow-up with the previous question's subject filled
   * in; what a further follow-up builds on).
   */
  followUp?: { previousQuestion: string; searchedAs: string };
}
