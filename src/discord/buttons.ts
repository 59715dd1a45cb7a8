import { MessageFlags, PermissionFlagsBits, Routes, type ButtonInteraction } from 'discord.js';
import { turnSourcesPage } from './commands/sources.ts';
import type { BotContext } from './context.ts';
import { decodeButtonId, type ButtonId, type Vote } from './customIds.ts';
import { DiscordCodes, isDiscordError, loggableError, UserError } from './errors.ts';
import { showFollowUpModal } from './followUps.ts';
import { sourcesMessage, textMessage, type ReplyPayload } from './format.ts';
import { botHasAny, checkPreconditions, inGuild, memberHas, PIN_CAPABLE } from './preconditions.ts';
import { sourcesFromAnswer, sourcesFromMessage } from './sourceViews.ts';

/** Every button the bot puts under its messages, routed by the kind its custom id names. */
export async function handleButton(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const id = decodeButtonId(interaction.customId);
  if (!id) throw new UserError('unknownButton');
  switch (id.kind) {
    case 'sources':
      return showSources(interaction, id, ctx);
    case 'vote':
      return recordVote(interaction, id.answerId, id.vote, ctx);
    case 'pin':
      return pinAnswer(interaction, ctx);
    case 'articles':
      return turnSourcesPage(interaction, id.page, id.search, ctx);
    case 'followUp':
      return showFollowUpModal(interaction, ctx);
  }
}

function ephemeral(payload: ReplyPayload) {
  return { ...payload, flags: MessageFlags.Ephemeral } as const;
}

/** Sources: the full cited passages, for the clicking user only. */
async function showSources(interaction: ButtonInteraction, id: Extract<ButtonId, { kind: 'sources' }>, ctx: BotContext) {
  const lookup = (passageId: number) => ctx.coverage.sourcePassage(passageId);
  const stored = ctx.answers.get(id.answerId);
  const { views, unverified } = stored
    ? sourcesFromAnswer(stored.citations, lookup)
    : sourcesFromMessage(id.passageIds, interaction.message.embeds[0]?.fields ?? [], lookup);
  if (unverified > 0) {
    ctx.log.warn({ answerId: id.answerId, unverified, fromMemory: Boolean(stored) }, 'cited passages not found as cited');
  }
  if (views.length === 0) {
    await interaction.reply(
      ephemeral(textMessage('The index has changed since this answer, so its sources cannot be shown. Please ask again.')),
    );
    return;
  }
  await interaction.reply(ephemeral(sourcesMessage(views)));
}

/** Helpful / Not helpful: one vote per user per answer, appended to the feedback log. */
async function recordVote(interaction: ButtonInteraction, answerId: string, vote: Vote, ctx: BotContext) {
  const outcome = await ctx.feedback.record({
    answerId,
    userId: interaction.user.id,
    vote,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    messageId: interaction.message.id,
    answer: ctx.answers.get(answerId),
  });
  if (outcome === 'duplicate') throw new UserError('alreadyVoted');
  // The question log counts votes per logged question (answers from before a restart are not linked).
  const logged = ctx.loggedQuestions.get(answerId);
  if (logged) {
    await ctx.questionLog.recordFeedback(logged, vote).catch((err: unknown) =>
      ctx.log.warn({ err: loggableError(err) }, 'could not write feedback to the question log'),
    );
  }
  ctx.log.info({ answerId, userId: interaction.user.id, vote }, 'feedback recorded');
  const thanks = vote === 'helpful' ? 'Thanks! Recorded as helpful.' : 'Thanks! Recorded as not helpful; it helps us improve.';
  await interaction.reply(ephemeral(textMessage(thanks)));
}

/**
 * Pin: moderators only (Manage Messages in this channel, as Discord resolves it for the
 * interaction), and only if the bot itself may pin here.
 */
async function pinAnswer(interaction: ButtonInteraction, ctx: BotContext) {
  checkPreconditions(interaction, [
    inGuild,
    memberHas(PermissionFlagsBits.ManageMessages, 'memberCannotPin'),
    botHasAny(PIN_CAPABLE, 'botCannotPin'),
  ]);
  if (interaction.message.pinned) {
    await interaction.reply(ephemeral(textMessage('This answer is already pinned.')));
    return;
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  try {
    await interaction.client.rest.put(Routes.channelMessagesPin(interaction.channelId, interaction.message.id), {
      reason: `Pinned by ${interaction.user.username} (${interaction.user.id}) with the Pin button`,
    });
  } catch (err) {
    if (isDiscordError(err, DiscordCodes.MissingPermissions)) throw new UserError('pinRefusedByDiscord');
    if (isDiscordError(err, DiscordCodes.MaximumNumberOfPinsReachedForTheChannel)) throw new UserError('pinLimitReached');
    throw err;
  }
  ctx.log.info({ messageId: interaction.message.id, channelId: interaction.channelId, by: interaction.user.id }, 'answer pinned');
  await interaction.editReply(textMessage('Pinned this answer to the channel.'));
}
