/**
 * `npm run discord-latency [-- --questions 100 --concurrency 1]`: runs /ask questions through
 * the real bot and discord.js client against the local Discord emulator, and prints p50/p99 of
 * INTERACTION_CREATE -> deferred callback and INTERACTION_CREATE -> final edit of the reply.
 * Uses the offline model unless EMBEDDING_MODEL says otherwise; builds the seed index in a
 * temporary folder. A measurement, not a test: it asserts nothing.
 */
import { DEFAULT_EMBEDDING_MODEL } from '../src/config.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { createBot } from '../src/discord/bot.ts';
import { deployCommands } from '../src/discord/deploy.ts';
import { DiscordEmulator, type DispatchedInteraction } from '../test/support/discord-emulator/index.ts';

const { values } = parseArgs({
  options: {
    questions: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '1' },
    /** Pause between one worker's questions; 0 = back to back. */
    'interval-ms': { type: 'string', default: '0' },
  },
});
const total = Number(values.questions);
const concurrency = Math.max(1, Number(values.concurrency));
const intervalMs = Math.max(0, Number(values['interval-ms']));

process.env.EMBEDDING_MODEL ??= DEFAULT_EMBEDDING_MODEL;
// Imported after EMBEDDING_MODEL is settled: the test helpers read it when they load.
const { SEED_DEV_QUESTIONS, tempDir } = await import('../test/support/paths.ts');
const { buildSeedCoverage } = await import('../test/support/seedIndex.ts');

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

async function main(): Promise<void> {
  const dir = tempDir('coverage-bot-latency-');
  const questions = fs
    .readFileSync(SEED_DEV_QUESTIONS, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { question: string }).question);

  const coverage = await buildSeedCoverage(path.join(dir, 'index'));
  const discord = new DiscordEmulator();
  await discord.start();
  const config = loadConfig(
    {
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.restBase,
      ASK_RATE_LIMIT_PER_MINUTE: String(total * 10),
      FEEDBACK_LOG: 'feedback.jsonl',
    },
    dir,
  );
  await deployCommands({ token: discord.token, apiUrl: discord.restBase, guildId: discord.ids.guildId });
  const bot = await createBot({ config, coverage, log: pino({ level: 'warn' }, pino.destination(2)) });
  await bot.start();
  // discord.js' REST client holds every request to 50 per second (its `globalRequestsPerSecond`),
  // interaction responses included: count how often that, not the bot, made a request wait.
  let restWaits = 0;
  bot.client.rest.on('rateLimited', () => restWaits++);

  // One warm-up question (first embedding call, JIT) outside the figures.
  await discord.dispatchChatInputCommand({ name: 'ask', options: { question: questions[0]! } }).waitForOriginalEdit(30_000);

  const deferred: number[] = [];
  const final: number[] = [];
  let next = 0;
  const started = Date.now();
  async function worker(): Promise<void> {
    while (next < total) {
      const i = next++;
      const users = ['member', 'moderator'] as const;
      const interaction: DispatchedInteraction = discord.dispatchChatInputCommand({
        name: 'ask',
        options: { question: questions[i % questions.length]! },
        user: users[i % 2],
      });
      await interaction.waitForOriginalEdit(30_000);
      const { dispatchedAt, timeline } = interaction.record;
      deferred.push(timeline.find((t) => t.action === 'callback')!.at - dispatchedAt);
      final.push(timeline.find((t) => t.action === 'edit-original')!.at - dispatchedAt);
      if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = Date.now() - started;

  await bot.stop();
  await discord.stop();
  fs.rmSync(dir, { recursive: true, force: true });

  deferred.sort((a, b) => a - b);
  final.sort((a, b) => a - b);
  const row = (name: string, xs: number[]) =>
    `${name.padEnd(38)} p50 ${String(percentile(xs, 50)).padStart(5)} ms   p99 ${String(percentile(xs, 99)).padStart(5)} ms   max ${String(xs.at(-1)).padStart(5)} ms`;
  process.stdout.write(
    [
      `${total} /ask questions, concurrency ${concurrency}, interval ${intervalMs} ms, model ${path.basename(process.env.EMBEDDING_MODEL!)}, ` +
        `${coverage.stats().passages} passages; ${elapsed} ms in all`,
      row('INTERACTION_CREATE -> deferred reply', deferred),
      row('INTERACTION_CREATE -> final edit', final),
      `discord.js REST rate-limit waits: ${restWaits}`,
      `machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(2);
});
