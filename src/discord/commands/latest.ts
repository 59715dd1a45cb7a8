import type { ChatInputCommandInteraction } from 'discord.js';
import { askRateLimit } from '../answering.ts';
import type { BotContext } from '../context.ts';
import { latestMessage } from '../format.ts';
import { checkPreconditions } from '../preconditions.ts';
import { questionFromText } from '../question.ts';
import { latestCommand, optionName } from './definitions.ts';

/** `/latest topic:<text>`: the newest articles on a topic, as of the moment it was asked. */
export async function runLatest(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const raw = interaction.options.getString(optionName(latestCommand, 'topic'), true);
  const topic = questionFromText(raw, { stripMentionsOf: [interaction.client.user.id] });
  checkPreconditions(interaction, [askRateLimit(ctx)]);
  await interaction.deferReply();
  const articles = await ctx.coverage.latest(topic, { now: interaction.createdAt });
  await interaction.editReply(latestMessage(topic, articles));
  ctx.log.info({ interactionId: interaction.id, userId: interaction.user.id, articles: articles.length }, 'listed latest');
}
