import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../context.ts';
import { aboutMessage } from '../format.ts';

/** `/about`: articles, passages, model and index build time. */
export async function runAbout(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  await interaction.reply({ ...aboutMessage(ctx.coverage.stats()), flags: MessageFlags.Ephemeral });
}
