import { MessageFlags, type RepliableInteraction } from 'discord.js';
import type { Logger } from '../log.ts';
import { asUserError, INTERNAL_ERROR_MESSAGE, loggableError, userMessage } from './errors.ts';
import { textMessage, type ReplyPayload } from './format.ts';
import { tokenUsable } from './interactionClock.ts';

/**
 * Shows `payload` to the interaction's user only, whatever state the interaction is in: a first
 * reply, the edit of an ephemeral deferral, or, after a public deferral, the "thinking" message
 * removed and an ephemeral follow-up sent instead (a public deferral cannot turn ephemeral).
 */
export async function sendEphemeral(interaction: RepliableInteraction, payload: ReplyPayload): Promise<void> {
  const flags = MessageFlags.Ephemeral;
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply({ ...payload, flags });
    return;
  }
  if (!tokenUsable(interaction)) return;
  if (interaction.deferred && !interaction.replied) {
    if (interaction.ephemeral) {
      await interaction.editReply(payload);
      return;
    }
    await interaction.deleteReply().catch(() => {});
  }
  await interaction.followUp({ ...payload, flags });
}

/**
 * The one place a failed interaction is answered: user errors with their message, anything else
 * logged with detail and answered with a short apology. Never throws.
 */
export async function reportFailure(interaction: RepliableInteraction, err: unknown, log: Logger): Promise<void> {
  const userError = asUserError(err);
  const where = { interactionId: interaction.id, userId: interaction.user.id, channelId: interaction.channelId };
  // A timed-out answer is the bot's fault, not the user's: worth a warning.
  if (userError) log[userError.code === 'answerTimedOut' ? 'warn' : 'info']({ ...where, code: userError.code }, 'interaction refused');
  else log.error({ ...where, err: loggableError(err) }, 'interaction failed');
  try {
    await sendEphemeral(interaction, textMessage(userError ? userMessage(userError) : INTERNAL_ERROR_MESSAGE));
  } catch (sendErr) {
    log.warn({ ...where, err: loggableError(sendErr) }, 'could not tell the user about the failure');
  }
}
