/** Questions longer than this are refused: no real question needs more, and it bounds the work. */
export const MAX_QUESTION_CHARS = 1000;

export class QuestionError extends Error {
  override name = 'QuestionError';
}

/** The question with surrounding whitespace removed; throws a QuestionError a user can read. */
export function validateQuestion(raw: string, maxChars = MAX_QUESTION_CHARS): string {
  const question = raw.replace(/\s+/g, ' ').trim();
  if (question === '') throw new QuestionError('Please ask a question: the question is empty.');
  if (question.length > maxChars) {
    throw new QuestionError(`The question is too long (${question.length} characters; at most ${maxChars}). Please shorten it.`);
  }
  return question;
}
