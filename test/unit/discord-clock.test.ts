import { describe, expect, it } from 'vitest';
import { ClockSkewCheck, markReceived, tokenUsable } from '../../src/discord/interactionClock.ts';

describe('interaction token deadline', () => {
  it('counts the 15 minutes from arrival by the monotonic clock, stopping 30 s early', () => {
    const interaction = {};
    markReceived(interaction, 1_000);
    expect(tokenUsable(interaction, 1_000 + 14 * 60_000)).toBe(true);
    expect(tokenUsable(interaction, 1_000 + 14.5 * 60_000 + 1)).toBe(false);
    // A second mark (e.g. the same object handled again) does not restart the clock.
    markReceived(interaction, 1_000 + 14 * 60_000);
    expect(tokenUsable(interaction, 1_000 + 14.6 * 60_000)).toBe(false);
  });

  it('leaves an interaction it never saw arrive to Discord to judge', () => {
    expect(tokenUsable({}, Number.MAX_SAFE_INTEGER)).toBe(true);
  });
});

describe('clock skew check', () => {
  const logger = () => {
    const warnings: Array<{ fields: object; msg: string }> = [];
    return { warnings, log: { warn: (fields: object, msg: string) => warnings.push({ fields, msg }) } as never };
  };

  it('warns once when the local clock and Discord differ by more than a minute', () => {
    const { warnings, log } = logger();
    const check = new ClockSkewCheck(log);
    const discord = Date.UTC(2026, 0, 1);
    check.check(discord, discord + 30_000); // network delay, not a wrong clock
    expect(warnings).toEqual([]);
    check.check(discord, discord - 3 * 3_600_000);
    check.check(discord, discord + 20 * 60_000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/^the local clock is 3 h behind Discord's/);
    expect(warnings[0]!.fields).toEqual({ localClockAheadMs: -3 * 3_600_000 });
  });
});
