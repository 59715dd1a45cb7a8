import type { ChatInputCommandInteraction } from 'discord.js';
import { answerInteraction } from '../answering.ts';
import type { BotContext } from '../context.ts';
import { questionFromText } from '../question.ts';
import { askCommand, optionName } from './definitions.ts';

/** `/ask question:<text>`: a public answer with cited quotes. */
export async function runAsk(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const raw = interaction.options.getString(optionName(askCommand, 'question'), true);
  const question = questionFromText(raw, { stripMentionsOf: [interaction.client.user.id] });
  await answerInteraction(interaction, question, ctx);
}
