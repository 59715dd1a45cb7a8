import type { MessageContextMenuCommandInteraction } from 'discord.js';
import { answerInteraction } from '../answering.ts';
import type { BotContext } from '../context.ts';
import { UserError } from '../errors.ts';
import { questionFromText } from '../question.ts';

/**
 * "Ask the coverage" on any message: asks about that message's text. Interaction payloads carry
 * the target message's content without the Message Content intent.
 */
export async function runAskAboutMessage(interaction: MessageContextMenuCommandInteraction, ctx: BotContext): Promise<void> {
  const content = interaction.targetMessage.content;
  if (!content.trim()) throw new UserError('messageHasNoText');
  const question = questionFromText(content, { stripMentionsOf: [interaction.client.user.id] });
  await answerInteraction(interaction, question, ctx);
}
