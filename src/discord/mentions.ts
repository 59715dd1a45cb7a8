import type { Message } from 'discord.js';
import { askCoverage, askRateLimit } from './answering.ts';
import type { BotContext } from './context.ts';
import { asUserError, INTERNAL_ERROR_MESSAGE, loggableError, userMessage } from './errors.ts';
import { answerMessage, textMessage, type ReplyPayload } from './format.ts';
import { checkPreconditions } from './preconditions.ts';
import { mentionsAny, questionFromText } from './question.ts';

/**
 * `@bot <question>` in a server channel: answered with a reply. Discord delivers the content of
 * messages that mention the bot even without the Message Content intent. Bots (this one
 * included) and webhooks are ignored; each message is answered at most once. The answer id is
 * the asking message's id.
 */
export async function handleMention(message: Message, ctx: BotContext): Promise<void> {
  if (message.author.bot || message.webhookId || message.system || !message.inGuild()) return;
  const me = message.client.user;
  // Members often pick the bot's managed role from the @ list instead of the bot user.
  const ownIds = [me.id, message.guild.members.me?.roles.botRole?.id].filter((id): id is string => Boolean(id));
  if (!mentionsAny(message.content, ownIds)) return;
  if (!ctx.seen.firstTime(`message:${message.id}`)) {
    ctx.log.warn({ messageId: message.id }, 'message delivered again; already answered');
    return;
  }
  const where = { messageId: message.id, userId: message.author.id, channelId: message.channelId };
  try {
    const question = questionFromText(message.content, { stripMentionsOf: ownIds });
    checkPreconditions({ user: message.author }, [askRateLimit(ctx)]);
    void message.channel.sendTyping().catch(() => {});
    const answer = await askCoverage(ctx, question, message.id, message.createdAt);
    await reply(message, answerMessage(answer, message.id));
    ctx.log.info({ ...where, abstained: answer.abstained, citations: answer.citations.length }, 'answered mention');
  } catch (err) {
    const userError = asUserError(err);
    if (userError) ctx.log.info({ ...where, code: userError.code }, 'mention refused');
    else ctx.log.error({ ...where, err: loggableError(err) }, 'mention failed');
    await reply(message, textMessage(userError ? userMessage(userError) : INTERNAL_ERROR_MESSAGE)).catch((sendErr: unknown) =>
      ctx.log.warn({ ...where, err: loggableError(sendErr) }, 'could not reply to the mention'),
    );
  }
}

/** A reply that never pings, not even the asker. */
function reply(message: Message, payload: ReplyPayload): Promise<unknown> {
  return message.reply({ ...payload, failIfNotExists: false });
}
