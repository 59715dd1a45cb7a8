import type { ChatInputCommandInteraction, Interaction, MessageContextMenuCommandInteraction } from 'discord.js';
import { runInsights } from './commands/insights.ts';
import { answerFollowUpModal } from './followUps.ts';
import { handleButton } from './buttons.ts';
import { runAbout } from './commands/about.ts';
import { runAsk } from './commands/ask.ts';
import { runAskAboutMessage } from './commands/askContextMenu.ts';
import { aboutCommand, askAboutMessageCommand, askCommand, insightsCommand, latestCommand, reindexCommand, sourcesCommand } from './commands/definitions.ts';
import { runLatest } from './commands/latest.ts';
import { runReindex } from './commands/reindex.ts';
import { runSources } from './commands/sources.ts';
import type { BotContext } from './context.ts';
import { UserError } from './errors.ts';
import { reportFailure } from './respond.ts';

type Handler<I> = (interaction: I, ctx: BotContext) => Promise<void>;

const chatCommands: Record<string, Handler<ChatInputCommandInteraction>> = {
  [askCommand.name]: runAsk,
  [sourcesCommand.name]: runSources,
  [aboutCommand.name]: runAbout,
  [reindexCommand.name]: runReindex,
  [insightsCommand.name]: runInsights,
  [latestCommand.name]: runLatest,
};

const messageCommands: Record<string, Handler<MessageContextMenuCommandInteraction>> = {
  [askAboutMessageCommand.name]: runAskAboutMessage,
};

/**
 * One entry point for every interaction, routed to one handler per kind (chat command, message
 * context menu, button, follow-up modal). Each interaction is handled at most once, whatever the gateway
 * replays, and a failure is answered (ephemerally) without taking the bot down.
 */
export async function handleInteraction(interaction: Interaction, ctx: BotContext): Promise<void> {
  if (!ctx.seen.firstTime(`interaction:${interaction.id}`)) {
    ctx.log.warn({ interactionId: interaction.id }, 'interaction delivered again; already handled');
    return;
  }
  if (!interaction.isRepliable()) return;
  try {
    if (interaction.isChatInputCommand()) {
      const run = chatCommands[interaction.commandName];
      if (!run) throw new UserError('unknownCommand');
      await run(interaction, ctx);
    } else if (interaction.isMessageContextMenuCommand()) {
      const run = messageCommands[interaction.commandName];
      if (!run) throw new UserError('unknownCommand');
      await run(interaction, ctx);
    } else if (interaction.isButton()) {
      await handleButton(interaction, ctx);
    } else if (interaction.isModalSubmit()) {
      await answerFollowUpModal(interaction, ctx);
    }
  } catch (err) {
    await reportFailure(interaction, err, ctx.log);
  }
}
