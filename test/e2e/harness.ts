/**
 * End-to-end harness: the local Discord emulator, the real seed index and the real bot
 * (createBot with a real discord.js Client), wired through the same config loading as `npm start`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Coverage } from '../../src/answer/coverage.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createBot, type Bot } from '../../src/discord/bot.ts';
import { deployCommands } from '../../src/discord/deploy.ts';
import { DiscordEmulator, type DiscordEmulatorOptions } from '../support/discord-emulator/index.ts';
import { tempDir } from '../support/paths.ts';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface Harness {
  discord: DiscordEmulator;
  /** The running bot; replaced by `restart()`. */
  bot: Bot;
  /** Stops the bot and starts a new one with the same config, as a process restart would. */
  restart(): Promise<void>;
  config: Config;
  dir: string;
  logs: LogLine[];
  stop(): Promise<void>;
}

export interface HarnessOptions {
  coverage: Coverage;
  emulator?: DiscordEmulatorOptions;
  env?: Record<string, string>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const discord = new DiscordEmulator(options.emulator);
  await discord.start();
  const dir = tempDir('coverage-bot-e2e-');
  const config = loadConfig(
    {
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.ids.applicationId,
      DISCORD_GUILD_ID: discord.ids.guildId,
      DISCORD_API_URL: discord.restBase,
      ASK_RATE_LIMIT_PER_MINUTE: '1000',
      FEEDBACK_LOG: 'feedback.jsonl',
      LOG_LEVEL: 'info',
      ...options.env,
    },
    dir,
  );
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const log = pino({ level: 'info' }, sink);

  await deployCommands({
    token: discord.token,
    apiUrl: config.discord.apiUrl,
    applicationId: config.discord.applicationId,
    guildId: config.discord.guildId,
  });
  const launch = async () => {
    const bot = await createBot({ config, coverage: options.coverage, log, readyTimeoutMs: 10_000 });
    await bot.start();
    return bot;
  };

  const harness: Harness = {
    discord,
    bot: await launch(),
    config,
    dir,
    logs,
    async restart() {
      await harness.bot.stop();
      harness.bot = await launch();
    },
    async stop() {
      await harness.bot.stop().catch(() => {});
      await discord.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Resolves after `ms`; for "nothing more happens" checks only, never to wait for a result. */
export const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function feedbackLines(harness: Harness): Array<Record<string, unknown>> {
  const file = harness.config.discord.feedbackLog;
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export function corpusBodies(corpusDir: string): string[] {
  return fs
    .readdirSync(corpusDir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => fs.readFileSync(path.join(corpusDir, f), 'utf8').replace(/\r\n?/g, '\n'));
}
