import type { Article } from '../corpus/article.ts';

/**
 * The text that is embedded and lexically indexed for a passage: the article title gives
 * passages context their own sentences lack ("the call" -> which call). What is quoted is
 * always the passage itself, never this text.
 */
export function passageSearchText(article: Pick<Article, 'title'>, passageText: string): string {
  return `${article.title}\n${passageText}`;
}
