/**
 * `npm run deploy-commands`: registers /ask, /sources, /about and "Ask the coverage" with
 * Discord: in DISCORD_GUILD_ID when set (instant, for development), else globally.
 */
import { exitWithError, startup, UsageError } from '../src/cli/runtime.ts';
import { deployCommands } from '../src/discord/deploy.ts';
import { count } from '../src/plural.ts';

async function main(): Promise<void> {
  const { config } = startup();
  const { token, applicationId, guildId, apiUrl } = config.discord;
  if (!token) throw new UsageError('DISCORD_TOKEN is not set: put the bot token in .env (see .env.example).');
  const result = await deployCommands({ token, apiUrl, applicationId, guildId });
  const names = result.commands.map((c) => c.name).join(', ');
  const where =
    result.scope === 'guild'
      ? `server ${result.guildId} (available now)`
      : 'all servers (global commands can take up to an hour to appear)';
  process.stdout.write(`Registered ${count(result.commands.length, 'command')} (${names}) for application ${result.applicationId} in ${where}.\n`);
}

main().catch(exitWithError);
