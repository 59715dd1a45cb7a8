/**
 * "The same story", pragmatically: among the passages retrieved for a question, those that hold
 * most of the question's salient words close together. Concretely, a passage is on the story
 * when its proximity signal (the idf-weighted share of the question's terms found within about
 * two sentences, see retriever.ts) is at least STORY_SHARE of the best passage's. Two reports of
 * one bid ("GAF raises Borg-Warner offer", "GAF offers ... for Borg-Warner") share the names and
 * the subject; an article that merely mentions one name does not reach the bar.
 */
export const STORY_SHARE = 0.8;

/** The items on the question's story, by their proximity coverage (0-1). */
export function storyMembers<T>(items: readonly T[], coverageOf: (item: T) => number): T[] {
  let best = 0;
  for (const item of items) best = Math.max(best, coverageOf(item));
  if (best === 0) return [];
  return items.filter((item) => coverageOf(item) >= STORY_SHARE * best);
}
