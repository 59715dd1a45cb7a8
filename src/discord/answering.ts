import type { ChatInputCommandInteraction, MessageContextMenuCommandInteraction } from 'discord.js';
import type { Answer } from '../answer/types.ts';
import type { BotContext } from './context.ts';
import { UserError } from './errors.ts';
import { answerMessage } from './format.ts';
import { checkPreconditions, withinRateLimit } from './preconditions.ts';
import { tokenUsable } from './respond.ts';

/**
 * Asks the coverage as of `askedAt` (when the member asked: the interaction's or message's
 * time, from its snowflake), bounded in time, and remembers the answer under `answerId` for the
 * Sources and feedback buttons. The Discord layer never ranks passages itself.
 */
export async function askCoverage(ctx: BotContext, question: string, answerId: string, askedAt: Date): Promise<Answer> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UserError('answerTimedOut')), ctx.askTimeoutMs);
  });
  try {
    const answer = await Promise.race([ctx.coverage.ask(question, { now: askedAt }), timeout]);
    ctx.answers.set(answerId, answer);
    return answer;
  } finally {
    clearTimeout(timer);
  }
}

type AskingInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

export function askRateLimit(ctx: BotContext) {
  return withinRateLimit<{ user: { id: string } }>(ctx.askLimiter, (subject) => subject.user.id);
}

/**
 * The /ask flow, shared with the message context menu: refuse bad input before anything is
 * shown, defer (Discord's 3-second window), answer, and edit the deferred reply with the answer.
 * The answer id is the interaction id.
 */
export async function answerInteraction(interaction: AskingInteraction, question: string, ctx: BotContext): Promise<void> {
  checkPreconditions(interaction, [askRateLimit(ctx)]);
  await interaction.deferReply();
  const deferredAt = ctx.now();
  const answer = await askCoverage(ctx, question, interaction.id, interaction.createdAt);
  if (!tokenUsable(interaction, ctx.now())) {
    ctx.log.warn({ interactionId: interaction.id }, 'answer ready after the interaction token expired; not sent');
    return;
  }
  await interaction.editReply(answerMessage(answer, interaction.id));
  ctx.log.info(
    {
      interactionId: interaction.id,
      userId: interaction.user.id,
      abstained: answer.abstained,
      citations: answer.citations.length,
      answerMs: ctx.now() - deferredAt,
    },
    'answered',
  );
}
