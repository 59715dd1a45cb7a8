import { REST, Routes, type APIApplication, type APIApplicationCommand } from 'discord.js';
import { commandDefinitions } from './commands/definitions.ts';

export interface DeployOptions {
  token: string;
  apiUrl: string;
  /** Looked up from the token (GET /applications/@me) when not given. */
  applicationId?: string;
  /** Deploy to this server only (instant); otherwise globally (may take a while to show up). */
  guildId?: string;
}

export interface DeployResult {
  scope: 'guild' | 'global';
  applicationId: string;
  guildId?: string;
  commands: APIApplicationCommand[];
}

/**
 * Registers the bot's commands by bulk overwrite: commands that are no longer defined disappear,
 * unchanged ones keep their ids.
 */
export async function deployCommands(options: DeployOptions): Promise<DeployResult> {
  const rest = new REST({ api: options.apiUrl }).setToken(options.token);
  const applicationId =
    options.applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  const route = options.guildId
    ? Routes.applicationGuildCommands(applicationId, options.guildId)
    : Routes.applicationCommands(applicationId);
  const commands = (await rest.put(route, { body: commandDefinitions })) as APIApplicationCommand[];
  return {
    scope: options.guildId ? 'guild' : 'global',
    applicationId,
    ...(options.guildId ? { guildId: options.guildId } : {}),
    commands,
  };
}
