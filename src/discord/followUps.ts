import type { ButtonInteraction, Message, ModalSubmitInteraction } from 'discord.js';
import { answerInteraction, type PreviousQuestion } from './answering.ts';
import type { BotContext } from './context.ts';
import { decodeButtonId, decodeFollowUpModalId, encodeFollowUpModalId, FOLLOW_UP_INPUT } from './customIds.ts';
import { UserError } from './errors.ts';
import { followUpModal } from './format.ts';
import { MAX_QUESTION_CHARS } from './limits.ts';
import { questionFromText } from './question.ts';
import { unescapeMarkdown } from './text.ts';

/**
 * Follow-up questions: which earlier question a message or modal follows. The Discord layer only
 * finds that question (the replied-to answer, the answer a thread was started from, the answer
 * whose "Ask a follow-up" button was used) and passes it on; how it is combined with the
 * follow-up is the answer layer's job (src/answer/followUp.ts).
 */

/**
 * The question one of this bot's answer messages answered: from conversation memory (with what
 * it was searched as, for a chain of follow-ups), else from the message's own title (memory is
 * short-lived; the message says which question it answered).
 */
export function previousFromAnswer(ctx: BotContext, message: Message): PreviousQuestion | undefined {
  if (message.author.id !== message.client.user.id) return undefined;
  const turn = ctx.conversations.byAnswer(message.id);
  if (turn) return { shown: turn.question, searchedAs: turn.searchedAs };
  if (!isAnswerMessage(message)) return undefined;
  const title = message.embeds[0]?.title;
  if (!title) return undefined;
  const question = unescapeMarkdown(title);
  return { shown: question, searchedAs: question };
}

/** An answer carries the answer buttons (feedback at least); other bot messages do not. */
function isAnswerMessage(message: Message): boolean {
  return message.components.some((row) =>
    'components' in row &&
    row.components.some((c) => {
      const id = 'customId' in c && typeof c.customId === 'string' ? decodeButtonId(c.customId) : undefined;
      return id?.kind === 'vote';
    }),
  );
}

/**
 * The question a message to the bot follows up on, if any: the answer it replies to, or in a
 * thread started from an answer, the asker's own last question there (else the thread's answer).
 */
export async function previousForMessage(ctx: BotContext, message: Message<true>): Promise<PreviousQuestion | undefined> {
  if (message.reference?.messageId) {
    const replied = await message.fetchReference().catch(() => undefined);
    const previous = replied && previousFromAnswer(ctx, replied);
    if (previous) return previous;
  }
  const channel = message.channel;
  if (!channel.isThread()) return undefined;
  const last = ctx.conversations.lastTurn(channel.id, message.author.id);
  if (last) return { shown: last.question, searchedAs: last.searchedAs };
  const starter = await channel.fetchStarterMessage().catch(() => null);
  return starter ? previousFromAnswer(ctx, starter) : undefined;
}

/** "Ask a follow-up": a modal for the question, tied to this answer message. */
export async function showFollowUpModal(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const previous = previousFromAnswer(ctx, interaction.message);
  if (!previous) throw new UserError('followUpUnavailable');
  await interaction.showModal(
    followUpModal(encodeFollowUpModalId(interaction.message.id), FOLLOW_UP_INPUT, previous.shown, MAX_QUESTION_CHARS),
  );
}

/** The submitted follow-up modal: answered publicly, with the question it followed. */
export async function answerFollowUpModal(interaction: ModalSubmitInteraction, ctx: BotContext): Promise<void> {
  const answerMessageId = decodeFollowUpModalId(interaction.customId);
  if (!answerMessageId) throw new UserError('unknownButton');
  const turn = ctx.conversations.byAnswer(answerMessageId);
  const message = interaction.message?.id === answerMessageId ? interaction.message : null;
  const previous = turn ? { shown: turn.question, searchedAs: turn.searchedAs } : message ? previousFromAnswer(ctx, message) : undefined;
  if (!previous) throw new UserError('followUpUnavailable');
  const question = questionFromText(interaction.fields.getTextInputValue(FOLLOW_UP_INPUT), {
    stripMentionsOf: [interaction.client.user.id],
  });
  await answerInteraction(interaction, question, ctx, previous);
}
