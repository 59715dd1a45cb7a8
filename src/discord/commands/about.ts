import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../context.ts';
import { aboutMessage } from '../format.ts';

/** `/about`: articles, passages, model and index build time; each followed feed's last poll and articles. */
export async function runAbout(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  await interaction.reply({ ...aboutMessage(ctx.coverage.stats(), ctx.feeds?.()), flags: MessageFlags.Ephemeral });
}
