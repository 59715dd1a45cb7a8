import { MessageFlags, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import { computeInsights } from '../../insights/insights.ts';
import type { BotContext } from '../context.ts';
import { insightsMessage, textMessage } from '../format.ts';
import { checkPreconditions, inGuild, memberHas } from '../preconditions.ts';
import { insightsCommand, optionName } from './definitions.ts';

/**
 * `/insights [days]` (Manage Server; only the member sees it): this server's questions of the
 * last days from the question log: share answered, the most asked questions the coverage did not
 * answer (similar ones grouped), Helpful / Not helpful counts. Same report as `npm run insights`.
 */
export async function runInsights(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  checkPreconditions(interaction, [inGuild, memberHas(PermissionFlagsBits.ManageGuild, 'memberCannotViewInsights')]);
  if (!ctx.questionLog.enabled) {
    await interaction.reply({
      ...textMessage('The question log is off (QUESTION_LOG_DAYS=0), so there is nothing to report.'),
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  const days = interaction.options.getInteger(optionName(insightsCommand, 'days')) ?? 7;
  const entries = await ctx.questionLog.entries();
  const report = computeInsights(entries, { days, now: new Date(), guildId: interaction.guildId });
  ctx.log.info({ userId: interaction.user.id, days, questions: report.questions }, '/insights shown');
  await interaction.reply({ ...insightsMessage(report), flags: MessageFlags.Ephemeral });
}
