import { PermissionFlagsBits, type PermissionsBitField } from 'discord.js';
import { UserError, type UserErrorCode } from './errors.ts';
import type { SlidingWindowLimiter } from './rateLimit.ts';

/**
 * Reusable checks a handler declares instead of copying `if` blocks: each returns the UserError
 * to show, or undefined when the check passes. `checkPreconditions` throws the first failure.
 */
export type Precondition<S> = (subject: S) => UserError | undefined;

export function checkPreconditions<S>(subject: S, preconditions: ReadonlyArray<Precondition<S>>): void {
  for (const precondition of preconditions) {
    const failure = precondition(subject);
    if (failure) throw failure;
  }
}

export const inGuild: Precondition<{ guildId: string | null }> = (subject) =>
  subject.guildId ? undefined : new UserError('notInGuild');

/**
 * The member holds `permission` in this channel. An interaction's `memberPermissions` are
 * Discord's channel-resolved permissions (roles and channel overwrites applied).
 */
export function memberHas(
  permission: bigint,
  code: UserErrorCode,
): Precondition<{ memberPermissions: Readonly<PermissionsBitField> | null }> {
  return (subject) => (subject.memberPermissions?.has(permission) ? undefined : new UserError(code));
}

/** The bot itself holds at least one of `permissions` in this channel (`appPermissions`). */
export function botHasAny(
  permissions: readonly bigint[],
  code: UserErrorCode,
): Precondition<{ appPermissions: Readonly<PermissionsBitField> | null }> {
  return (subject) =>
    permissions.some((p) => subject.appPermissions?.has(p)) ? undefined : new UserError(code);
}

/** At most the limiter's number of questions per user per window. */
export function withinRateLimit<S>(limiter: SlidingWindowLimiter, userIdOf: (subject: S) => string): Precondition<S> {
  return (subject) => {
    const decision = limiter.take(userIdOf(subject));
    if (decision.ok) return undefined;
    return new UserError('rateLimited', {
      retryAfterMs: decision.retryAfterMs,
      limitPerMinute: Math.round((limiter.limit * 60_000) / limiter.windowMs),
    });
  };
}

/**
 * Pinning: Discord split PIN_MESSAGES out of MANAGE_MESSAGES; during the transition either one
 * lets the bot pin. Members are held to Manage Messages, as moderators.
 */
export const PIN_CAPABLE = [PermissionFlagsBits.ManageMessages, PermissionFlagsBits.PinMessages] as const;
