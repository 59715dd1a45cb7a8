import { Client, DiscordjsErrorCodes, Events, GatewayCloseCodes, GatewayIntentBits, Options, type ClientOptions } from 'discord.js';
import type { Coverage } from '../answer/coverage.ts';
import type { Answer } from '../answer/types.ts';
import { ConfigError, type Config } from '../config.ts';
import { reindexInChildProcess } from '../indexing/reindexProcess.ts';
import type { Logger } from '../log.ts';
import type { BotContext } from './context.ts';
import { loggableError } from './errors.ts';
import { QuestionLog } from '../insights/questionLog.ts';
import { Conversations } from './conversations.ts';
import { FeedbackStore } from './feedback.ts';
import { NO_MENTIONS } from './format.ts';
import { ClockSkewCheck, markReceived } from './interactionClock.ts';
import { handleInteraction } from './interactions.ts';
import { BoundedMap, SeenIds } from './memory.ts';
import { handleMention } from './mentions.ts';
import { SlidingWindowLimiter } from './rateLimit.ts';

export interface BotOptions {
  config: Config;
  coverage: Coverage;
  log: Logger;
  /**
   * Also request the privileged Message Content intent (it must then be enabled in the developer
   * portal). Not needed for `@bot` mentions: Discord sends a message's content to the bots it
   * mentions. Only needed to read questions addressed to the bot's *role* mention.
   */
  messageContentIntent?: boolean;
  /** Give up on one answer after this long. Default 2 minutes. */
  askTimeoutMs?: number;
  /** How long `start()` waits for the gateway to be ready. Default 60 s. */
  readyTimeoutMs?: number;
  /** `/reindex`; by default `npm run index` of config's corpus and index in a child process (reindexProcess.ts). */
  reindex?: BotContext['reindex'];
  /** The followed feeds' status, for /about (when `npm start` follows feeds). */
  feeds?: BotContext['feeds'];
  /** The question log (`npm start` opens one for the terminal and the bot); by default opened from config. */
  questionLog?: QuestionLog;
}

export interface Bot {
  client: Client;
  context: BotContext;
  /** Logs in and resolves once the gateway session is ready. */
  start(): Promise<void>;
  /** Lets in-flight answers finish (briefly), then closes the gateway and REST client. */
  stop(): Promise<void>;
}

const RECENT_ANSWERS = 2_000;
const SEEN_DISPATCHES = 20_000;
const STOP_GRACE_MS = 5_000;

/** The discord.js client this bot needs, and nothing more. */
export function clientOptions(config: Config, messageContentIntent = false): ClientOptions {
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages];
  if (messageContentIntent) intents.push(GatewayIntentBits.MessageContent);
  return {
    intents,
    // DISCORD_API_URL: Discord itself, or a local emulator. The gateway URL comes from GET /gateway/bot.
    rest: { api: config.discord.apiUrl },
    // Quoted article text must never ping @everyone, a role or a user: no mention is parsed, ever.
    allowedMentions: NO_MENTIONS,
    // Only recent messages are ever needed (the one a button sits on arrives with the interaction).
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 50 }),
  };
}

export async function createBot(options: BotOptions): Promise<Bot> {
  const { config, coverage, log } = options;
  const token = config.discord.token;
  if (!token) throw new ConfigError(['DISCORD_TOKEN is not set: the Discord bot needs a bot token.']);

  const context: BotContext = {
    coverage,
    log,
    answers: new BoundedMap<string, Answer>(RECENT_ANSWERS),
    feedback: await FeedbackStore.open(config.discord.feedbackLog, log),
    askLimiter: new SlidingWindowLimiter({ limit: config.discord.askRateLimitPerMinute, windowMs: 60_000 }),
    seen: new SeenIds(SEEN_DISPATCHES),
    askTimeoutMs: options.askTimeoutMs ?? 120_000,
    now: () => performance.now(),
    reindex: options.reindex ?? ((onProgress) => reindexInChildProcess({ config, onProgress, command: 'Discord /reindex' })),
    feeds: options.feeds,
    questionLog: options.questionLog ?? (await QuestionLog.open(config.questionLog.file, { retentionDays: config.questionLog.retentionDays, log })),
    loggedQuestions: new BoundedMap<string, string>(RECENT_ANSWERS),
    conversations: new Conversations(),
  };

  const client = new Client(clientOptions(config, options.messageContentIntent ?? config.discord.messageContentIntent));
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const clockSkew = new ClockSkewCheck(log);
  client.on(Events.InteractionCreate, (interaction) => {
    // First thing on receipt: the token's 15 minutes run from here, whatever the local clock says.
    markReceived(interaction);
    clockSkew.check(interaction.createdTimestamp);
    track(handleInteraction(interaction, context).catch((err: unknown) => log.error({ err: loggableError(err) }, 'interaction handler crashed')));
  });
  client.on(Events.MessageCreate, (message) =>
    track(handleMention(message, context).catch((err: unknown) => log.error({ err: loggableError(err) }, 'mention handler crashed'))),
  );
  client.once(Events.ClientReady, (ready) =>
    log.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'Discord bot ready'),
  );
  client.on(Events.Error, (err) => log.error({ err: loggableError(err) }, 'Discord client error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'Discord client warning'));
  client.on(Events.ShardDisconnect, (event, shardId) => log.warn({ code: event.code, shardId }, 'gateway disconnected'));
  client.on(Events.ShardReconnecting, (shardId) => log.info({ shardId }, 'gateway reconnecting'));
  client.on(Events.ShardResume, (shardId, replayed) => log.info({ shardId, replayed }, 'gateway session resumed'));

  return {
    client,
    context,
    async start() {
      const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
      let onDisconnect: ((event: { code: number }) => void) | undefined;
      let timer: NodeJS.Timeout | undefined;
      const ready = new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`The Discord gateway was not ready within ${readyTimeoutMs} ms.`)),
          readyTimeoutMs,
        );
        client.once(Events.ClientReady, () => {
          clearTimeout(timer);
          resolve();
        });
        // Discord closes the gateway for good on a bad token or a privileged intent not enabled.
        onDisconnect = (event) => {
          const problem = gatewayRefusal(event.code);
          if (!problem) return;
          clearTimeout(timer);
          reject(new ConfigError([problem]));
        };
        client.on(Events.ShardDisconnect, onDisconnect);
      });
      try {
        // Whichever fails first is reported; the other must not surface as an unhandled rejection.
        ready.catch(() => {});
        await client.login(token).catch((err: unknown) => {
          const code = (err as { code?: unknown })?.code;
          if (code === DiscordjsErrorCodes.TokenInvalid) {
            throw new ConfigError([gatewayRefusal(GatewayCloseCodes.AuthenticationFailed)!]);
          }
          // @discordjs/ws rejects with a plain Error for close code 4014.
          if (code === DiscordjsErrorCodes.DisallowedIntents || /disallowed intents/i.test(String((err as Error)?.message))) {
            throw new ConfigError([gatewayRefusal(GatewayCloseCodes.DisallowedIntents)!]);
          }
          throw err;
        });
        await ready;
      } catch (err) {
        await client.destroy();
        throw err;
      } finally {
        clearTimeout(timer);
        if (onDisconnect) client.off(Events.ShardDisconnect, onDisconnect);
      }
    },
    async stop() {
      if (inFlight.size > 0) {
        log.info({ inFlight: inFlight.size }, 'waiting for answers in progress');
        await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref())]);
      }
      await client.destroy();
      await context.feedback.flush();
      await context.questionLog.close();
      log.info('Discord bot stopped');
    },
  };
}

/** What to tell the operator when Discord refuses the bot for good; undefined for a passing outage. */
function gatewayRefusal(closeCode: number): string | undefined {
  switch (closeCode) {
    case GatewayCloseCodes.AuthenticationFailed:
      return 'DISCORD_TOKEN was refused by Discord: copy the bot token again from the developer portal (Bot tab, Reset Token).';
    case GatewayCloseCodes.DisallowedIntents:
      return 'Discord refused the Message Content intent: enable it in the developer portal (Bot tab, Privileged Gateway Intents) or do not request it.';
    case GatewayCloseCodes.InvalidIntents:
      return 'Discord refused the requested gateway intents as invalid.';
    default:
      return undefined;
  }
}

/**
 * `npm start` with DISCORD_TOKEN set: runs the bot until SIGINT or SIGTERM, then stops it
 * cleanly. Gateway disconnects are resumed by discord.js itself.
 */
export async function runBot(options: BotOptions): Promise<void> {
  const bot = await createBot(options);
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await bot.start();
  const signal = await signalled;
  options.log.info({ signal }, 'shutting down');
  await bot.stop();
}
