/** One article of the coverage, as loaded from the corpus folder. */
export interface Article {
  /** Stable id: the file path relative to the corpus root without extension, or a JSONL `id`. */
  id: string;
  title: string;
  /** ISO date (YYYY-MM-DD) or null when the article has none. */
  date: string | null;
  url: string | null;
  /** Where the article came from (outlet, feed or file), free text. */
  source: string | null;
  /** The article text every passage and quote offset refers to. */
  body: string;
  /** sha256 of the normalised article (metadata + body): changes when anything shown changes. */
  contentHash: string;
  /** Where it was read from (file path, or `file.jsonl#line`). */
  origin: string;
}

/** What presenters need to show an article without its body. */
export type ArticleSummary = Pick<Article, 'id' | 'title' | 'date' | 'url' | 'source'>;
