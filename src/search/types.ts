/** A passage as the retriever returns it: its place in the article and why it ranked. */
export interface RetrievedPassage {
  /** Stable across re-indexes: the same passage keeps its id (LoadedIndex.passageId). */
  passageId: number;
  articleId: string;
  title: string;
  date: string | null;
  url: string | null;
  /** Character offsets into the article body: text === body.slice(start, end). */
  start: number;
  end: number;
  text: string;
  /** Fused relevance score (higher is better); only comparable within one query. */
  score: number;
}
