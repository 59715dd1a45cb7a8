/**
 * Interaction deadlines by the monotonic clock. An interaction token accepts edits and
 * follow-ups for 15 minutes; they are counted from when the interaction arrived here
 * (performance.now()), never from its snowflake time against the local clock, so a machine
 * whose clock is wrong still answers. How far the local clock is from Discord's is checked
 * on receipt and reported once.
 */
import type { Logger } from '../log.ts';
import { INTERACTION_TOKEN_LIFETIME_MS, INTERACTION_TOKEN_SAFETY_MS } from './limits.ts';

/** A difference this large cannot be network delay: the local clock is off. */
export const CLOCK_SKEW_WARN_MS = 60_000;

const receivedAt = new WeakMap<object, number>();

/** Notes that `interaction` arrived now (monotonic); its token's lifetime is counted from here. */
export function markReceived(interaction: object, at: number = performance.now()): void {
  if (!receivedAt.has(interaction)) receivedAt.set(interaction, at);
}

/** Whether the interaction token may still be used for edits and follow-ups. */
export function tokenUsable(interaction: object, now: number = performance.now()): boolean {
  const at = receivedAt.get(interaction);
  // Never seen arriving (not through the bot's handler): Discord itself judges the token.
  if (at === undefined) return true;
  return now - at < INTERACTION_TOKEN_LIFETIME_MS - INTERACTION_TOKEN_SAFETY_MS;
}

/** Compares Discord's time (a snowflake's) with the local clock on receipt; warns once per bot. */
export class ClockSkewCheck {
  #warned = false;

  constructor(private readonly log: Pick<Logger, 'warn'>) {}

  /** `discordTimeMs`: the interaction's snowflake time; `localTimeMs`: Date.now() on receipt. */
  check(discordTimeMs: number, localTimeMs: number = Date.now()): void {
    const aheadMs = localTimeMs - discordTimeMs;
    if (this.#warned || !Number.isFinite(aheadMs) || Math.abs(aheadMs) <= CLOCK_SKEW_WARN_MS) return;
    this.#warned = true;
    const by = describeSkew(Math.abs(aheadMs));
    this.log.warn(
      { localClockAheadMs: Math.round(aheadMs) },
      `the local clock is ${by} ${aheadMs > 0 ? 'ahead of' : 'behind'} Discord's: answers are still sent (deadlines are counted from arrival), but log times are off; sync the clock (NTP)`,
    );
  }
}

function describeSkew(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 90) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${Math.round(hours)} h` : `${Math.round(hours / 24)} days`;
}
