import type { Message } from 'discord.js';
import { askCoverage, askRateLimit, rememberTurn } from './answering.ts';
import type { BotContext } from './context.ts';
import { asUserError, INTERNAL_ERROR_MESSAGE, loggableError, userMessage } from './errors.ts';
import { answerMessage, textMessage, type ReplyPayload } from './format.ts';
import { previousForMessage } from './followUps.ts';
import { checkPreconditions } from './preconditions.ts';
import { looksLikeQuestion, mentionsAny, questionFromText } from './question.ts';

/**
 * `@bot <question>` in a server channel: answered with a reply. Discord delivers the content of
 * messages that mention the bot even without the Message Content intent. Bots (this one
 * included) and webhooks are ignored; each message is answered at most once. The answer id is
 * the asking message's id.
 *
 * Follow-ups: a reply to one of the bot's answers (a reply pings the bot unless the member turns
 * the ping off, and then Discord sends the bot no content), or a mention in a thread started
 * from an answer, is answered with the earlier question as context (src/discord/followUps.ts).
 * A reply without an explicit mention must read as a question, so "thanks!" is not answered.
 */
export async function handleMention(message: Message, ctx: BotContext): Promise<void> {
  if (message.author.bot || message.webhookId || message.system || !message.inGuild()) return;
  const me = message.client.user;
  // Members often pick the bot's managed role from the @ list instead of the bot user.
  const ownIds = [me.id, message.guild.members.me?.roles.botRole?.id].filter((id): id is string => Boolean(id));
  const repliesToMe = message.reference !== null && message.mentions.repliedUser?.id === me.id && message.mentions.users.has(me.id);
  if (!mentionsAny(message.content, ownIds) && !(repliesToMe && looksLikeQuestion(message.content))) return;
  if (!ctx.seen.firstTime(`message:${message.id}`)) {
    ctx.log.warn({ messageId: message.id }, 'message delivered again; already answered');
    return;
  }
  const where = { messageId: message.id, userId: message.author.id, channelId: message.channelId };
  try {
    const question = questionFromText(message.content, { stripMentionsOf: ownIds });
    checkPreconditions({ user: message.author }, [askRateLimit(ctx)]);
    void message.channel.sendTyping().catch(() => {});
    const previous = await previousForMessage(ctx, message);
    const answer = await askCoverage(ctx, question, message.id, { previous, guildId: message.guildId, askedAt: message.createdAt });
    const sent = await reply(message, answerMessage(answer, message.id, previous?.shown));
    rememberTurn(ctx, sent, message.author.id, answer);
    ctx.log.info(
      { ...where, abstained: answer.abstained, citations: answer.citations.length, followUp: previous !== undefined },
      'answered mention',
    );
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
function reply(message: Message, payload: ReplyPayload): Promise<Message> {
  return message.reply({ ...payload, failIfNotExists: false });
}
