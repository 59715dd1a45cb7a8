/** Generates real-looking snowflakes (timestamp-ordered) so discord.js' createdAt getters make sense. */

const DISCORD_EPOCH_MS = 1_420_070_400_000n;
const WORKER_ID = 1n;

export class SnowflakeGenerator {
  #increment = 0n;

  /** `clock`: Discord's time now, in Unix ms. */
  constructor(private readonly clock: () => number = Date.now) {}

  next(atMs: number = this.clock()): string {
    const timestamp = BigInt(atMs) - DISCORD_EPOCH_MS;
    const increment = this.#increment++ & 0xfffn;
    return ((timestamp << 22n) | (WORKER_ID << 17n) | increment).toString();
  }
}
