/**
 * `npm start` with DISCORD_TOKEN set, as a real process: builds the missing index, runs the bot
 * against the emulator through DISCORD_API_URL, answers, and stops cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DiscordEmulator } from '../support/discord-emulator/index.ts';
import { CORPUS_DIR, REPO_ROOT, tempDir } from '../support/paths.ts';
import { sandboxEnv } from '../support/cli.ts';

let discord: DiscordEmulator;
let child: ChildProcess | undefined;
let dir: string;
let stderr = '';

beforeAll(async () => {
  discord = new DiscordEmulator();
  await discord.start();
  dir = tempDir('coverage-bot-start-');
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await discord?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('npm start runs the bot until SIGTERM, building the index first', async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/start.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...sandboxEnv(dir, { corpusDir: CORPUS_DIR, discord }),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

  await discord.waitForGatewayFrame((f) => f.direction === 'received' && f.op === 2, { timeoutMs: 30_000, description: 'IDENTIFY' });
  await discord.waitUntil(() => stderr.includes('Discord bot ready'), 10_000);
  expect(fs.existsSync(path.join(dir, 'index', 'CURRENT'))).toBe(true);

  const ask = discord.dispatchChatInputCommand({ name: 'ask', options: { question: 'Who did Marco Rubio speak with on the phone?' } });
  const reply = await ask.waitForReply(10_000);
  expect(JSON.stringify(reply.embeds)).toContain('Lavrov');

  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  const close = discord.events().find((e) => e.kind === 'connection' && e.event === 'close');
  expect(close).toMatchObject({ initiatedBy: 'client', code: 1000 });
  expect(stderr).toContain('Discord bot stopped');
  expect(stderr).not.toContain(discord.token);
}, 60_000);
