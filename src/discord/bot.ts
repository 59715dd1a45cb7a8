import type { Coverage } from '../answer/coverage.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';

/** Placeholder until the Discord bot lands: says so instead of pretending to run. */
export async function runBot(options: { config: Config; coverage: Coverage; log: Logger }): Promise<void> {
  options.log.error('The Discord bot is not implemented yet; unset DISCORD_TOKEN to use the terminal.');
  process.exitCode = 1;
}
