import { splitSentences, type Span } from './sentences.ts';

export interface ChunkingOptions {
  /** A passage grows sentence by sentence until adding one more would pass this length. */
  maxChars: number;
  /** Sentences repeated at the start of the next passage, so an answer is never cut in two. */
  overlapSentences: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { maxChars: 600, overlapSentences: 1 };

/**
 * Groups an article body's sentences into overlapping passages. Each passage is a span of the
 * body (start of its first sentence to end of its last), so its text is body.slice(start, end).
 */
export function splitPassages(body: string, options: ChunkingOptions = DEFAULT_CHUNKING): Span[] {
  const sentences = splitSentences(body);
  const passages: Span[] = [];
  let first = 0;
  while (first < sentences.length) {
    let last = first;
    while (
      last + 1 < sentences.length &&
      sentences[last + 1]!.end - sentences[first]!.start <= options.maxChars
    ) {
      last++;
    }
    passages.push({ start: sentences[first]!.start, end: sentences[last]!.end });
    if (last + 1 >= sentences.length) break;
    // Step forward, keeping the overlap but always making progress.
    first = Math.max(first + 1, last + 1 - options.overlapSentences);
  }
  return passages;
}
