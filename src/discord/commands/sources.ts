import { MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../context.ts';
import { articleListMessage } from '../format.ts';
import { MAX_SEARCH_CHARS, optionName, sourcesCommand } from './definitions.ts';

/** `/sources [search]`: the indexed articles, ten a page, for the asking user only. */
export async function runSources(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const search = (interaction.options.getString(optionName(sourcesCommand, 'search')) ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_SEARCH_CHARS);
  await interaction.reply({ ...articleListMessage(ctx.coverage.articles(), 0, search), flags: MessageFlags.Ephemeral });
}

/** Previous / Next under a /sources list: the page and search come from the button's custom id. */
export async function turnSourcesPage(interaction: ButtonInteraction, page: number, search: string, ctx: BotContext): Promise<void> {
  await interaction.update(articleListMessage(ctx.coverage.articles(), page, search));
}
