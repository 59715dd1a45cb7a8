import type { ChatInputCommandInteraction, Message, MessageContextMenuCommandInteraction, ModalSubmitInteraction } from 'discord.js';
import type { Answer } from '../answer/types.ts';
import type { BotContext } from './context.ts';
import { loggableError, UserError } from './errors.ts';
import { answerMessage } from './format.ts';
import { checkPreconditions, withinRateLimit } from './preconditions.ts';
import { tokenUsable } from './interactionClock.ts';

/** The question a follow-up follows: as its answer showed it, and as it was searched. */
export interface PreviousQuestion {
  shown: string;
  searchedAs: string;
}

export interface Asking {
  /** Set for a follow-up (src/discord/followUps.ts finds it). */
  previous?: PreviousQuestion;
  /** Where it was asked, for the question log (server id, never a user id). */
  guildId: string | null;
  /** When the member asked (the interaction's or message's snowflake time): "this week" is read against it. */
  askedAt?: Date;
}

/**
 * Asks the coverage, bounded in time, remembers the answer under `answerId` for the Sources and
 * feedback buttons, and logs the question (QUESTION_LOG). A follow-up passes the previous
 * question; the answer layer decides how it is used. The Discord layer never ranks passages.
 */
export async function askCoverage(ctx: BotContext, question: string, answerId: string, asking: Asking = { guildId: null }): Promise<Answer> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UserError('answerTimedOut')), ctx.askTimeoutMs);
  });
  try {
    const options = { now: asking.askedAt, ...(asking.previous ? { previousQuestion: asking.previous.searchedAs } : {}) };
    const answer = await Promise.race([ctx.coverage.ask(question, options), timeout]);
    ctx.answers.set(answerId, answer);
    await logQuestion(ctx, answer, answerId, asking);
    return answer;
  } finally {
    clearTimeout(timer);
  }
}

/** A failing question log never costs the member the answer. */
async function logQuestion(ctx: BotContext, answer: Answer, answerId: string, asking: Asking): Promise<void> {
  try {
    const id = await ctx.questionLog.record({
      question: answer.question,
      answered: !answer.abstained,
      source: 'discord',
      guildId: asking.guildId,
      // Editors read the question followed as the member saw it, not the text it was searched as.
      followUp: answer.followUp && asking.previous ? { previousQuestion: asking.previous.shown, searchedAs: answer.followUp.searchedAs } : undefined,
    });
    if (id) ctx.loggedQuestions.set(answerId, id);
  } catch (err) {
    ctx.log.warn({ err: loggableError(err) }, 'could not write the question log');
  }
}

/** Remembers the posted answer as a turn of the asker's conversation (follow-ups build on it). */
export function rememberTurn(ctx: BotContext, sent: Pick<Message, 'id' | 'channelId'>, userId: string, answer: Answer): void {
  ctx.conversations.remember({
    messageId: sent.id,
    channelId: sent.channelId,
    userId,
    question: answer.question,
    searchedAs: answer.followUp?.searchedAs ?? answer.question,
  });
}

type AskingInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction | ModalSubmitInteraction;

export function askRateLimit(ctx: BotContext) {
  return withinRateLimit<{ user: { id: string } }>(ctx.askLimiter, (subject) => subject.user.id);
}

/**
 * The /ask flow, shared with the message context menu and the follow-up modal: refuse bad input
 * before anything is shown, defer (Discord's 3-second window), answer, and edit the deferred
 * reply with the answer. The answer id is the interaction id.
 */
export async function answerInteraction(
  interaction: AskingInteraction,
  question: string,
  ctx: BotContext,
  previous?: PreviousQuestion,
): Promise<void> {
  checkPreconditions(interaction, [askRateLimit(ctx)]);
  await interaction.deferReply();
  const deferredAt = ctx.now();
  const answer = await askCoverage(ctx, question, interaction.id, { previous, guildId: interaction.guildId, askedAt: interaction.createdAt });
  if (!tokenUsable(interaction)) {
    ctx.log.warn({ interactionId: interaction.id }, 'answer ready after the interaction token expired; not sent');
    return;
  }
  const sent = await interaction.editReply(answerMessage(answer, interaction.id, previous?.shown));
  rememberTurn(ctx, sent, interaction.user.id, answer);
  ctx.log.info(
    {
      interactionId: interaction.id,
      userId: interaction.user.id,
      abstained: answer.abstained,
      citations: answer.citations.length,
      followUp: previous !== undefined,
      answerMs: ctx.now() - deferredAt,
    },
    'answered',
  );
}
