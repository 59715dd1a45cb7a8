import { MessageFlags, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import type { BuildProgress } from '../../indexing/buildIndex.ts';
import { CorpusError } from '../../corpus/load.ts';
import { ModelError } from '../../indexing/embedder.ts';
import { IndexLockedError } from '../../indexing/indexLock.ts';
import { IndexError } from '../../search/loadIndex.ts';
import { formatReindexSummary, type ReindexSummary } from '../../indexing/reindex.ts';
import type { BotContext } from '../context.ts';
import { UserError } from '../errors.ts';
import { textMessage } from '../format.ts';
import { checkPreconditions, inGuild, memberHas } from '../preconditions.ts';
import { tokenUsable } from '../interactionClock.ts';
import { escapeMarkdown } from '../text.ts';

/** How often the reply shows progress while a long re-index embeds. */
const PROGRESS_EVERY_MS = 5_000;

/**
 * `/reindex` (Manage Server): the same incremental re-index as `npm run index` (by default it is
 * that command, run as a child process so the bot keeps answering), under the same lock; the
 * reply, to the member alone, is its summary. The running coverage switches to the new index by
 * itself. A second /reindex while one runs (here or in another process) is told so.
 */
export async function runReindex(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  checkPreconditions(interaction, [inGuild, memberHas(PermissionFlagsBits.ManageGuild, 'memberCannotReindex')]);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });

  let lastShown = ctx.now();
  let shown: Promise<unknown> | undefined;
  const onProgress = (p: BuildProgress) => {
    if (p.phase !== 'embedding' || ctx.now() - lastShown < PROGRESS_EVERY_MS || !tokenUsable(interaction)) return;
    lastShown = ctx.now();
    shown = interaction.editReply(textMessage(`Re-indexing: embedded ${p.done} of ${p.total} new passages…`)).catch(() => {});
  };
  let summary: ReindexSummary;
  try {
    summary = await ctx.reindex(onProgress);
  } catch (err) {
    // The reason follows as its own message; the progress shown must not stay as if still running.
    if (shown) await shown.then(() => interaction.editReply(textMessage('The re-index stopped.'))).catch(() => {});
    if (err instanceof IndexLockedError) throw new UserError('reindexRunning', { since: err.owner.since });
    // Problems an operator can fix (no usable article, a model that does not load) are shown as they are.
    if (err instanceof CorpusError || err instanceof IndexError || err instanceof ModelError) {
      throw new UserError('reindexFailed', { problem: err.message });
    }
    throw err;
  }
  await shown;
  const { upToDate, added, changed, removed } = summary;
  ctx.log.info({ userId: interaction.user.id, upToDate, added: added.length, changed: changed.length, removed: removed.length }, '/reindex done');
  if (!tokenUsable(interaction)) return; // too late to reply; the log has it
  // The deferral was ephemeral: the summary replaces it (and any progress shown in it).
  await interaction.editReply(textMessage(escapeMarkdown(formatReindexSummary(summary, { maxListed: 10, maxSkipped: 10 }))));
}
